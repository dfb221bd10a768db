"""Administration of the directory: accounts, edits with audit, four-eyes approval."""
