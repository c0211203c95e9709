"""Which findings count: open ones, each counted once across tools.

A finding is *open* for the gate when its status is open (not suppressed by the scanner, not
waived, not fixed), the scanner did not mark it a false positive, a baseline does not call it
``absent``, and, under ``new_findings_only``, a baseline calls it ``new`` or has not seen it.

Two open findings from *different* scans are one problem, counted once, when they share an
advisory (a CVE or GHSA id) in the same package (name compared the PEP 503 way: Safety and
Trivy over one requirements file, or a Trivy fs and a Trivy image scan), or when they share a
fingerprint (one report given twice, or in two formats); only findings of one class (see
`sarifkit.gate.facts`) merge. The advisory is the finding's first
CVE id in sorted order, or its first GHSA id when it has no CVE. Findings of one scan are never merged
with each other: a scanner that reports a flaw twice in one scan saw it in two places. So a
group of linked findings counts as many times as the most any single scan in it reports, and
each count takes the severity of the heaviest finding merged into it (by the score's weights,
then the worst); adding a finding can therefore never lower a count or its weight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sarifkit.gate import facts
from sarifkit.gate.facts import FindingClass
from sarifkit.model import Finding, Rule, Scan, ScanKind, Severity


@dataclass(slots=True)
class Entry:
    """An open finding with the scan it came from."""

    scan: Scan
    scan_index: int
    finding: Finding
    klass: FindingClass
    rule: Rule | None


@dataclass(slots=True)
class Counted:
    """One counted problem: the worst of the findings merged into it, and those findings."""

    severity: Severity
    entry: Entry
    members: list[Entry]

    @property
    def klass(self) -> FindingClass:
        """Return the class of the representative finding."""
        return self.entry.klass

    @property
    def kind(self) -> ScanKind:
        """Return the kind of scan of the representative finding."""
        return self.entry.scan.kind


@dataclass(slots=True)
class Merge:
    """Findings from several scans counted as one, for the report."""

    what: str
    severity: Severity
    members: list[Entry]


@dataclass
class Tally:
    """The open findings counted, what was merged, and why the others do not count."""

    counted: list[Counted] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    total: int = 0
    waived: int = 0
    suppressed: int = 0
    fixed: int = 0
    false_positive: int = 0
    not_new: int = 0

    def of_class(self, klass: FindingClass) -> list[Counted]:
        """Return the counted problems of class `klass`."""
        return [c for c in self.counted if c.klass == klass]


def tally(
    scans: Sequence[Scan],
    is_waived: Callable[[Finding], bool],
    new_findings_only: bool = False,
    weight: Callable[[Severity], float] | None = None,
) -> Tally:
    """Return the open findings of `scans`, merged across scans (see the module docstring).

    `weight` (the score's weights) decides which severity a merged count takes: the heaviest,
    then the worst; by default the worst. Taking the heaviest keeps the score from rising when
    a finding is added even under weights that do not grow with severity.
    """
    order = _order(weight)
    result = Tally()
    entries: list[Entry] = []
    for index, scan in enumerate(scans):
        rules = scan.rule_map()
        for finding in scan.findings:
            result.total += 1
            if _excluded(finding, is_waived, new_findings_only, result):
                continue
            klass = facts.finding_class(scan, finding)
            entries.append(Entry(scan, index, finding, klass, rules.get(finding.rule_id)))
    for group in _groups(entries):
        _count_group(group, result, order)
    return result


def _excluded(
    finding: Finding, is_waived: Callable[[Finding], bool], new_only: bool, result: Tally
) -> bool:
    """Return whether `finding` does not count, and tally why."""
    if not finding.is_open:
        if finding.status.value == "fixed":
            result.fixed += 1
        elif any(s.source == "waiver" for s in finding.suppressions):
            result.waived += 1
        else:
            result.suppressed += 1
        return True
    if is_waived(finding):
        result.waived += 1
        return True
    if facts.is_false_positive(finding):
        result.false_positive += 1
        return True
    state = finding.baseline_state
    if state == "absent":
        result.fixed += 1
        return True
    if new_only and state not in (None, "new"):
        result.not_new += 1
        return True
    return False


def _key(entry: Entry) -> str:
    """Return the one key that identifies the problem `entry` reports, across scans.

    One key per finding, not several: with several, a new finding could link two groups into
    one and lower the count, and the score must never rise when a finding is added.
    """
    # The class leads the key: a license finding never stands in for a vulnerability.
    pkg = facts.package(entry.finding)
    if pkg is not None:
        advisories = facts.advisory_ids(entry.finding)
        if advisories:
            return f"{entry.klass}|adv|{advisories[0]}|{facts.package_key(pkg.name)}"
    if entry.finding.fingerprint:
        return f"{entry.klass}|fp|{entry.finding.fingerprint}"
    return f"{entry.klass}|id|{id(entry.finding)}"


def _groups(entries: list[Entry]) -> list[list[Entry]]:
    """Return `entries` grouped by key, groups in order of first appearance."""
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(_key(entry), []).append(entry)
    return list(grouped.values())


def _order(weight: Callable[[Severity], float] | None) -> Callable[[Entry], tuple[float, int]]:
    """Return the sort key of merged findings: heaviest first, then worst."""
    if weight is None:
        return lambda e: (0.0, e.finding.severity.rank)
    return lambda e: (weight(e.finding.severity), e.finding.severity.rank)


def _count_group(
    group: list[Entry], result: Tally, order: Callable[[Entry], tuple[float, int]]
) -> None:
    """Count a linked group: as often as its busiest scan, each with the heaviest severity merged."""
    if len(group) == 1:
        result.counted.append(Counted(group[0].finding.severity, group[0], group))
        return
    per_scan: dict[int, list[Entry]] = {}
    for entry in group:
        per_scan.setdefault(entry.scan_index, []).append(entry)
    for entries in per_scan.values():
        entries.sort(key=order, reverse=True)  # stable: input order among equals
    for slot in range(max(len(e) for e in per_scan.values())):
        members = [entries[slot] for entries in per_scan.values() if len(entries) > slot]
        top = max(members, key=order)
        result.counted.append(Counted(top.finding.severity, top, members))
        if len(members) > 1:
            result.merges.append(Merge(_describe(members), top.finding.severity, members))


def _describe(members: list[Entry]) -> str:
    """Return what merged findings share, in words: an advisory in a package, or a fingerprint."""
    _, kind, value, *rest = _key(members[0]).split("|")
    if kind == "adv":
        return f"{value} in {rest[0]}"
    return f"fingerprint {value}"
