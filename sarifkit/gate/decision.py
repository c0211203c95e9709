"""The gate's decision: checks computed from the findings model alone, then one verdict.

`assess` applies the waivers, counts the open findings, scores them and runs the built-in
checks; `decide` adds the Rego policies' outcomes and returns the `Verdict`. Approve unless a
check fails in an environment that enforces its checks; the defaults block on an open critical
or high finding, more than 5 open medium findings, coverage at or below 80 %, a score under 80,
and a required scan not given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sarifkit._version import __version__
from sarifkit.gate import facts
from sarifkit.gate.dedup import Counted, Merge, Tally, tally
from sarifkit.gate.environment import EnvironmentChoice
from sarifkit.gate.policy import EnvironmentPolicy, Policy
from sarifkit.gate.score import score_tally
from sarifkit.gate.verdict import (
    SEVERITIES,
    Check,
    EnvironmentInfo,
    MergeMember,
    MergeReport,
    Metrics,
    RegoReport,
    ScanReport,
    ScoreCard,
    ToolInfo,
    Verdict,
    WaiverReport,
)
from sarifkit.gate.waivers import WaiverResult, apply_waivers, expired_message
from sarifkit.model import Scan, ScanKind, Severity

#: Findings listed under a failed severity check; the JSON and SARIF outputs hold them all.
DETAIL_LIMIT = 10
TITLE_LIMIT = 100


@dataclass
class Assessment:
    """Everything the gate worked out before Rego: counts, score, checks, warnings."""

    scans: Sequence[Scan]
    policy: Policy
    choice: EnvironmentChoice
    environment: EnvironmentPolicy
    today: date
    waivers: WaiverResult
    tally: Tally
    card: ScoreCard
    coverage: float | None
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def assess(
    scans: Sequence[Scan], policy: Policy, choice: EnvironmentChoice, today: date
) -> Assessment:
    """Waive, count, score and check `scans` for the environment `choice` on `today`.

    Changes `scans`: findings a waiver matches become suppressed (see `apply_waivers`).
    """
    env = policy.environment(choice.name)
    waivers = apply_waivers(scans, policy.waivers, today)
    counted = tally(scans, waivers.is_waived, env.new_findings_only, policy.score.weights.of)
    card = score_tally(counted, policy.score)
    result = Assessment(
        scans, policy, choice, env, today, waivers, counted, card, coverage_of(scans)
    )
    result.checks = _checks(result)
    result.warnings = _warnings(result)
    return result


def coverage_of(scans: Sequence[Scan]) -> float | None:
    """Return the lowest coverage any scan measured, or None when none did.

    The lowest, because two coverage reports (SonarQube's measure and a Cobertura file) that
    disagree should not let the better one hide the worse.
    """
    values = [s.metrics["coverage"] for s in scans if "coverage" in s.metrics]
    return min(values) if values else None


def _checks(a: Assessment) -> list[Check]:
    found = (_severity_check(a, Severity(s)) for s in SEVERITIES[:4])
    checks = [c for c in found if c is not None]
    if a.environment.coverage_above is not None:
        checks.append(_coverage_check(a, a.environment.coverage_above))
    if a.environment.min_score is not None:
        checks.append(_score_check(a, a.environment.min_score))
    checks.extend(_scan_check(a, kind) for kind in a.environment.required_scans)
    return checks


def _check(a: Assessment, passed: bool, **fields: object) -> Check:
    return Check(passed=passed, blocking=not passed and a.environment.enforce, **fields)  # type: ignore[arg-type]


def _severity_check(a: Assessment, severity: Severity) -> Check | None:
    limit = a.environment.max_for(severity)
    if limit is None:
        return None
    found = [c for c in a.tally.of_class("vulnerability") if c.severity is severity]
    return _check(
        a,
        len(found) <= limit,
        id=f"findings.{severity.value}",
        name=f"open {severity.value} findings",
        group="findings",
        threshold=f"<= {limit}",
        value=str(len(found)),
        details=[_describe(c) for c in found[:DETAIL_LIMIT]]
        + ([f"... and {len(found) - DETAIL_LIMIT} more"] if len(found) > DETAIL_LIMIT else []),
    )


def _describe(item: Counted) -> str:
    finding = item.entry.finding
    where = facts.place(finding) or "-"
    line = facts.line(finding)
    where = f"{where}:{line}" if line else where
    tools = sorted({m.scan.tool.name for m in item.members})
    title = (
        finding.title if len(finding.title) <= TITLE_LIMIT else finding.title[:TITLE_LIMIT] + "…"
    )
    return f"{item.severity.value} {finding.rule_id} {where} ({', '.join(tools)}): {title}"


def _coverage_check(a: Assessment, above: float) -> Check:
    known = a.coverage is not None
    return _check(
        a,
        known and a.coverage is not None and a.coverage > above,
        id="coverage",
        name="coverage",
        group="coverage",
        threshold=f"> {_number(above)} %",
        value=f"{_number(a.coverage)} %" if a.coverage is not None else "unknown",
        details=[] if known else ["coverage is unknown: no report with coverage was given"],
    )


def _score_check(a: Assessment, minimum: float) -> Check:
    return _check(
        a,
        a.card.score >= minimum,
        id="score",
        name="security score",
        group="score",
        threshold=f">= {_number(minimum)}",
        value=f"{_number(a.card.score)} ({a.card.rating})",
    )


def _scan_check(a: Assessment, kind: ScanKind) -> Check:
    given = [s for s in a.scans if s.kind is kind]
    if kind is ScanKind.COVERAGE:
        given += [s for s in a.scans if "coverage" in s.metrics and s.kind is not kind]
    failed = [s for s in given if not s.successful]
    if not given:
        value, details = "missing", [f"no {kind.value} scan was given"]
    elif len(failed) == len(given):
        value, details = "failed", [f"the {kind.value} scan did not complete ({failed[0].source})"]
    else:
        value, details = "given", sorted({f"{s.tool.name}: {s.source}" for s in given})
    return _check(
        a,
        value == "given",
        id=f"scans.{kind.value}",
        name=f"{kind.value} scan",
        group="scans",
        threshold="given",
        value=value,
        details=details,
    )


def _warnings(a: Assessment) -> list[str]:
    warnings = [expired_message(o) for o in a.waivers.expired()]
    for scan in a.scans:
        errors = [n for n in scan.notifications if n.level == "error"]
        if errors:
            warnings.append(
                f"{scan.tool.name} ({scan.source}) reported {len(errors)} error(s), "
                f"first: {errors[0].message}"
            )
        if not scan.successful:
            warnings.append(f"{scan.tool.name} ({scan.source}) says its scan did not complete")
    return warnings


def _number(value: float | None) -> str:
    """Return `value` without a trailing ``.0``, for messages."""
    if value is None:
        return "unknown"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def rego_checks(a: Assessment, reports: Sequence[RegoReport]) -> list[Check]:
    """Return one check per Rego package: it passes when the package denies nothing."""
    return [
        _check(
            a,
            not report.deny,
            id=f"rego.{report.package}",
            name=f"policy {report.package}",
            group="rego",
            threshold="no deny",
            value=f"{len(report.deny)} deny, {len(report.warn)} warn",
            details=list(report.deny),
        )
        for report in reports
    ]


def decide(a: Assessment, rego: Sequence[RegoReport] = ()) -> Verdict:
    """Return the verdict of assessment `a` with the outcomes of the Rego policies `rego`."""
    checks = a.checks + rego_checks(a, rego)
    warnings = a.warnings + [f"policy {r.package}: {w}" for r in rego for w in r.warn]
    failed = [c for c in checks if not c.passed]
    blocked = any(c.blocking for c in checks)
    status = "blocked" if blocked else "approved"
    violations = len([c for c in failed if c.group != "rego"]) + sum(len(r.deny) for r in rego)
    return Verdict(
        tool=ToolInfo(version=__version__),
        evaluated_on=a.today,
        environment=EnvironmentInfo(
            name=a.choice.name,
            reason=a.choice.reason,
            enforce=a.environment.enforce,
            manual_approval=a.environment.manual_approval,
        ),
        policy=a.policy.source,
        status=status,
        would_block=bool(failed),
        manual_approval_required=not blocked and a.environment.manual_approval,
        exit_code=1 if blocked else 0,
        summary=_summary(a, checks, failed, blocked),
        checks=checks,
        warnings=warnings,
        metrics=metrics(a, violations, status),
        score=a.card,
        waivers=_waiver_reports(a.waivers),
        duplicates=[_merge_report(m) for m in a.tally.merges],
        scans=[_scan_report(s) for s in a.scans],
        rego=list(rego),
    )


def _summary(a: Assessment, checks: list[Check], failed: list[Check], blocked: bool) -> str:
    names = ", ".join(c.name for c in failed)
    if blocked:
        return f"{len(failed)} of {len(checks)} checks failed ({names})"
    text = f"{len(checks) - len(failed)} of {len(checks)} checks passed"
    if failed:
        text += f"; {a.choice.name} does not enforce its checks, which would block ({names})"
    if a.environment.manual_approval:
        text += "; a manual approval is required"
    return text


def metrics(a: Assessment, violations: int, status: str) -> Metrics:
    """Return the pipeline's metrics for assessment `a`."""
    vulns = a.tally.of_class("vulnerability")
    return Metrics(
        coverage=a.coverage,
        code_smells=_measure_or_count(a, "code_smells", "code_smell"),
        technical_debt_minutes=_measure(a.scans, "sqale_index"),
        duplicated_lines_density=_measure(a.scans, "duplicated_lines_density", highest=True),
        bugs=_measure_or_count(a, "bugs", "bug"),
        vulnerabilities=a.card.open_by_severity,
        hotspots=_measure_or_count(a, "security_hotspots", "hotspot") or 0,
        owasp_top10_compliance=a.card.owasp.compliance,
        security_score=a.card.score,
        security_rating=a.card.rating,
        cves=_cves(vulns),
        packages_with_fix_available=_fixable_packages(vulns),
        license_findings=len(a.tally.of_class("license")),
        policy_violations=violations,
        gate_status="blocked" if status == "blocked" else "approved",
    )


def _measure(scans: Sequence[Scan], name: str, highest: bool = False) -> float | None:
    """Return the sum (or the highest) of measure `name` over `scans`, or None if none has it."""
    values = [s.metrics[name] for s in scans if name in s.metrics]
    if not values:
        return None
    return float(max(values)) if highest else float(sum(values))


def _measure_or_count(a: Assessment, measure: str, klass: str) -> int | None:
    """Return SonarQube's measure `measure` when given, else the open findings of `klass`.

    None when neither a measure nor a SonarQube scan is there to say.
    """
    value = _measure(a.scans, measure)
    if value is not None:
        return int(value)
    if any("sonar" in s.tool.name.lower() for s in a.scans):
        return sum(1 for c in a.tally.counted if c.klass == klass)
    return None


def _cves(vulns: Sequence[Counted]) -> dict[str, int]:
    worst: dict[str, Severity] = {}
    for item in vulns:
        for member in item.members:
            for cve in facts.cves(member.finding):
                known = worst.get(cve)
                if known is None or item.severity.rank > known.rank:
                    worst[cve] = item.severity
    counts = dict.fromkeys(SEVERITIES, 0)
    for severity in worst.values():
        counts[severity.value] += 1
    return counts


def _fixable_packages(vulns: Sequence[Counted]) -> int:
    packages: set[tuple[str, str]] = set()
    for item in vulns:
        for member in item.members:
            pkg = facts.package(member.finding)
            if pkg is not None and facts.has_fix(member.finding):
                packages.add((facts.package_key(pkg.name), pkg.version or ""))
    return len(packages)


def _waiver_reports(result: WaiverResult) -> list[WaiverReport]:
    reports = []
    for outcome in result.outcomes:
        if outcome.state == "expired":
            state, count = "expired", len(outcome.findings)
        else:
            count = sum(1 for f in outcome.findings if result.waived.get(id(f)) is outcome.waiver)
            state = "applied" if count else "unused"
        reports.append(
            WaiverReport(
                index=outcome.index + 1,
                selectors=outcome.waiver.selectors(),
                reason=outcome.waiver.reason,
                expires=outcome.waiver.expires,
                state=state,  # type: ignore[arg-type]
                findings=count,
            )
        )
    return reports


def _merge_report(merge: Merge) -> MergeReport:
    return MergeReport(
        what=merge.what,
        severity=merge.severity.value,
        members=[
            MergeMember(
                tool=m.scan.tool.name,
                kind=m.scan.kind.value,
                source=m.scan.source,
                rule_id=m.finding.rule_id,
                severity=m.finding.severity.value,
                fingerprint=m.finding.fingerprint,
            )
            for m in merge.members
        ],
    )


def _scan_report(scan: Scan) -> ScanReport:
    return ScanReport(
        tool=scan.tool.name,
        version=scan.tool.version,
        kind=scan.kind.value,
        source=scan.source,
        target=scan.target,
        successful=scan.successful,
        findings=len(scan.findings),
    )
