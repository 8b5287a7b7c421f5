"""Print and accessible PDFs through WeasyPrint: page geometry, images, document, safe fetching, finishing."""

import logging

# WeasyPrint announces every rendering step ("Step 1 - Fetching and parsing HTML") at INFO, from
# the moment it is imported; the pdf builder's own lines say enough.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
