"""The parts of the HTML page: responsive pictures, the narration player, metadata and the page template."""
