"""The parser registry: one mapping from tool name to parser, and detection by content.

Parsers are imported only when asked for, so a command pays for the parsers it uses.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError
from sarifkit.parsers.base import Parser, gc_paused

from sarifkit.errors import InputError, ParseError, UnknownFormatError
from sarifkit.fingerprint import assign_fingerprints
from sarifkit.model import Scan
from sarifkit.source import Source

logger = logging.getLogger(__name__)

#: Tool name (the ``--tool`` value) -> "module:Class", in detection order: specific formats first.
PARSERS: dict[str, str] = {
    "sarif": "sarifkit.parsers.sarif:SarifParser",
    "cyclonedx": "sarifkit.parsers.cyclonedx:CycloneDxParser",
    "spdx": "sarifkit.parsers.spdx:SpdxParser",
    "trivy": "sarifkit.parsers.trivy:TrivyParser",
    "bandit": "sarifkit.parsers.bandit:BanditParser",
    "safety": "sarifkit.parsers.safety:SafetyParser",
    "sonarqube": "sarifkit.parsers.sonarqube:SonarQubeParser",
    "zap": "sarifkit.parsers.zap:ZapParser",
    "cobertura": "sarifkit.parsers.cobertura:CoberturaParser",
}

#: File name endings read when a directory is given as input.
_DIRECTORY_SUFFIXES = (".json", ".xml", ".sarif", ".txt")

__all__ = ["PARSERS", "Parser", "detect", "get_parser", "parse_paths", "parse_source"]


def get_parser(name: str) -> type[Parser]:
    """Return the parser class registered as `name`; raise `InputError` for an unknown name."""
    try:
        target = PARSERS[name]
    except KeyError:
        known = ", ".join(sorted(PARSERS))
        raise InputError(f"unknown tool {name!r} (known: {known})") from None
    module_name, _, class_name = target.partition(":")
    parser: type[Parser] = getattr(importlib.import_module(module_name), class_name)
    return parser


def detect(source: Source) -> type[Parser]:
    """Return the first parser that recognises `source`; raise `UnknownFormatError` if none does."""
    if source.looks_binary:
        raise InputError(f"{source.name}: is binary, not a scanner report")
    for name in PARSERS:
        parser = get_parser(name)
        if parser.recognizes(source):
            logger.debug("%s: detected as %s", source.name, name)
            return parser
    if source.first_char in "{[":
        source.json()  # raises the precise JSON error for truncated or broken files
    elif source.first_char == "<":
        source.xml()  # likewise for XML, and refuses hostile documents
    tried = "; ".join(get_parser(name).formats for name in PARSERS)
    raise UnknownFormatError(f"{source.name}: not a report sarifkit recognises (tried: {tried})")


def parse_source(source: Source, tool: str | None = None) -> list[Scan]:
    """Parse `source` with the parser for `tool`, or the detected one; fingerprint every finding."""
    return _parse(_parser_for(source, tool), source)


def _parser_for(source: Source, tool: str | None) -> type[Parser]:
    """Return the parser for `tool` once it recognises `source`, or the detected parser."""
    if not tool:
        return detect(source)
    parser_cls = get_parser(tool)
    if not parser_cls.recognizes(source):
        if source.first_char in "{[":
            source.json()
        elif source.first_char == "<":
            source.xml()
        raise ParseError(f"{source.name}: does not look like a {parser_cls.formats} report")
    return parser_cls


def _parse(parser_cls: type[Parser], source: Source) -> list[Scan]:
    """Parse `source` with `parser_cls`, turning shape errors into `ParseError`; fingerprint."""
    # Recognition is over and no parser reads a JSON report's raw bytes again: they go before
    # the findings are built, which lowers the peak memory by the size of the report.
    source.release_bytes()
    try:
        with gc_paused():
            scans = parser_cls().parse(source)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # Parsers walk untrusted documents; a shape they did not expect is bad input, not a bug
        # worth a traceback. The message keeps the exception text for the user to act on.
        raise ParseError(
            f"{source.name}: malformed {parser_cls.formats} report: {_one_line(exc)}"
        ) from exc
    for scan in scans:
        assign_fingerprints(scan)
    return scans


def _one_line(exc: Exception) -> str:
    """Return the gist of `exc` on one line: pydantic's first error, or the message's first line."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']} (got {first.get('input')!r:.60})"
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Return `paths` with each directory replaced by the report files directly inside it."""
    expanded: list[str] = []
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            files = sorted(
                str(child)
                for child in p.iterdir()
                if child.is_file() and child.suffix.lower() in _DIRECTORY_SUFFIXES
            )
            if not files:
                raise InputError(f"{path}: is a directory with no reports in it")
            expanded.extend(files)
        else:
            expanded.append(path)
    return expanded


def parse_paths(paths: Iterable[str], tool: str | None = None) -> list[Scan]:
    """Read and parse every report in `paths` (files, directories or ``-``), in order.

    Scans that one parser says belong together (pages of one SonarQube search) are combined.
    """
    grouped: dict[str, list[Scan]] = {}
    order: list[tuple[str, int]] = []
    for path in expand_paths(paths):
        source = Source.read(path)
        parser_cls = _parser_for(source, tool)
        scans = _parse(parser_cls, source)
        source.release()
        for scan in scans:
            grouped.setdefault(parser_cls.name, []).append(scan)
            order.append((parser_cls.name, len(grouped[parser_cls.name]) - 1))
    combined: list[Scan] = []
    for name, scans in grouped.items():
        combined.extend(get_parser(name).combine(scans))
    # Keep the inputs' order for parsers that combine nothing.
    if len(combined) == len(order):
        return [grouped[name][index] for name, index in order]
    return combined
