"""Waivers: accepted risks that stop matching findings from counting, until they expire.

A waiver matches a finding when every selector it gives matches: ``fingerprint`` (exact),
``rule`` (the rule id, exact or a glob such as ``B3*``), ``cve`` (any CVE id of the finding,
case-insensitive) and ``path`` (a glob over the finding's file, manifest, package path or URL;
``*`` stays within one directory, ``**`` crosses directories). A waiver applies up to and
including its ``expires`` day; after that it is reported as expired and matches nothing.

`apply_waivers` marks each waived finding suppressed, with the waiver's reason as the
justification, so every output (SARIF ``suppressions``, GitLab reports) shows why it does not
count; `match_waivers` answers the same question without changing anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Literal

from sarifkit.gate import facts
from sarifkit.gate.policy import Waiver
from sarifkit.model import (
    CodeLocation,
    Finding,
    FindingStatus,
    PackageLocation,
    Scan,
    Suppression,
    WebLocation,
)

logger = logging.getLogger(__name__)

#: `Suppression.source` of the suppressions a waiver adds.
WAIVER_SOURCE = "waiver"


@dataclass
class WaiverOutcome:
    """What one waiver did: the findings it waived, or, once expired, would have waived."""

    index: int
    waiver: Waiver
    state: Literal["active", "expired"]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class WaiverResult:
    """Every waiver's outcome, and the waiver that waives each waived finding (by identity)."""

    outcomes: list[WaiverOutcome]
    waived: dict[int, Waiver]

    def is_waived(self, finding: Finding) -> bool:
        """Return whether a waiver applies to `finding`."""
        return id(finding) in self.waived

    def expired(self) -> list[WaiverOutcome]:
        """Return the outcomes of the expired waivers."""
        return [o for o in self.outcomes if o.state == "expired"]


def is_expired(waiver: Waiver, today: date) -> bool:
    """Return whether `waiver` no longer applies on `today` (it holds through its expiry day)."""
    return today > waiver.expires


def matches(waiver: Waiver, finding: Finding) -> bool:
    """Return whether every selector of `waiver` matches `finding` (expiry is not considered)."""
    if waiver.fingerprint and finding.fingerprint != waiver.fingerprint:
        return False
    if waiver.rule and not fnmatchcase(finding.rule_id, waiver.rule):
        return False
    if waiver.cve and waiver.cve.strip().upper() not in facts.cves(finding):
        return False
    if waiver.path:
        pattern = _glob(waiver.path)
        return any(pattern.match(place) for place in _places(finding))
    return True


def match_waivers(scans: Sequence[Scan], waivers: Sequence[Waiver], today: date) -> WaiverResult:
    """Return which open findings of `scans` each waiver waives on `today`; changes nothing.

    A finding takes the first waiver in policy order that matches it.
    """
    outcomes = [
        WaiverOutcome(i, w, "expired" if is_expired(w, today) else "active")
        for i, w in enumerate(waivers)
    ]
    waived: dict[int, Waiver] = {}
    if not outcomes:
        return WaiverResult(outcomes, waived)
    for finding in _open_findings(scans):
        for outcome in outcomes:
            if not matches(outcome.waiver, finding):
                continue
            outcome.findings.append(finding)
            if outcome.state == "active" and id(finding) not in waived:
                waived[id(finding)] = outcome.waiver
    return WaiverResult(outcomes, waived)


def apply_waivers(scans: Sequence[Scan], waivers: Sequence[Waiver], today: date) -> WaiverResult:
    """Waive the open findings of `scans` that an unexpired waiver matches on `today`.

    Each waived finding becomes `FindingStatus.SUPPRESSED` with an external, accepted
    `Suppression` whose justification is the waiver's reason and whose source is ``waiver``.
    Expired waivers are logged as warnings. Running it twice changes nothing more.
    """
    result = match_waivers(scans, waivers, today)
    for finding in _open_findings(scans):
        waiver = result.waived.get(id(finding))
        if waiver is None:
            continue
        finding.status = FindingStatus.SUPPRESSED
        finding.suppressions.append(
            Suppression(
                kind="external",
                status="accepted",
                justification=waiver.reason,
                source=WAIVER_SOURCE,
            )
        )
    for outcome in result.expired():
        logger.warning("%s", expired_message(outcome))
    return result


def expired_message(outcome: WaiverOutcome) -> str:
    """Return the warning given for an expired waiver."""
    waiver = outcome.waiver
    would = len(outcome.findings)
    return (
        f"waiver {outcome.index + 1} ({waiver.label()}) expired on {waiver.expires.isoformat()} "
        f"and no longer applies; it would match {would} open finding(s)"
    )


def _open_findings(scans: Sequence[Scan]) -> Iterator[Finding]:
    for scan in scans:
        for finding in scan.findings:
            if finding.is_open:
                yield finding


def _places(finding: Finding) -> Iterator[str]:
    """Yield every path-like string of the finding's locations, without a leading ``./``."""
    for location in finding.locations:
        if isinstance(location, CodeLocation):
            candidates: tuple[str | None, ...] = (location.path,)
        elif isinstance(location, PackageLocation):
            candidates = (location.manifest, location.path)
        elif isinstance(location, WebLocation):
            candidates = (location.url,)
        else:  # pragma: no cover - the Location union has three members
            continue
        for candidate in candidates:
            if candidate:
                yield candidate[2:] if candidate.startswith("./") else candidate


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """Return a regex for the path glob `pattern`: ``**/`` any directories, ``*``, ``?``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")
