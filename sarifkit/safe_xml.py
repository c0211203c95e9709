"""XML parsing with defusedxml's protections on lxml's speed.

lxml is told never to expand entities, load a DTD or touch the network; on top of that any
document type declaration is refused, as defusedxml's ``forbid_dtd`` does, since no scanner
report carries one and every entity attack needs one.
"""

from __future__ import annotations

from typing import Any

from defusedxml import DTDForbidden, EntitiesForbidden
from lxml import etree

from sarifkit.errors import InputError

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "dtd_validation": False,
    "huge_tree": True,  # large reports are legitimate; entity expansion stays off regardless
    "remove_comments": True,
    "remove_pis": True,
}


def parse_xml(data: bytes, name: str) -> Any:
    """Return the root element of `data`; raise `InputError` naming `name` for bad or hostile XML."""
    if _declares_doctype(data):
        # Named after defusedxml's errors, so the message reads the same as its parsers'.
        kind = EntitiesForbidden if b"<!ENTITY" in data[:65536] else DTDForbidden
        raise InputError(
            f"{name}: XML with a DOCTYPE is refused ({kind.__name__}): "
            "entity expansion and DTD loading are off"
        )
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: is not well-formed XML: {exc.msg}") from None
    if root is None:
        raise InputError(f"{name}: is not well-formed XML: no root element")
    if root.getroottree().docinfo.internalDTD is not None:
        # Reached only when the prolog scan missed the DOCTYPE (a UTF-16 document, say).
        raise InputError(f"{name}: XML with a DOCTYPE is refused (DTDForbidden)")
    return root


def _declares_doctype(data: bytes) -> bool:
    """Return whether the prolog (the part before the root element) holds a DOCTYPE."""
    head = data[:65536]
    index = head.find(b"<!DOCTYPE")
    if index < 0:
        return False
    # A DOCTYPE after the root element starts would be a syntax error, which lxml reports anyway.
    root_start = _first_element(head)
    return root_start < 0 or index < root_start


def _first_element(head: bytes) -> int:
    """Return the offset of the first start tag, skipping the declaration, comments and PIs."""
    pos = 0
    while True:
        pos = head.find(b"<", pos)
        if pos < 0 or pos + 1 >= len(head):
            return -1
        nxt = head[pos + 1 : pos + 2]
        if nxt in (b"?", b"!"):
            pos += 2
            continue
        return pos
