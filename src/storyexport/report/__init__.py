"""report.json and report.html: every check of every output of a story, in one place."""
