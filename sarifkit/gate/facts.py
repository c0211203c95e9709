"""What the gate reads off each finding: its class, CWEs, CVEs, package and place.

Classes of finding (`FindingClass`):

* ``vulnerability`` – a security finding; the only class the score and the severity checks
  count.
* ``hotspot`` – a security hotspot (SonarQube): code to review, not a confirmed flaw.
* ``bug``, ``code_smell`` – quality findings (SonarQube): reported as metrics.
* ``license`` – a license finding, or any finding of a license scan: compliance policies judge it.

The class is the finding's `FindingCategory`, which its parser sets.
"""

from __future__ import annotations

import re
import sys
from typing import Literal

from sarifkit.model import (
    CodeLocation,
    Confidence,
    Finding,
    PackageLocation,
    Rule,
    Scan,
    ScanKind,
    WebLocation,
)

FindingClass = Literal["vulnerability", "hotspot", "bug", "code_smell", "license"]

_CVE = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
_CWE = re.compile(r"(?:CWE-)?(\d+)", re.IGNORECASE)
_PACKAGE_SEPARATORS = re.compile(r"[-_.]+")


def finding_class(scan: Scan, finding: Finding) -> FindingClass:
    """Return the class of `finding` in `scan`: its category, or license for a license scan."""
    if scan.kind is ScanKind.LICENSE:
        return "license"
    return finding.category.value


def is_false_positive(finding: Finding) -> bool:
    """Return whether the scanner itself marked `finding` a false positive (ZAP confidence 0)."""
    return finding.confidence is Confidence.FALSE_POSITIVE


def cwes(finding: Finding, rule: Rule | None) -> list[int]:
    """Return the sorted CWE ids of `finding` and of its rule."""
    found: set[int] = set(rule.cwes) if rule is not None else set()
    for identifier in finding.identifiers:
        if identifier.type.lower() == "cwe":
            match = _CWE.fullmatch(identifier.value.strip())
            if match:
                found.add(int(match.group(1)))
    return sorted(found)


def cves(finding: Finding) -> list[str]:
    """Return the sorted, upper-cased CVE ids of `finding` (its identifiers, else its rule id)."""
    found = {i.value.strip().upper() for i in finding.identifiers if i.type.lower() == "cve"}
    if not found and _CVE.fullmatch(finding.rule_id):
        found.add(finding.rule_id.upper())
    return sorted(found)


def advisory_ids(finding: Finding) -> list[str]:
    """Return the CVE and GHSA ids of `finding`: the names two scanners share for one flaw."""
    ghsa = {i.value.strip().upper() for i in finding.identifiers if i.type.lower() == "ghsa"}
    return cves(finding) + sorted(ghsa)


def package(finding: Finding) -> PackageLocation | None:
    """Return the first package location of `finding`, or None."""
    for location in finding.locations:
        if isinstance(location, PackageLocation):
            return location
    return None


def package_key(name: str) -> str:
    """Return `name` normalised the way PEP 503 does, so ``Django`` and ``django`` are one."""
    return sys.intern(_PACKAGE_SEPARATORS.sub("-", name.strip().lower()))


def place(finding: Finding) -> str | None:
    """Return where `finding` is, as a path, manifest or URL, for waivers and messages."""
    for location in finding.locations:
        if isinstance(location, CodeLocation):
            return location.path
        if isinstance(location, PackageLocation):
            return location.manifest or location.path or location.image or location.name
        if isinstance(location, WebLocation):
            return location.url
    return None


def line(finding: Finding) -> int | None:
    """Return the start line of the first code location of `finding`, or None."""
    for location in finding.locations:
        if isinstance(location, CodeLocation):
            return location.start_line
    return None


def has_fix(finding: Finding) -> bool:
    """Return whether a fixed version of the finding's package is known."""
    return finding.fix is not None and bool(finding.fix.fixed_versions)
