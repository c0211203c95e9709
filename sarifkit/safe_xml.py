"""XML parsing with defusedxml's protections on lxml's speed.

lxml is told never to expand entities, load a DTD or touch the network; on top of that any
document type declaration with an internal subset (``[...]``, where entities and other
declarations live) is refused, as defusedxml's ``forbid_dtd`` does, since every entity attack
needs one. A DOCTYPE that only names an external DTD, as Cobertura, gcovr and Istanbul write
(``<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">``), is
allowed: with ``load_dtd`` and network access off, the DTD it names is never read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
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

#: A whole DOCTYPE that names an external DTD and declares nothing itself: no internal subset.
_EXTERNAL_ONLY_DOCTYPE = re.compile(
    rb"""<!DOCTYPE \s+ [^\s\[\]<>"']+ \s+
        (?: SYSTEM \s+ (?:"[^"<>]*"|'[^'<>]*')
          | PUBLIC \s+ (?:"[^"<>]*"|'[^'<>]*') \s+ (?:"[^"<>]*"|'[^'<>]*') )
        \s* >""",
    re.VERBOSE,
)
_DECLARATIONS = (b"<!ENTITY", b"<!ELEMENT", b"<!ATTLIST", b"<!NOTATION")


def parse_xml(data: bytes, name: str) -> Any:
    """Return the root element of `data`; raise `InputError` naming `name` for bad or hostile XML."""
    external_only = _external_only_doctype(data)
    if not external_only and _declares_doctype(data):
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
    # lxml-stubs' DTD lacks the iter* methods that lxml's has.
    dtd: Any = root.getroottree().docinfo.internalDTD
    if dtd is not None and (
        not external_only or any(True for _ in dtd.iterentities()) or any(dtd.iterelements())
    ):
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


def _external_only_doctype(data: bytes) -> bool:
    """Return whether the prolog holds exactly one DOCTYPE, naming an external DTD and no more.

    Any declaration markup in the prolog (``<!ENTITY`` and the like, even in a comment) or a
    second ``<!DOCTYPE`` makes this False, and the document is then refused as before.
    """
    head = data[:65536]
    root_start = _first_element(head)
    if root_start < 0:
        return False
    prolog = head[:root_start]
    if prolog.count(b"<!DOCTYPE") != 1 or any(d in prolog for d in _DECLARATIONS):
        return False
    return _EXTERNAL_ONLY_DOCTYPE.match(prolog, prolog.find(b"<!DOCTYPE")) is not None


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


def iterparse_xml(data: bytes, name: str, tags: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """Yield lxml's ``start`` and ``end`` events for the elements named `tags`, as they are parsed.

    For reports too large to hold as a tree beside the findings read from them: the caller
    clears each element once it has read it. The protections are `parse_xml`'s; a document with
    a DOCTYPE goes through `parse_xml` itself, so it is refused or allowed by the same rules.
    Raises `InputError` naming `name` for bad or hostile XML.
    """
    events = ("start", "end")
    if b"<!DOCTYPE" in data[:65536]:
        yield from etree.iterwalk(parse_xml(data, name), events=events, tag=tags)
        return
    checked = False
    try:
        for event, element in etree.iterparse(
            io.BytesIO(data), events=events, tag=tags, **_PARSER_OPTIONS
        ):
            if not checked:
                # A DOCTYPE the byte scan cannot see (a UTF-16 document, say) is still refused.
                if element.getroottree().docinfo.internalDTD is not None:
                    raise InputError(f"{name}: XML with a DOCTYPE is refused (DTDForbidden)")
                checked = True
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: is not well-formed XML: {exc.msg}") from None
