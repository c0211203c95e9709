"""Combining scans of the same tool and kind into one, so a SARIF log has one run per tool.

GitHub code scanning refuses a log with two runs of the same tool and category, and both GitHub
and GitLab take at most 20 runs a log. `merge_scans` keeps the first scan of each (tool name,
kind) in input order and moves the findings, rules, notifications and components of the later
ones into it. Times widen to cover every scan; the scan fails when any of them did; numeric
metrics are added up; the merged scan's ``properties["sources"]`` lists every report it holds.
Fingerprints stay unique within the merged scan (a repeat gets an occurrence counter).
"""

from __future__ import annotations

import logging

from sarifkit.fingerprint import assign_fingerprints
from sarifkit.model import Scan

logger = logging.getLogger(__name__)


def merge_scans(scans: list[Scan]) -> list[Scan]:
    """Return `scans` with every scan of an already-seen tool and kind merged into the first."""
    merged: dict[tuple[str, str], Scan] = {}
    sources: dict[tuple[str, str], list[str]] = {}
    for scan in scans:
        key = (scan.tool.name.lower(), scan.kind.value)
        first = merged.get(key)
        if first is None:
            merged[key] = scan
            sources[key] = [scan.source]
            continue
        if len(sources[key]) == 1:
            # Merge into a copy, so the caller's scans keep their own lists.
            first = merged[key] = _copy(first)
        _absorb(first, scan)
        sources[key].append(scan.source)
    for key, scan in merged.items():
        if len(sources[key]) > 1:
            scan.properties = {**scan.properties, "sources": sources[key]}
            _reassign_fingerprints(scan)
            logger.debug("merged %d %s scans", len(sources[key]), scan.tool.name)
    return list(merged.values())


def _copy(scan: Scan) -> Scan:
    """Return a copy of `scan` with lists and dicts of its own (findings are shared)."""
    return scan.model_copy(
        update={
            "rules": list(scan.rules),
            "findings": list(scan.findings),
            "notifications": list(scan.notifications),
            "components": list(scan.components),
            "metrics": dict(scan.metrics),
        }
    )


def _absorb(first: Scan, other: Scan) -> None:
    """Move what `other` holds into `first`."""
    if other.tool.version and other.tool.version != first.tool.version:
        logger.debug(
            "merging %s %s into %s %s",
            other.tool.name,
            other.tool.version,
            first.tool.name,
            first.tool.version,
        )
    known = {rule.id for rule in first.rules}
    first.rules.extend(rule for rule in other.rules if rule.id not in known)
    first.findings.extend(other.findings)
    first.notifications.extend(other.notifications)
    first.components.extend(other.components)
    for name, value in other.metrics.items():
        first.metrics[name] = first.metrics.get(name, 0.0) + value
    first.successful = first.successful and other.successful
    starts = [t for t in (first.started_at, other.started_at) if t]
    ends = [t for t in (first.ended_at, other.ended_at) if t]
    first.started_at = min(starts) if starts else None
    first.ended_at = max(ends) if ends else None
    if first.target != other.target:
        first.target = None


def _reassign_fingerprints(scan: Scan) -> None:
    """Give repeated fingerprints an occurrence counter, as `assign_fingerprints` does."""
    for finding in scan.findings:
        base, _, occurrence = finding.fingerprint.partition(":")
        # A counter from the scan the finding came from is recomputed for the merged scan.
        if occurrence.isdigit():
            finding.fingerprint = base
    assign_fingerprints(scan)
