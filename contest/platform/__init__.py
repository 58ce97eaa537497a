"""The platform every package leans on: the database and its unit of work, storage, jobs and
their queue, mail, the typed audit log and its chain, backups, security headers, throttling,
passwords, logs, configuration, translations, lists, the web helpers of every view, and
helper programs kept running between requests (`resident`).

It imports nothing but itself (never `contest`'s domain, `contest.documents`, `judging` or
`anthology`): collaborators from above are passed in or connected, never imported."""
