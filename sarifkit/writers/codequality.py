"""GitLab Code Quality reports: the subset of the CodeClimate issue format GitLab reads.

GitLab (``doc/ci/testing/code_quality.md``) reads a JSON array of issues, each with
``description``, ``check_name``, ``fingerprint``, ``severity`` and ``location.path`` plus
``location.lines.begin``. It is shown on every tier, so it also carries what the security
reports cannot (licence and coverage findings).

Severities: critical -> blocker, high -> critical, medium -> major, low -> minor, info and
unknown -> info. Locations: code findings give their file and first line; package findings the
manifest (else the package's path, else the report they came from) at line 1; web findings the
report they came from at line 1, with the URL in the description, since a URL is not a file in
the repository. Absolute paths under ``$CI_PROJECT_DIR`` are made relative to it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import orjson

from sarifkit.model import (
    CodeLocation,
    Finding,
    FindingCategory,
    PackageLocation,
    Scan,
    Severity,
    WebLocation,
)
from sarifkit.output import write_bytes
from sarifkit.writers.gitlab_common import Notes, cut, line_range, unique_digest

logger = logging.getLogger(__name__)

FILE_NAME = "gl-code-quality-report.json"
SEVERITIES = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
    Severity.UNKNOWN: "info",
}
#: GitLab shows the description in one line of the merge request widget.
MAX_DESCRIPTION = 1000


# Code Climate's category names (the spec's fixed list) for each kind of finding.
_CATEGORIES = {
    FindingCategory.VULNERABILITY: "Security",
    FindingCategory.HOTSPOT: "Security",
    FindingCategory.BUG: "Bug Risk",
    FindingCategory.CODE_SMELL: "Clarity",
    FindingCategory.LICENSE: "Compatibility",
}


def build_codequality(scans: list[Scan]) -> list[dict[str, Any]]:
    """Return the Code Quality issues for the open findings of `scans`, in input order."""
    notes = Notes("GitLab Code Quality report")
    project_dir = os.environ.get("CI_PROJECT_DIR", "").rstrip("/")
    seen: set[str] = set()
    issues = [
        _issue(scan, finding, project_dir, seen, notes)
        for scan in scans
        for finding in scan.findings
        if finding.is_open
    ]
    notes.log()
    return issues


def write_codequality(scans: list[Scan], path: str | Path) -> int:
    """Write the Code Quality report for `scans` to `path`; return the number of issues."""
    issues = build_codequality(scans)
    write_bytes(path, orjson.dumps(issues, option=orjson.OPT_INDENT_2) + b"\n")
    return len(issues)


def _issue(
    scan: Scan, finding: Finding, project_dir: str, seen: set[str], notes: Notes
) -> dict[str, Any]:
    """Return one issue; its fingerprint is unique within the report."""
    path, line, where = _where(scan, finding)
    if project_dir and path.startswith(project_dir + "/"):
        path = path[len(project_dir) + 1 :]
    description = cut(f"{finding.title}{where}", MAX_DESCRIPTION, "description", notes)
    return {
        "type": "issue",
        "check_name": finding.rule_id,
        "description": description,
        "categories": [_CATEGORIES[finding.category]],
        "engine_name": scan.tool.name,
        "fingerprint": _fingerprint(scan, finding, seen),
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": line}},
    }


def _where(scan: Scan, finding: Finding) -> tuple[str, int, str]:
    """Return (path, line, description suffix) for the finding's first location."""
    first = finding.locations[0] if finding.locations else None
    if isinstance(first, CodeLocation):
        start, _ = line_range(first.start_line, first.end_line)
        return first.path, start, ""
    if isinstance(first, PackageLocation):
        path = first.manifest or first.path or scan.source
        version = f"@{first.version}" if first.version else ""
        image = f" in {first.image}" if first.image else ""
        return path, 1, f" ({first.name}{version}{image})"
    if isinstance(first, WebLocation):
        method = f"{first.method.upper()} " if first.method else ""
        return scan.source, 1, f" ({method}{first.url})"
    return scan.source, 1, ""


def _fingerprint(scan: Scan, finding: Finding, seen: set[str]) -> str:
    """Return an MD5 of the tool and the finding's fingerprint, made unique within `seen`."""
    # Fingerprints are unique within a scan; two scans of one tool could still repeat one.
    base = f"{scan.tool.name}|{scan.kind.value}|{finding.fingerprint or finding.rule_id}"
    return unique_digest(base, seen, _md5)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
