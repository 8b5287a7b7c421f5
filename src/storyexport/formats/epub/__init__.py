"""The EPUB 3 per language: content documents, images, navigation, media overlays and accessibility metadata."""
