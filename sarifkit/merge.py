"""Combining scans of the same tool and kind into one, so a SARIF log has one run per tool.

GitHub code scanning refuses a log with two runs of the same tool and category, and both GitHub
and GitLab take at most 20 runs a log. `merge_scans` keeps the first scan of each (tool name,
kind) in input order and moves the findings, rules, notifications and components of the later
ones into it. Times widen to cover every scan; the scan fails when any of them did; the
merged scan's ``properties["sources"]`` lists every report it holds. Fingerprints stay unique
within the merged scan (a repeat gets an occurrence counter). A merged scan holds copies of its
findings and lists of its own, so the caller's scans and findings are left as they were.

Metrics merge by what they measure (`metric_rule`, `merge_metrics`), a ``new_`` prefix aside:

| metric                                                         | merged value                 |
|----------------------------------------------------------------|------------------------------|
| ``coverage`` and ``line_rate`` when both scans count lines     | lines_covered / lines_valid  |
| ``branch_rate`` when both scans count branches                 | branches_covered / valid     |
| percentages, rates, densities and ratios where more is better  | the minimum                  |
| (``*coverage``, ``*_rate``, ``*_density``, ``*_ratio``,        |                              |
| ``*_percent``, ``security_hotspots_reviewed``)                 |                              |
| where more is worse: ``duplicated_lines_density``,             | the maximum                  |
| ``sqale_debt_ratio``, ratings (``*_rating``, 1.0 = A, 5.0 = E) |                              |
| everything else (counts, lines, minutes of effort)             | the sum                      |

The minimum or maximum is the conservative figure, the one a gate should judge by: adding two
coverages gives nonsense, and an average would hide the worse report. (The gate likewise takes
the highest ``duplicated_lines_density`` of its inputs.)
"""

from __future__ import annotations

import logging
from typing import Literal

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
    first.metrics = merge_metrics(first.metrics, other.metrics)
    first.successful = first.successful and other.successful
    starts = [t for t in (first.started_at, other.started_at) if t]
    ends = [t for t in (first.ended_at, other.ended_at) if t]
    first.started_at = min(starts) if starts else None
    first.ended_at = max(ends) if ends else None
    if first.target != other.target:
        first.target = None


def _reassign_fingerprints(scan: Scan) -> None:
    """Give repeated fingerprints an occurrence counter, as `assign_fingerprints` does.

    The findings are shared with the scans they came from, so each one is copied (shallowly)
    before its fingerprint is touched.
    """
    copies = [finding.model_copy() for finding in scan.findings]
    for finding in copies:
        base, _, occurrence = finding.fingerprint.partition(":")
        # A counter from the scan the finding came from is recomputed for the merged scan.
        if occurrence.isdigit():
            finding.fingerprint = base
    scan.findings = copies
    assign_fingerprints(scan)


#: Percentages and rates (merged to the minimum), by name suffix and by name.
_RATE_SUFFIXES = ("coverage", "_rate", "_density", "_ratio", "_percent", "_percentage")
_RATE_NAMES = frozenset({"security_hotspots_reviewed"})
#: Figures where more is worse (merged to the maximum), by name suffix and by name.
_WORSE_SUFFIXES = ("_rating",)
_WORSE_NAMES = frozenset({"duplicated_lines_density", "sqale_debt_ratio"})
#: A rate recomputed from two counts: name -> (numerator, denominator, scale).
_RECOMPUTED = {
    "coverage": ("lines_covered", "lines_valid", 100.0),
    "line_rate": ("lines_covered", "lines_valid", 1.0),
    "branch_rate": ("branches_covered", "branches_valid", 1.0),
}


def metric_rule(name: str) -> Literal["min", "max", "sum"]:
    """Return how metric `name` merges: ``"min"``, ``"max"`` or ``"sum"`` (module docstring)."""
    # "bandit.loc" and "safety.scanned" name their tool; "new_coverage" is coverage of new code.
    bare = name.rsplit(".", 1)[-1].removeprefix("new_")
    if bare in _WORSE_NAMES or bare.endswith(_WORSE_SUFFIXES):
        return "max"
    if bare in _RATE_NAMES or bare.endswith(_RATE_SUFFIXES):
        return "min"
    return "sum"


def merge_metrics(first: dict[str, float], other: dict[str, float]) -> dict[str, float]:
    """Return the metrics of two scans merged into one scan's, by the rules of `metric_rule`."""
    merged = dict(first)
    for name, value in other.items():
        mine = merged.get(name)
        if mine is None:
            merged[name] = value
            continue
        rule = metric_rule(name)
        if rule == "min":
            merged[name] = min(mine, value)
        elif rule == "max":
            merged[name] = max(mine, value)
        else:
            merged[name] = mine + value
    for name, (part, whole, scale) in _RECOMPUTED.items():
        counted = all(key in side for side in (first, other) for key in (part, whole))
        if name in merged and counted and merged[whole] > 0:
            ratio = merged[part] / merged[whole]
            # Coverage is rounded as the Cobertura parser rounds it.
            merged[name] = round(ratio * scale, 4) if scale != 1.0 else ratio
    return merged
