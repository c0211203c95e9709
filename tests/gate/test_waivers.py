"""Waivers: selectors, expiry against an injected day, suppressions in the model and in SARIF."""

from __future__ import annotations

import io
import json
import logging
from datetime import date
from typing import Any

import pytest
from helpers import REPO, assert_valid_sarif, run_cli

from sarifkit.gate import EnvironmentChoice, Policy, Waiver, apply_waivers, assess, decide
from sarifkit.gate.waivers import match_waivers, matches
from sarifkit.model import FindingStatus
from sarifkit.writers.sarif import write_sarif

EXPIRES = date(2025, 6, 30)


def waiver(**selectors: str) -> Waiver:
    return Waiver.model_validate({**selectors, "reason": "accepted", "expires": EXPIRES})


@pytest.mark.parametrize(
    ("selectors", "expected"),
    [
        ({"rule": "B608"}, True),
        ({"rule": "B6*"}, True),
        ({"rule": "B607"}, False),
        ({"cve": "cve-2024-0001"}, True),
        ({"cve": "CVE-2024-9999"}, False),
        ({"path": "app/db/*.py"}, True),
        ({"path": "app/**"}, True),
        ({"path": "**/query.py"}, True),
        ({"path": "app/*.py"}, False),  # * stays within one directory
        ({"path": "tests/**"}, False),
        ({"rule": "B608", "path": "tests/**"}, False),  # every selector must match
        ({"rule": "B608", "path": "app/**", "cve": "CVE-2024-0001"}, True),
    ],
)
def test_selectors(build: Any, selectors: dict[str, str], expected: bool) -> None:
    finding = build.finding("high", rule="B608", path="./app/db/query.py", cve="CVE-2024-0001")
    assert matches(waiver(**selectors), finding) is expected


def test_fingerprint_and_package_manifest(build: Any) -> None:
    scan = build.scan("dependency", [build.finding("high", cve="CVE-1", package="django")])
    finding = scan.findings[0]
    assert matches(waiver(fingerprint=finding.fingerprint), finding)
    assert not matches(waiver(fingerprint="0" * 32), finding)
    assert matches(waiver(path="requirements.txt"), finding)


@pytest.mark.parametrize(
    ("today", "state", "open_after"),
    [
        (date(2025, 6, 29), "active", 0),
        (date(2025, 6, 30), "active", 0),  # the expiry day itself still applies
        (date(2025, 7, 1), "expired", 1),
    ],
)
def test_expiry(build: Any, today: date, state: str, open_after: int) -> None:
    scans = [build.scan("sast", [build.finding("high", rule="B608")])]
    result = apply_waivers(scans, [waiver(rule="B608")], today)
    assert result.outcomes[0].state == state
    assert sum(f.is_open for f in scans[0].findings) == open_after


def test_apply_marks_suppressed_with_justification(build: Any) -> None:
    scans = [build.scan("sast", [build.finding("high", rule="B608"), build.finding("low")])]
    result = apply_waivers(scans, [waiver(rule="B608")], date(2025, 5, 1))
    waived, other = scans[0].findings
    assert waived.status is FindingStatus.SUPPRESSED and other.status is FindingStatus.OPEN
    assert [s.model_dump() for s in waived.suppressions] == [
        {"kind": "external", "status": "accepted", "justification": "accepted", "source": "waiver"}
    ]
    assert result.is_waived(waived) and not result.is_waived(other)
    # A second run changes nothing more.
    apply_waivers(scans, [waiver(rule="B608")], date(2025, 5, 1))
    assert len(waived.suppressions) == 1


def test_match_changes_nothing(build: Any) -> None:
    scans = [build.scan("sast", [build.finding("high", rule="B608")])]
    before = scans[0].model_dump()
    result = match_waivers(scans, [waiver(rule="B608")], date(2025, 5, 1))
    assert result.is_waived(scans[0].findings[0])
    assert scans[0].model_dump() == before


def test_first_waiver_in_policy_order_wins(build: Any) -> None:
    scans = [build.scan("sast", [build.finding("high", rule="B608")])]
    first, second = waiver(rule="B608"), waiver(path="app/**")
    result = match_waivers(scans, [first, second], date(2025, 5, 1))
    assert result.waived[id(scans[0].findings[0])] is first


