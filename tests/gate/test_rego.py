"""Rego policies through regopy: deny blocks, warn reports, bad policies exit 2, the input."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, run_cli

from sarifkit.errors import ConfigError
from sarifkit.gate import EnvironmentChoice, Policy, assess, decide
from sarifkit.gate import rego as rego_mod

pytest.importorskip("regopy")

LOW = "fixtures/gate/reports/bandit-low-only.json"
SAMPLE = "fixtures/bandit/bandit-1.9.4-sample-app.json"
DENY_HIGH = "fixtures/gate/rego/deny-high"


@pytest.fixture(autouse=True)
def _repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for key in ("CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        monkeypatch.delenv(key, raising=False)


def evaluate(build: Any, scans: list[Any], directory: str, env: str = "staging") -> Any:
    a = assess(scans, Policy(), EnvironmentChoice(env, "t"), date(2025, 5, 1))
    reports = rego_mod.evaluate(rego_mod.load_policy_dir(directory), rego_mod.input_document(a))
    return decide(a, reports)


def test_deny_blocks_and_warn_is_reported(build: Any) -> None:
    scans = build.clean_pipeline(
        build.scan("sast", [build.finding("low", rule="B1", path="a.py")]),
        build.scan("dast", [build.finding("high", rule="Z1", path="b.py")]),
    )
    policy_verdict = evaluate(build, scans, DENY_HIGH)
    (report,) = policy_verdict.rego
    assert report.package == "sarifkit.test"
    assert report.deny == ["high finding Z1 in b.py"]
    assert report.warn == ["low finding B1"]
    check = next(c for c in policy_verdict.checks if c.id == "rego.sarifkit.test")
    assert not check.passed and check.blocking and check.details == report.deny
    assert "policy sarifkit.test: low finding B1" in policy_verdict.warnings
    assert policy_verdict.metrics.policy_violations >= 1


def test_rego_alone_blocks(build: Any) -> None:
    policy = Policy.model_validate({"gate": {"max_high": None}})
    scans = build.clean_pipeline(build.scan("sast", [build.finding("high", rule="R", path="x.py")]))
    a = assess(scans, policy, EnvironmentChoice("staging", "t"), date(2025, 5, 1))
    doc = rego_mod.input_document(a)
    verdict = decide(a, rego_mod.evaluate(rego_mod.load_policy_dir(DENY_HIGH), doc))
    assert [c.id for c in verdict.checks if not c.passed] == ["rego.sarifkit.test"]
    assert verdict.status == "blocked"


def test_deny_in_development_does_not_block(build: Any) -> None:
    scans = build.clean_pipeline(build.scan("sast", [build.finding("high")]))
    verdict = evaluate(build, scans, DENY_HIGH, env="development")
    assert verdict.status == "approved" and verdict.would_block


def test_cli_rego_deny_exit_1() -> None:
    result = run_cli(["gate", SAMPLE, "--environment", "staging", "--policy-dir", DENY_HIGH])
    assert result.exit_code == 1
    assert "✗ policy sarifkit.test" in result.stdout
    assert "high finding B602 in sample_app/handlers.py" in result.stdout


@pytest.mark.parametrize(
    ("directory", "message"),
    [
        ("fixtures/gate/rego/broken", "broken.rego: not valid Rego: "),
        (
            "fixtures/gate/rego/no-package",
            "nothing.rego: not a Rego module: no package declaration",
        ),
        ("fixtures/gate/rego/library-only", "no policy declares a package under sarifkit"),
        ("fixtures/gate/rego/missing", "missing: no such policy directory"),
        ("fixtures/gate/reports", "reports: holds no .rego policy"),
    ],
)
def test_bad_policies_exit_2_with_one_line(tmp_path: Path, directory: str, message: str) -> None:
    out = tmp_path / "v.json"
    result = run_cli(["gate", LOW, "--policy-dir", directory, "--json", str(out)])
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert result.stdout == ""  # rego-cpp's own error printing is silenced
    assert not out.exists()


def test_without_regopy_policy_dir_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "regopy", None)
    result = run_cli(["gate", LOW, "--policy-dir", DENY_HIGH])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "sarifkit: error: Rego policies need the regopy package, which cannot be imported: "
        "import of regopy halted; None in sys.modules"
    ]
    # Without --policy-dir the gate does not need regopy.
    assert run_cli(["gate", LOW]).exit_code == 0


def test_print_input_is_the_documented_document() -> None:
    result = run_cli(
        ["gate", SAMPLE, "--environment", "production", "--print-input", "--today", "2025-05-01"]
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert sorted(doc) == [
        "checks",
        "components",
        "coverage",
        "environment",
        "evaluated_on",
        "findings",
        "input_version",
        "licenses",
        "params",
        "policy",
        "sarifkit_version",
        "scan_kinds",
        "scans",
        "score",
        "waivers",
    ]
    assert doc["environment"]["name"] == "production" and doc["scan_kinds"] == ["sast"]
    assert len(doc["findings"]) == 18
    finding = doc["findings"][0]
    assert sorted(finding) == [
        "baseline_state",
        "class",
        "confidence",
        "counted_severity",
        "cves",
        "cwes",
        "duplicate",
        "fingerprint",
        "line",
        "location",
        "open",
        "owasp",
        "package",
        "rule_id",
        "scan_kind",
        "scan_source",
        "severity",
        "status",
        "title",
        "tool",
        "waived",
        "waiver_reason",
    ]
    assert doc["policy"]["max_medium"] == 5 and doc["policy"]["owasp_edition"] == "2025"


def test_bundled_policies(tmp_path: Path) -> None:
    out = tmp_path / "v.json"
    result = run_cli(
        ["gate", SAMPLE, "--environment", "production", "--bundled-policies", "--json", str(out)]
    )
    assert result.exit_code == 1
    rego = {r["package"]: r for r in json.loads(out.read_text())["rego"]}
    assert sorted(rego) == ["sarifkit.compliance", "sarifkit.owasp", "sarifkit.security"]
    assert rego["sarifkit.compliance"]["deny"] == [
        "compliance needs a dependency scan; none was given",
        "production needs an SBOM: give a CycloneDX or SPDX report with components",
    ]
    assert any(
        d.startswith("A05:2025 B608 at sample_app/handlers.py")
        for d in rego["sarifkit.owasp"]["deny"]
    )
    assert rego["sarifkit.security"]["deny"] == []


def test_bundled_license_deny_list(build: Any) -> None:
    lic = build.scan("license", [build.finding("high", rule="AGPL-3.0-only", package="ghostpdl")])
    a = assess(
        build.clean_pipeline(lic),
        Policy.model_validate({"params": {"license_deny": ["agpl-3.0"]}}),
        EnvironmentChoice("staging", "t"),
        date(2025, 5, 1),
    )
    modules = rego_mod.load_policy_dir(rego_mod.bundled_policy_dir())
    reports = {r.package: r for r in rego_mod.evaluate(modules, rego_mod.input_document(a))}
    assert reports["sarifkit.compliance"].deny == [
        "license AGPL-3.0-only of ghostpdl is on the deny-list (trivy-license.json)"
    ]


def test_secret_denied_by_bundled_security_policy(build: Any) -> None:
    a = assess(
        build.clean_pipeline(
            build.scan("secret", [build.finding("low", rule="aws-key", path=".env")])
        ),
        Policy(),
        EnvironmentChoice("staging", "t"),
        date(2025, 5, 1),
    )
    modules = rego_mod.load_policy_dir(rego_mod.bundled_policy_dir())
    reports = {r.package: r for r in rego_mod.evaluate(modules, rego_mod.input_document(a))}
    assert reports["sarifkit.security"].deny == ["secret aws-key found in .env (Trivy)"]


def test_runtime_error_is_a_config_error(tmp_path: Path, build: Any) -> None:
    (tmp_path / "conflict.rego").write_text(
        "package sarifkit.conflict\n\nimport rego.v1\n\ndeny := 1 if true\n\ndeny := 2 if true\n"
    )
    with pytest.raises(ConfigError, match="policy sarifkit.conflict"):
        evaluate(build, build.clean_pipeline(), str(tmp_path))
