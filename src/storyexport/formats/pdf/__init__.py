"""Print and accessible PDFs through WeasyPrint: page geometry, images, document, safe fetching, finishing."""
