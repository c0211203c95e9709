"""Pieces every GitLab output shares: times, ids, severities, identifiers, limits and warnings.

GitLab's security report schemas 15.2.1 (gitlab-org/security-products/security-report-schemas,
``dist/*-report-format.json``) fix the shapes used here: times are ``YYYY-MM-DDTHH:MM:SS`` in UTC
with no zone suffix, severities are capitalised, identifier and link URLs must be http(s) or ftp,
and CVSS vectors must be version 2 or 3.x.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sarifkit.model import CWE_URL, Cvss, Finding, Identifier, Scan, Severity
from sarifkit.writers.sarif import clip, source_date

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "15.2.1"
SCHEMA_URL = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    "v15.2.1/dist/{name}-report-format.json"
)
ANALYZER = {
    "id": "sarifkit",
    "name": "sarifkit",
    "url": "https://pypi.org/project/sarifkit/",
    "vendor": {"name": "sarifkit"},
}
#: Used when neither the reports nor ``SOURCE_DATE_EPOCH`` give a time: the schema requires one,
#: and reading the clock would make the output differ on every run.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Limits of the 15.2.1 schemas; longer values are cut with a marker instead of being rejected.
MAX_NAME = 255
MAX_SOLUTION = 7000
MAX_DESCRIPTION = 1_048_576
#: GitLab stores the first 20 identifiers of a vulnerability and ignores the rest.
MAX_IDENTIFIERS = 20
MAX_CVSS_VECTORS = 10
#: HTTP bodies in DAST evidence "must be truncated to a reasonable size" (dast schema).
MAX_HTTP_BODY = 10_000

SEVERITIES = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
    Severity.UNKNOWN: "Unknown",
}

# The vector patterns of the 15.2.1 schemas' `cvss_vectors` (CVSS v2, and CVSS 3.0/3.1).
_CVSS2_PART = (
    r"(AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)"
    r"|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))"
)
_CVSS3_PART = (
    r"(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]"
    r"|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])"
)
_CVSS2 = re.compile(rf"^({_CVSS2_PART}/)*{_CVSS2_PART}$")
_CVSS3 = re.compile(rf"^CVSS:3[.][01]/({_CVSS3_PART}/)*{_CVSS3_PART}$")
_URL = re.compile(r"^(https?|ftp)://.+")
_UUID_NAMESPACE = uuid.UUID("6f1c2a64-7d0e-5b8a-9e43-5a9b1f0c2d71")
_CVE_URL = "https://nvd.nist.gov/vuln/detail/{}"


class Notes:
    """Counts what an output had to cut or leave out, and logs each kind once as a warning."""

    def __init__(self, output: str) -> None:
        self.output = output
        self._counts: Counter[str] = Counter()

    def add(self, what: str, count: int = 1) -> None:
        """Record `count` occurrences of `what` (a sentence naming the field and the reason)."""
        if count:
            self._counts[what] += count

    def log(self) -> None:
        """Log every recorded kind once, with its count, in the order first recorded."""
        for what, count in self._counts.items():
            logger.warning("%s: %s (%d)", self.output, what, count)


def gitlab_time(value: datetime | None) -> str:
    """Return `value` in GitLab's ``YYYY-MM-DDTHH:MM:SS`` UTC form.

    Falls back to ``SOURCE_DATE_EPOCH`` and then to 1970-01-01T00:00:00 (see `EPOCH`).
    """
    value = value or source_date() or EPOCH
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def scan_times(scans: list[Scan]) -> tuple[str, str]:
    """Return the (start, end) times covering `scans`: the earliest start and the latest end."""
    starts = [s.started_at for s in scans if s.started_at is not None]
    ends = [t for t in (s.ended_at or s.started_at for s in scans) if t is not None]
    start = min(starts) if starts else None
    end = max(ends) if ends else start
    if start and end and end < start:
        end = start
    return gitlab_time(start), gitlab_time(end or start)


def unique_digest(name: str, taken: set[str], digest: Callable[[str], str]) -> str:
    """Return ``digest(name)``, made unique among `taken` (which it joins) by a counter.

    A repeat is hashed again as ``name|2``, ``name|3``, ... until the value is new, so the first
    occurrence keeps the plain digest and later ones stay stable in input order.
    """
    value = digest(name)
    number = 1
    while value in taken:
        number += 1
        value = digest(f"{name}|{number}")
    taken.add(value)
    return value


def vulnerability_id(report_type: str, finding: Finding, taken: set[str]) -> str:
    """Return a stable UUID for `finding` in `report_type`, unique among `taken` (which it joins).

    The UUID (version 5) hashes the report type and the finding's fingerprint, which does not
    depend on line numbers, so the id survives a finding moving within its file.
    """
    name = f"{report_type}|{finding.fingerprint or finding.rule_id}"
    return unique_digest(name, taken, _uuid5)


def _uuid5(name: str) -> str:
    return str(uuid.uuid5(_UUID_NAMESPACE, name))


def line_range(start_line: int | None, end_line: int | None) -> tuple[int, int]:
    """Return (start, end) lines GitLab accepts: start at least 1, end not before start."""
    start = start_line if start_line and start_line > 0 else 1
    end = end_line if end_line and end_line >= start else start
    return start, end


def tool_slug(name: str) -> str:
    """Return a tool name as an identifier fragment: ``OWASP ZAP`` -> ``owasp_zap``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "tool"


