"""Stable finding fingerprints, computed once for every parser.

A fingerprint names "the same problem in the same place" across runs. It hashes the tool, the
rule and the location's identity, but not line numbers, so that a finding that moves down a file
keeps its fingerprint: for code it uses the flagged line's text (whitespace folded) instead. Two
findings that would still collide get an occurrence counter, in input order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sarifkit.model import CodeLocation, Finding, Location, PackageLocation, Scan, WebLocation


def location_key(location: Location) -> str:
    """Return the part of a location that identifies it without depending on line numbers."""
    if isinstance(location, CodeLocation):
        return code_key(location.path, location.start_line, location.snippet, location.image)
    if isinstance(location, PackageLocation):
        place = location.image or location.manifest or location.path or ""
        return f"pkg|{place}|{location.ecosystem or ''}|{location.name}|{location.version or ''}"
    if isinstance(location, WebLocation):
        return f"web|{location.method or ''}|{location.url}|{location.param or ''}"
    raise TypeError(f"unknown location type {type(location).__name__}")


def code_key(path: str, start_line: int | None, snippet: str | None, image: str | None) -> str:
    """Return `location_key` of a code location from its fields."""
    text = " ".join(snippet.split()) if snippet else ""
    # Without a snippet the line number is all that tells two findings in one file apart.
    where = text if text else f"line:{start_line}"
    return f"code|{image or ''}|{path}|{where}"


def base_fingerprint(tool: str, rule_id: str, first_location_key: str) -> str:
    """Return the fingerprint `assign_fingerprints` gives a finding before counting repeats.

    `tool` is the scan's tool name in lower case, `first_location_key` the `location_key` of the
    finding's first location ("nowhere" without one). A parser that has these at hand may set the
    result as the finding's fingerprint while building it: the outcome is the same.
    """
    key = f"{tool}|{rule_id}|{first_location_key}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _first_location_key(finding: Finding) -> str:
    return location_key(finding.locations[0]) if finding.locations else "nowhere"


def finding_key(tool: str, finding: Finding) -> str:
    """Return the text a finding's fingerprint hashes."""
    return f"{tool}|{finding.rule_id}|{_first_location_key(finding)}"


def assign_fingerprints(scan: Scan) -> None:
    """Give every finding of `scan` without one a stable fingerprint, unique within the scan."""
    seen: dict[str, int] = {}
    tool = scan.tool.name.lower()
    for finding in scan.findings:
        given = finding.fingerprint
        base = given or base_fingerprint(tool, finding.rule_id, _first_location_key(finding))
        count = seen.get(base, 0) + 1
        seen[base] = count
        fingerprint = base if count == 1 else f"{base}:{count}"
        # Assigning a model field costs more than the rest of the loop: skip it when unchanged.
        if fingerprint != given:
            finding.fingerprint = fingerprint


def digest(parts: Iterable[str]) -> str:
    """Return a short, stable hex digest of `parts`, for ids derived from content."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]