def verdict_with(build: Any, today: date, *waivers: Waiver) -> Any:
    scans = build.clean_pipeline(build.scan("sast", [build.finding("high", rule="B608")]))
    policy = Policy(waivers=list(waivers))
    return decide(assess(scans, policy, EnvironmentChoice("staging", "test"), today)), scans


def test_valid_waiver_unblocks_and_is_reported(build: Any) -> None:
    verdict, _ = verdict_with(build, date(2025, 5, 1), waiver(rule="B608"), waiver(rule="X1"))
    assert verdict.status == "approved"
    assert verdict.score.not_counted.waived == 1 and verdict.score.score == 100
    assert [(w.state, w.findings) for w in verdict.waivers] == [("applied", 1), ("unused", 0)]
    assert verdict.warnings == []


def test_expired_waiver_blocks_and_warns(build: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="sarifkit"):
        verdict, _ = verdict_with(build, date(2025, 7, 1), waiver(rule="B608"))
    assert verdict.status == "blocked"
    assert [(w.state, w.findings) for w in verdict.waivers] == [("expired", 1)]
    expected = (
        "waiver 1 (rule B608) expired on 2025-06-30 and no longer applies; "
        "it would match 1 open finding(s)"
    )
    assert verdict.warnings == [expected]
    assert expected in caplog.text


def _waived_log(build: Any) -> dict[str, Any]:
    """Return the SARIF of a pipeline whose one finding a waiver accepts."""
    _, scans = verdict_with(build, date(2025, 5, 1), waiver(rule="B608"))
    out = io.BytesIO()
    write_sarif(scans, out)
    log: dict[str, Any] = json.loads(out.getvalue())
    return log


def test_waived_finding_in_sarif_has_suppression(build: Any) -> None:
    results = [r for run in _waived_log(build)["runs"] for r in run["results"]]
    assert len(results) == 1
    assert results[0]["suppressions"][0]["justification"] == "accepted"
    assert results[0]["suppressions"][0]["kind"] == "external"


def test_waived_finding_sarif_is_schema_valid(build: Any, sarif_schema_validator: Any) -> None:
    assert_valid_sarif(sarif_schema_validator, _waived_log(build))


def _cli_sarif_with_policy_waivers(tmp_path: Any) -> tuple[str, dict[str, Any]]:
    """Run `sarifkit gate --sarif` with the fixture policy; return stdout and the SARIF log."""
    sarif = tmp_path / "gate.sarif"
    args = [
        "gate",
        "fixtures/gate/reports/safety-django.json",
        "--policy",
        "fixtures/gate/policies/sarifkit.toml",
        "--environment",
        "staging",
        "--today",
        "2025-05-01",
        "--sarif",
        str(sarif),
    ]
    result = run_cli(args)
    return result.stdout, json.loads(sarif.read_text())


def test_cli_sarif_output_with_policy_waivers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.chdir(REPO)
    stdout, log = _cli_sarif_with_policy_waivers(tmp_path)
    assert "waived: 1 finding(s) by 1 waiver(s)" in stdout
    suppressed = [r for run in log["runs"] for r in run["results"] if r.get("suppressions")]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0]["justification"].startswith(
        "Password reset is disabled"
    )
    # The B404 waiver of the same policy expired on 2024-12-31: warned, not applied.
    assert "warning: waiver 2 (rule B404, path app/**) expired on 2024-12-31" in stdout


def test_cli_sarif_output_with_policy_waivers_is_schema_valid(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, sarif_schema_validator: Any
) -> None:
    monkeypatch.chdir(REPO)
    assert_valid_sarif(sarif_schema_validator, _cli_sarif_with_policy_waivers(tmp_path)[1])


def test_cli_sarif_output_passes_the_multitool(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, multitool_errors: Any
) -> None:
    monkeypatch.chdir(REPO)
    sarif = tmp_path / "gate.sarif"
    policy = "fixtures/gate/policies/sarifkit.toml"
    reports = [
        "fixtures/gate/reports/safety-django.json",
        "fixtures/gate/reports/bandit-low-only.json",
    ]
    run_cli(["gate", *reports, "--policy", policy, "--today", "2025-05-01", "--sarif", str(sarif)])
    assert multitool_errors(sarif) == []
