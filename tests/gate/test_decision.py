"""The default decision, table-driven: every branch, each environment, missing scans, coverage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from sarifkit.gate import EnvironmentChoice, Policy, Verdict, assess, decide
from sarifkit.model import Confidence, FindingCategory, FindingStatus, Scan, ScanKind

TODAY = date(2025, 5, 1)


def gate(scans: list[Scan], env: str = "staging", policy: Policy | None = None) -> Verdict:
    policy = policy or Policy()
    return decide(assess(scans, policy, EnvironmentChoice(env, "test"), TODAY))


def failed(verdict: Verdict) -> list[str]:
    return [c.id for c in verdict.checks if not c.passed]


Case = Callable[[Any], list[Scan]]

# (case id, scans built from the builder, failed check ids expected); environment: staging.
DEFAULT_DECISION: list[tuple[str, Case, list[str]]] = [
    ("nothing open", lambda b: b.clean_pipeline(), []),
    (
        "one critical",
        lambda b: b.clean_pipeline(b.scan("sast", [b.finding("critical")])),
        ["findings.critical", "score"],  # 100 - 25 = 75, under 80 as well
    ),
    (
        "one high",
        lambda b: b.clean_pipeline(b.scan("sast", [b.finding("high")])),
        ["findings.high"],
    ),
    ("five medium", lambda b: b.clean_pipeline(b.scan("sast", b.many(5, "medium"))), []),
    (
        "six medium",
        lambda b: b.clean_pipeline(b.scan("sast", b.many(6, "medium"))),
        ["findings.medium"],
    ),
    ("many low, score 80", lambda b: b.clean_pipeline(b.scan("sast", b.many(20, "low"))), []),
    (
        "many low, score 79",
        lambda b: b.clean_pipeline(b.scan("sast", b.many(21, "low"))),
        ["score"],
    ),
    ("info never counts", lambda b: b.clean_pipeline(b.scan("sast", b.many(200, "info"))), []),
    ("coverage just above 80", lambda b: b.clean_pipeline(coverage=80.01), []),
    ("coverage exactly 80", lambda b: b.clean_pipeline(coverage=80.0), ["coverage"]),
    ("coverage 12", lambda b: b.clean_pipeline(coverage=12.0), ["coverage"]),
    ("coverage unknown", lambda b: b.clean_pipeline(coverage=None), ["coverage"]),
    (
        "lowest coverage wins",
        lambda b: b.clean_pipeline(b.scan("sast", metrics={"coverage": 75.0}), coverage=95.0),
        ["coverage"],
    ),
    (
        "no container scan",
        lambda b: [s for s in b.clean_pipeline() if s.kind is not ScanKind.CONTAINER],
        ["scans.container"],
    ),
    (
        "no scans but coverage",
        lambda b: [b.scan("coverage", metrics={"coverage": 99.0})],
        ["scans.sast", "scans.dependency", "scans.container"],
    ),
    (
        "scan that did not complete",
        lambda b: [
            s if s.kind is not ScanKind.DEPENDENCY else b.scan("dependency", successful=False)
            for s in b.clean_pipeline()
        ],
        ["scans.dependency"],
    ),
    (
        "suppressed, fixed, false positive and absent do not count",
        lambda b: b.clean_pipeline(
            b.scan(
                "sast",
                [
                    b.finding("critical", status=FindingStatus.SUPPRESSED, suppressed_by="nosec"),
                    b.finding("critical", status=FindingStatus.FIXED),
                    b.finding("critical", confidence=Confidence.FALSE_POSITIVE),
                    b.finding("critical", baseline="absent"),
                ],
            )
        ),
        [],
    ),
    (
        "license findings and hotspots do not count",
        lambda b: b.clean_pipeline(
            b.scan("license", [b.finding("critical")]),
            b.scan(
                "sast",
                [b.finding("high", category=FindingCategory.HOTSPOT)],
                tool="SonarQube",
            ),
            b.scan(
                "sast",
                [b.finding("critical", category=FindingCategory.CODE_SMELL)],
                tool="SonarQube",
            ),
        ),
        [],
    ),
]


@pytest.mark.parametrize(
    ("scans_of", "expected"),
    [pytest.param(build_, expected, id=name) for name, build_, expected in DEFAULT_DECISION],
)
def test_default_decision(build: Any, scans_of: Case, expected: list[str]) -> None:
    verdict = gate(scans_of(build))
    assert failed(verdict) == expected
    assert verdict.status == ("blocked" if expected else "approved")
    assert verdict.exit_code == (1 if expected else 0)
    assert verdict.metrics.gate_status == verdict.status


def test_checks_report_threshold_and_value(build: Any) -> None:
    verdict = gate(build.clean_pipeline(build.scan("sast", build.many(6, "medium")), coverage=None))
    by_id = {c.id: c for c in verdict.checks}
    assert (by_id["findings.medium"].threshold, by_id["findings.medium"].value) == ("<= 5", "6")
    assert (by_id["coverage"].threshold, by_id["coverage"].value) == ("> 80 %", "unknown")
    assert by_id["coverage"].details == ["coverage is unknown: no report with coverage was given"]
    assert (by_id["score"].threshold, by_id["score"].value) == (">= 80", "82 (C)")
    assert len(by_id["findings.medium"].details) == 6


def test_missing_scan_says_which(build: Any) -> None:
    scans = [s for s in build.clean_pipeline() if s.kind is not ScanKind.CONTAINER]
    check = next(c for c in gate(scans).checks if c.id == "scans.container")
    assert check.details == ["no container scan was given"] and check.blocking


@pytest.mark.parametrize(
    ("env", "status", "exit_code", "manual", "required"),
    [
        ("development", "approved", 0, False, {"sast", "dependency", "container"}),
        ("staging", "blocked", 1, False, {"sast", "dependency", "container"}),
        ("production", "blocked", 1, False, {"sast", "dependency", "container", "dast"}),
    ],
)
def test_environments_with_a_high_finding(
    build: Any, env: str, status: str, exit_code: int, manual: bool, required: set[str]
) -> None:
    verdict = gate(build.clean_pipeline(build.scan("sast", [build.finding("high")])), env)
    assert (verdict.status, verdict.exit_code) == (status, exit_code)
    assert verdict.would_block
    assert verdict.manual_approval_required is manual
    assert {c.id.split(".")[1] for c in verdict.checks if c.group == "scans"} == required
    assert all(not c.blocking for c in verdict.checks) == (env == "development")


def test_development_reports_but_never_blocks(build: Any) -> None:
    verdict = gate([build.scan("sast", build.many(3, "critical"))], "development")
    assert verdict.status == "approved" and verdict.exit_code == 0 and verdict.would_block
    assert "would block" in verdict.summary
    assert {"findings.critical", "coverage", "score", "scans.dependency"} <= set(failed(verdict))


def test_production_approval_needs_a_person(build: Any) -> None:
    verdict = gate(build.clean_pipeline(), "production")
    assert verdict.status == "approved" and verdict.exit_code == 0
    assert verdict.manual_approval_required and verdict.environment.manual_approval
    assert "manual approval" in verdict.summary


def test_production_requires_dast(build: Any) -> None:
    scans = [s for s in build.clean_pipeline() if s.kind is not ScanKind.DAST]
    assert failed(gate(scans, "production")) == ["scans.dast"]
    assert failed(gate(scans, "staging")) == []


def test_new_findings_only(build: Any) -> None:
    policy = Policy.model_validate({"gate": {"new_findings_only": True}})
    known = build.scan(
        "sast",
        [
            build.finding("high", baseline="unchanged"),
            build.finding("critical", baseline="updated"),
        ],
    )
    assert failed(gate(build.clean_pipeline(known), policy=policy)) == []
    fresh = build.scan("sast", [build.finding("high", baseline="new")])
    assert failed(gate(build.clean_pipeline(fresh), policy=policy)) == ["findings.high"]
    unknown = build.scan("sast", [build.finding("high", baseline=None)])
    assert failed(gate(build.clean_pipeline(unknown), policy=policy)) == ["findings.high"]
    verdict = gate(build.clean_pipeline(known), policy=policy)
    assert verdict.score.not_counted.not_new == 2
    # Without the option, known findings count.
    assert failed(gate(build.clean_pipeline(known))) == [
        "findings.critical",
        "findings.high",
        "score",
    ]


def test_policy_thresholds_change_the_decision(build: Any) -> None:
    policy = Policy.model_validate(
        {
            "gate": {"max_high": 2, "max_low": 0, "coverage_above": None, "min_score": None},
            "environments": {"staging": {"required_scans": []}},
        }
    )
    scans = [build.scan("sast", [*build.many(2, "high"), build.finding("low")])]
    verdict = gate(scans, policy=policy)
    assert failed(verdict) == ["findings.low"]
    assert [c.id for c in verdict.checks] == [
        "findings.critical",
        "findings.high",
        "findings.medium",
        "findings.low",
    ]


def test_metrics_of_the_pipeline_list(build: Any) -> None:
    sonar = build.scan(
        "coverage",
        tool="SonarQube",
        metrics={
            "coverage": 91.5,
            "sqale_index": 125,
            "code_smells": 7,
            "duplicated_lines_density": 3.2,
            "bugs": 1,
            "security_hotspots": 2,
        },
    )
    deps = build.scan(
        "dependency",
        [
            build.finding("critical", cve="CVE-2024-0001", package="django", fixed=["4.2.1"]),
            build.finding("medium", cve="CVE-2024-0002", package="django", fixed=["4.2.1"]),
            build.finding("low", cve="CVE-2024-0003", package="six"),
        ],
    )
    lic = build.scan("license", [build.finding("high", rule="GPL-3.0", package="readline")])
    metrics = gate([sonar, deps, lic]).metrics
    assert metrics.coverage == 91.5
    assert (metrics.technical_debt_minutes, metrics.code_smells, metrics.bugs) == (125.0, 7, 1)
    assert (metrics.duplicated_lines_density, metrics.hotspots) == (3.2, 2)
    assert metrics.cves == {
        "critical": 1,
        "high": 0,
        "medium": 1,
        "low": 1,
        "info": 0,
        "unknown": 0,
    }
    assert metrics.packages_with_fix_available == 1
    assert metrics.license_findings == 1
    assert metrics.vulnerabilities["critical"] == 1
    assert metrics.security_score == 71.0 and metrics.security_rating == "E"
    assert metrics.policy_violations == 4  # critical, score, sast scan, container scan
    assert metrics.gate_status == "blocked"


def test_metrics_without_sonarqube_are_unknown(build: Any) -> None:
    metrics = gate(build.clean_pipeline()).metrics
    assert metrics.code_smells is None and metrics.technical_debt_minutes is None
    assert metrics.bugs is None and metrics.hotspots == 0


def test_sonarqube_issue_types_are_counted_apart(build: Any) -> None:
    sonar = build.scan(
        "sast",
        [
            build.finding("high", category=FindingCategory.CODE_SMELL),
            build.finding("medium", category=FindingCategory.BUG),
            build.finding("medium", category=FindingCategory.HOTSPOT),
            build.finding("high", category=FindingCategory.VULNERABILITY),
        ],
        tool="SonarQube",
    )
    verdict = gate(build.clean_pipeline(sonar))
    assert (verdict.metrics.code_smells, verdict.metrics.bugs, verdict.metrics.hotspots) == (
        1,
        1,
        1,
    )
    assert failed(verdict) == ["findings.high"]
    assert verdict.score.not_counted.not_security == 3


def test_scanner_errors_are_warned(build: Any) -> None:
    from sarifkit.model import Notification

    scan = build.scan("sast")
    scan.notifications.append(Notification(message="syntax error in x.py"))
    warnings = gate(build.clean_pipeline(scan)).warnings
    assert any("reported 1 error(s), first: syntax error in x.py" in w for w in warnings)
