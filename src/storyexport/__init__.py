"""storyexport: one story in Markdown, every form its readers need."""

__version__ = "0.1.0"
