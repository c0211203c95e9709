"""What the gate reads off each finding: its class, CWEs, CVEs, package and place.

Classes of finding (`FindingClass`):

* ``vulnerability`` – every finding of a security scan; the only class the score and the
  severity checks count.
* ``hotspot`` – a SonarQube security hotspot: code to review, not a confirmed flaw.
* ``bug``, ``code_smell`` – SonarQube issues of those types: quality, reported as metrics.
* ``license`` – a finding of a license scan: the compliance policies judge it.
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

# SonarQube's issue types, under the property names a parser may keep them as.
_SONAR_TYPE_KEYS = ("type", "issue_type", "sonar_type")
_HOTSPOT_KEYS = ("vulnerabilityProbability", "vulnerability_probability", "securityCategory")


def finding_class(scan: Scan, finding: Finding) -> FindingClass:
    """Return the class of `finding` in `scan` (see the module docstring)."""
    if scan.kind is ScanKind.LICENSE:
        return "license"
    if "sonar" not in scan.tool.name.lower():
        return "vulnerability"
    props = finding.properties
    if props.get("hotspot") is True or any(key in props for key in _HOTSPOT_KEYS):
        return "hotspot"
    kind = next((str(props[k]).upper() for k in _SONAR_TYPE_KEYS if props.get(k)), "")
    if kind in ("SECURITY_HOTSPOT", "HOTSPOT"):
        return "hotspot"
    if kind == "CODE_SMELL":
        return "code_smell"
    if kind == "BUG":
        return "bug"
    return "vulnerability"


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
