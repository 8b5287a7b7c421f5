"""The accessible web page per language: the page template, responsive pictures, the narration player, metadata."""
