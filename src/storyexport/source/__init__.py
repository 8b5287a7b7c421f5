"""Reading a story: its files, front matter, Markdown and photos, checked and turned into the frozen model."""
