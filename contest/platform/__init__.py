"""The platform every package leans on: the database and its unit of work, storage, jobs and
their queue, mail, the typed audit log and its chain, backups, security headers, throttling,
passwords, logs, configuration, translations, lists and the web helpers of every view.

It imports nothing but itself (never `contest`'s domain, `contest.documents`, `judging` or
`anthology`): collaborators from above are passed in or connected, never imported."""
