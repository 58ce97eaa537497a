"""The document engine: what turns an upload into safe text. Word, OpenDocument and plain text,
old Word files through a sandboxed LibreOffice, legacy Vietnamese fonts, PDF text, pictures
re-encoded, the essay's Markdown tree and its sanitising; and the app's own papers printed to
PDF by the same sandboxed LibreOffice.

It imports only itself and `contest.platform` (never the domain, `judging` or `anthology`)."""
