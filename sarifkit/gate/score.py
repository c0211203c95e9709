"""The security score: 100 less the weights of the open vulnerabilities, floored at 0.

    score = max(0, 100 - sum(weight[severity] for each open vulnerability))

with "open" and "counted once" as `sarifkit.gate.dedup` defines them and the weights from the
policy's ``[score.weights]`` (critical 25, high 10, medium 3, low 1, info 0, unknown 1 by
default; weights cannot be negative, so adding an open finding never raises the score). The
letter rating follows SonarQube's security rating, by the worst open severity: E critical,
D high, C medium, B low or unknown, A none (or info only).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sarifkit.gate import facts, owasp
from sarifkit.gate.dedup import Counted, Tally, tally
from sarifkit.gate.policy import EnvironmentPolicy, Policy, ScoreSettings
from sarifkit.gate.verdict import (
    SEVERITIES,
    NotCounted,
    Owasp,
    OwaspCategory,
    Rating,
    ScoreCard,
)
from sarifkit.gate.waivers import match_waivers
from sarifkit.model import Scan, ScanKind, Severity

FORMULA = "max(0, 100 - sum of the weights of the open vulnerabilities' severities)"

_RATINGS: dict[Severity, Rating] = {
    Severity.CRITICAL: "E",
    Severity.HIGH: "D",
    Severity.MEDIUM: "C",
    Severity.LOW: "B",
    Severity.UNKNOWN: "B",
    Severity.INFO: "A",
}


def compute_score(
    scans: Sequence[Scan],
    policy: Policy,
    today: date,
    environment: EnvironmentPolicy | None = None,
) -> ScoreCard:
    """Return the score card of `scans` under `policy`, with waivers judged on `today`.

    Pure: `scans` are not changed. `environment` only matters for ``new_findings_only``.
    """
    waivers = match_waivers(scans, policy.waivers, today)
    new_only = environment.new_findings_only if environment is not None else False
    counted = tally(scans, waivers.is_waived, new_only, policy.score.weights.of)
    return score_tally(counted, policy.score)


def security_score(counted: Sequence[Counted], settings: ScoreSettings) -> float:
    """Return the score of the counted vulnerabilities (other classes do not count)."""
    lost = sum(settings.weights.of(c.severity) for c in counted if c.klass == "vulnerability")
    return round(max(0.0, 100.0 - lost), 2)


def rating(counted: Sequence[Counted]) -> Rating:
    """Return the letter A to E of the worst open vulnerability's severity."""
    worst = max(
        (c.severity for c in counted if c.klass == "vulnerability"),
        key=lambda s: s.rank,
        default=Severity.INFO,
    )
    return _RATINGS[worst]


def score_tally(result: Tally, settings: ScoreSettings) -> ScoreCard:
    """Return the score card of an already counted `result`."""
    vulns = result.of_class("vulnerability")
    by_severity = dict.fromkeys(SEVERITIES, 0)
    by_kind = dict.fromkeys((k.value for k in ScanKind), 0)
    for item in vulns:
        by_severity[item.severity.value] += 1
        by_kind[item.kind.value] += 1
    merged = sum(len(m.members) - 1 for m in result.merges)
    return ScoreCard(
        score=security_score(vulns, settings),
        rating=rating(vulns),
        formula=FORMULA,
        weights={s: settings.weights.of(Severity(s)) for s in SEVERITIES},
        open_total=len(vulns),
        open_by_severity=by_severity,
        open_by_kind=by_kind,
        owasp=owasp_summary(vulns, settings),
        findings_total=result.total,
        not_counted=NotCounted(
            waived=result.waived,
            suppressed=result.suppressed,
            fixed=result.fixed,
            false_positive=result.false_positive,
            not_new=result.not_new,
            merged=merged,
            not_security=len(result.counted) - len(vulns),
        ),
    )


def owasp_summary(vulns: Sequence[Counted], settings: ScoreSettings) -> Owasp:
    """Return the OWASP Top 10 counts of the open vulnerabilities in the policy's edition."""
    edition = settings.owasp_edition
    counts = {category.id: 0 for category in owasp.categories(edition)}
    unmapped = 0
    for item in vulns:
        found = set(owasp.categories_for(_cwes(item), edition))
        if settings.owasp_components and _is_component(item):
            found.add(owasp.COMPONENTS_CATEGORY[edition])
        for category_id in found:
            counts[category_id] += 1
        unmapped += not found
    clear = sum(1 for count in counts.values() if count == 0)
    return Owasp(
        edition=edition,
        categories=[
            OwaspCategory(id=c.id, name=c.name, count=counts[c.id])
            for c in owasp.categories(edition)
        ],
        unmapped=unmapped,
        compliant_categories=clear,
        compliance=round(100.0 * clear / len(counts), 2),
    )


def _cwes(item: Counted) -> set[int]:
    """Return the CWE ids of every finding merged into `item`."""
    return {cwe for m in item.members for cwe in facts.cwes(m.finding, m.rule)}


def _is_component(item: Counted) -> bool:
    """Return whether `item` is a flaw in a third-party package (a dependency or image scan)."""
    return item.kind in (ScanKind.DEPENDENCY, ScanKind.CONTAINER) and any(
        facts.package(m.finding) is not None for m in item.members
    )