def identifiers(finding: Finding, tool: str, notes: Notes) -> list[dict[str, Any]]:
    """Return GitLab identifiers; the first is the rule-level one GitLab tracks findings by.

    The primary identifier is the finding's identifier whose value is its rule id (a CVE for
    Trivy, the test id for Bandit), or else one made from the rule id under the tool's name.
    """
    own = [i for i in finding.identifiers if i.value]
    primary = next((i for i in own if i.value == finding.rule_id), None)
    if primary is None:
        primary = Identifier(type=f"{tool_slug(tool)}_rule_id", value=finding.rule_id)
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for ident in (primary, *own):
        entry = _identifier(ident)
        key = (entry["type"], entry["value"])
        if key not in seen:
            seen.add(key)
            out.append(entry)
    if len(out) > MAX_IDENTIFIERS:
        notes.add(f"vulnerabilities had over {MAX_IDENTIFIERS} identifiers; the rest were dropped")
        out = out[:MAX_IDENTIFIERS]
    return out


def _identifier(ident: Identifier) -> dict[str, Any]:
    """Return one GitLab identifier; CWEs and CVEs get GitLab's usual value and a link."""
    kind = ident.type.strip().lower() or "unknown"
    value = ident.value.strip()
    name = value
    url = ident.url
    if kind == "cwe":
        number = value.upper().removeprefix("CWE-").strip()
        value, name = number, f"CWE-{number}"
        url = url or (CWE_URL.format(number) if number.isdigit() else None)
    elif kind == "cve" and value.upper().startswith("CVE-"):
        url = url or _CVE_URL.format(value)
    entry: dict[str, Any] = {"type": kind, "name": clip(name, MAX_NAME), "value": value}
    if url and _URL.match(url):
        entry["url"] = url
    return entry


def cvss_vectors(cvss: list[Cvss], notes: Notes) -> list[dict[str, str]]:
    """Return the CVSS v2 and v3.x vectors GitLab accepts; others are counted in `notes`."""
    out: list[dict[str, str]] = []
    for rating in cvss:
        vector = (rating.vector or "").strip()
        if not vector:
            continue
        is_v2 = 16 <= len(vector) <= 128 and _CVSS2.match(vector)
        is_v3 = 32 <= len(vector) <= 128 and _CVSS3.match(vector)
        if is_v2 or is_v3:
            entry = {"vendor": rating.source or "unknown", "vector": vector}
            if entry not in out:
                out.append(entry)
        else:
            notes.add("CVSS vectors were left out (15.2.1 takes only CVSS v2 and v3.x vectors)")
    if len(out) > MAX_CVSS_VECTORS:
        notes.add(f"vulnerabilities had over {MAX_CVSS_VECTORS} CVSS vectors; the rest dropped")
    return out[:MAX_CVSS_VECTORS]


def links(references: list[str]) -> list[dict[str, str]]:
    """Return the http(s)/ftp references as GitLab links, without repeats."""
    return [{"url": url} for url in dict.fromkeys(references) if _URL.match(url)]


def cut(text: str, limit: int, field: str, notes: Notes) -> str:
    """Return `text` clipped to `limit` with a marker, noting it when it was over the limit."""
    if len(text) <= limit:
        return text
    notes.add(f"{field} values were over GitLab's {limit}-character limit and were cut")
    return clip(text, limit)


def solution(finding: Finding) -> str | None:
    """Return how to fix `finding`: its remediation text, or the versions that fix it."""
    if finding.fix is None:
        return None
    if finding.fix.remediation:
        return finding.fix.remediation
    if finding.fix.fixed_versions:
        return "Upgrade to a fixed version: " + ", ".join(finding.fix.fixed_versions) + "."
    return None
