"""Pandoc's Markdown syntax that markdown-it-py and its plugins do not parse: markdown-it rules."""
