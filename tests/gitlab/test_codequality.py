"""GitLab Code Quality reports: required fields, severities, unique fingerprints, snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES, run_cli

from sarifkit.model import CodeLocation, Finding, Scan, ScanBundle, ScanKind, Severity, Tool
from sarifkit.writers.codequality import SEVERITIES, build_codequality

BUNDLES = sorted((FIXTURES / "gitlab").glob("*.json"))
BANDIT = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
CODE_QUALITY_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _load(path: Path) -> list[Scan]:
    return ScanBundle.model_validate_json(path.read_bytes()).scans


def _assert_code_quality(issues: list[dict[str, Any]]) -> None:
    """Check what GitLab's doc/ci/testing/code_quality.md requires of every issue."""
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in CODE_QUALITY_SEVERITIES
        assert isinstance(issue["location"]["path"], str) and issue["location"]["path"]
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["lines"]["begin"] >= 1
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)


@pytest.fixture(autouse=True)
def _no_ci_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name)
def test_fixture_code_quality_snapshot(path: Path, json_snapshot: Any) -> None:
    scans = _load(path)
    issues = build_codequality(scans)
    _assert_code_quality(issues)
    # Every open finding, licence findings included: Code Quality carries them all.
    assert len(issues) == sum(f.is_open for s in scans for f in s.findings)
    assert issues == json_snapshot


def test_severity_mapping() -> None:
    assert SEVERITIES == {
        Severity.CRITICAL: "blocker",
        Severity.HIGH: "critical",
        Severity.MEDIUM: "major",
        Severity.LOW: "minor",
        Severity.INFO: "info",
        Severity.UNKNOWN: "info",
    }


def test_locations_per_kind() -> None:
    scans = [s for p in BUNDLES for s in _load(p)]
    by_check = {i["check_name"]: i for i in build_codequality(scans)}
    assert by_check["B602"]["location"] == {"path": "app/handlers.py", "lines": {"begin": 10}}
    assert by_check["DS002"]["location"] == {"path": "Dockerfile", "lines": {"begin": 1}}
    assert by_check["CVE-2023-30608"]["location"]["path"] == "requirements.txt"
    assert by_check["CVE-2023-30608"]["description"].endswith("(sqlparse@0.4.3)")
    assert by_check["40012"]["location"] == {"path": "reports/zap.json", "lines": {"begin": 1}}
    assert "GET https://app.example.com/search?q=1" in by_check["40012"]["description"]
    assert by_check["GPL-3.0"]["location"]["path"] == "go.mod"


def test_paths_under_ci_project_dir_become_relative(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI_PROJECT_DIR", "/builds/acme/app")
    finding = Finding(
        rule_id="R",
        title="t",
        severity=Severity.LOW,
        locations=[CodeLocation(path="/builds/acme/app/src/a.py", start_line=3)],
    )
    scan = Scan(tool=Tool(name="T"), kind=ScanKind.SAST, source="s", findings=[finding])
    assert build_codequality([scan])[0]["location"] == {"path": "src/a.py", "lines": {"begin": 3}}


def test_fingerprints_unique_across_scans_of_one_tool() -> None:
    finding = Finding(rule_id="R", title="t", severity=Severity.LOW, fingerprint="same")
    scans = [
        Scan(
            tool=Tool(name="T"),
            kind=ScanKind.SAST,
            source=name,
            findings=[finding.model_copy()],
        )
        for name in ("a", "b")
    ]
    issues = build_codequality(scans)
    assert len({i["fingerprint"] for i in issues}) == 2


def test_cli_code_quality_for_bandit(tmp_path: Path, json_snapshot: Any) -> None:
    result = run_cli(["gitlab", str(BANDIT), "--out-dir", str(tmp_path), "--format", "codequality"])
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["gl-code-quality-report.json"]
    data = (tmp_path / "gl-code-quality-report.json").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    issues = json.loads(data)
    _assert_code_quality(issues)
    assert len(issues) == len(json.loads(BANDIT.read_text())["results"])
    assert issues == json_snapshot
