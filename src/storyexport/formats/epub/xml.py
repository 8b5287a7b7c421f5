"""XML hygiene for what goes into the EPUB: only characters XML allows, and well-formed documents."""

from __future__ import annotations

import re

from lxml import etree

from ...errors import BuildError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
EPUB_NAMESPACE = "http://www.idpf.org/2007/ops"
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the control characters XML 1.0 forbids (ebooklib would silently drop the value)."""
    return NOT_XML.sub("", text)


def checked_xml(text: str, name: str) -> bytes:
    """The document as UTF-8, after making sure it parses as XML; BuildError names it when not."""
    data = xml_text(text).encode("utf-8")
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise BuildError(f"the EPUB's {name} is not well-formed XML ({exc}); this is a bug in storyexport, "
                         "re-run with --traceback and report it") from exc
    return data
