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
        text = " ".join(location.snippet.split()) if location.snippet else ""
        # Without a snippet the line number is all that tells two findings in one file apart.
        where = text if text else f"line:{location.start_line}"
        return f"code|{location.image or ''}|{location.path}|{where}"
    if isinstance(location, PackageLocation):
        place = location.image or location.manifest or location.path or ""
        return f"pkg|{place}|{location.ecosystem or ''}|{location.name}|{location.version or ''}"
    if isinstance(location, WebLocation):
        return f"web|{location.method or ''}|{location.url}|{location.param or ''}"
    raise TypeError(f"unknown location type {type(location).__name__}")


def finding_key(tool: str, finding: Finding) -> str:
    """Return the text a finding's fingerprint hashes."""
    first = location_key(finding.locations[0]) if finding.locations else "nowhere"
    return f"{tool}|{finding.rule_id}|{first}"


def assign_fingerprints(scan: Scan) -> None:
    """Give every finding of `scan` without one a stable fingerprint, unique within the scan."""
    seen: dict[str, int] = {}
    tool = scan.tool.name.lower()
    for finding in scan.findings:
        if finding.fingerprint:
            base = finding.fingerprint
        else:
            base = hashlib.sha256(finding_key(tool, finding).encode("utf-8")).hexdigest()[:32]
        count = seen.get(base, 0) + 1
        seen[base] = count
        finding.fingerprint = base if count == 1 else f"{base}:{count}"


def digest(parts: Iterable[str]) -> str:
    """Return a short, stable hex digest of `parts`, for ids derived from content."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]
