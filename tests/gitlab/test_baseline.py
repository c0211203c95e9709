"""Baselines: baselineState against a previous SARIF log, robust to findings moving down a file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES, assert_valid_sarif, run_cli

from sarifkit.baseline import apply_baseline
from sarifkit.model import CodeLocation, Finding, FindingStatus, Scan, ScanKind, Severity, Tool
from sarifkit.writers.gitlab import build_reports

BEFORE = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
# The same app with ten comment lines inserted above find_user(): see fixtures/baseline/generate.sh.
AFTER = FIXTURES / "baseline" / "bandit-1.9.4-sample-app-shifted.json"


def _convert(args: list[str], out: Path) -> dict[str, Any]:
    result = run_cli(["convert", *args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    log: dict[str, Any] = json.loads(out.read_text())
    return log


def _states(log: dict[str, Any]) -> Counter[str]:
    return Counter(r.get("baselineState") for run in log["runs"] for r in run["results"])


@pytest.fixture
def previous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURES.parent)
    path = tmp_path / "previous.sarif"
    _convert([str(BEFORE.relative_to(FIXTURES.parent))], path)
    return path


def test_finding_moved_ten_lines_is_unchanged(previous: Path, tmp_path: Path) -> None:
    before = {
        (r["filename"], r["test_id"]): r["line_number"]
        for r in json.loads(BEFORE.read_text())["results"]
    }
    after = {
        (r["filename"], r["test_id"]): r["line_number"]
        for r in json.loads(AFTER.read_text())["results"]
    }
    moved = [key for key in before if after[key] == before[key] + 10]
    assert ("sample_app/handlers.py", "B608") in moved
    log = _convert(
        [str(AFTER.relative_to(FIXTURES.parent)), "--baseline", str(previous)], tmp_path / "c.sarif"
    )
    assert _states(log) == Counter({"unchanged": len(json.loads(AFTER.read_text())["results"])})
    sqli = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "B608")
    assert sqli["baselineState"] == "unchanged"
    assert sqli["locations"][0]["physicalLocation"]["region"]["startLine"] == 25


def _changed_log(previous: Path, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Convert the shifted report less its first result, with one severity changed and one new
    result, against `previous`; return the log and the result taken out."""
    doc = json.loads(AFTER.read_text())
    gone = doc["results"].pop(0)
    doc["results"][0]["issue_severity"] = "HIGH"  # B311 was LOW
    doc["results"].append(dict(doc["results"][-1], test_id="B999", issue_text="brand new"))
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc))
    return _convert([str(changed), "--baseline", str(previous)], tmp_path / "c.sarif"), gone


def test_new_updated_and_absent(previous: Path, tmp_path: Path) -> None:
    log, gone = _changed_log(previous, tmp_path)
    assert _states(log) == Counter({"unchanged": 16, "updated": 1, "new": 1, "absent": 1})
    results = log["runs"][0]["results"]
    absent = next(r for r in results if r["baselineState"] == "absent")
    assert absent["ruleId"] == gone["test_id"] and absent["properties"]["status"] == "fixed"
    assert absent["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == gone["filename"]
    assert next(r for r in results if r["ruleId"] == "B999")["baselineState"] == "new"
    assert next(r for r in results if r["ruleId"] == "B311")["baselineState"] == "updated"


def test_new_updated_and_absent_is_schema_valid(
    previous: Path, tmp_path: Path, sarif_schema_validator: Any
) -> None:
    assert_valid_sarif(sarif_schema_validator, _changed_log(previous, tmp_path)[0])


def test_absent_findings_do_not_count_and_gitlab_leaves_them_out(previous: Path) -> None:
    from sarifkit.parsers import parse_paths

    scans = parse_paths([str(AFTER.relative_to(FIXTURES.parent))])
    scans[0].findings = scans[0].findings[1:]
    absent = apply_baseline(scans, previous)
    assert len(absent) == 1 and absent[0].status is FindingStatus.FIXED
    assert absent[0] in scans[0].findings
    report = build_reports(scans)["sast"]
    assert len(report["vulnerabilities"]) == 17


def test_absent_results_of_a_tool_not_run_again_get_their_own_scan(previous: Path) -> None:
    other = Scan(tool=Tool(name="Other"), kind=ScanKind.SAST, source="o.json")
    scans = [other]
    absent = apply_baseline(scans, previous)
    assert len(absent) == 18 and len(scans) == 2
    assert scans[1].tool.name == "Bandit" and scans[1].kind is ScanKind.SAST


def test_matches_foreign_sarif_by_rule_file_and_snippet(tmp_path: Path) -> None:
    foreign = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "Other", "rules": []}},
                "results": [
                    {
                        "ruleId": "R1",
                        "message": {"text": "bad"},
                        "level": "warning",
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "src/a%20b.py"},
                                    "region": {"startLine": 3, "snippet": {"text": "eval( x )"}},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "foreign.sarif"
    path.write_text(json.dumps(foreign))
    loc = CodeLocation(path="./src/a b.py", start_line=13, snippet="eval(  x )")
    finding = Finding(
        rule_id="R1", title="bad", severity=Severity.MEDIUM, locations=[loc], fingerprint="zz"
    )
    scan = Scan(tool=Tool(name="Other"), kind=ScanKind.SAST, source="s", findings=[finding])
    assert apply_baseline([scan], path) == []
    assert finding.baseline_state == "unchanged"


def test_previous_absent_results_are_not_carried_again(previous: Path, tmp_path: Path) -> None:
    log = json.loads(previous.read_text())
    for result in log["runs"][0]["results"]:
        result["baselineState"] = "absent"
    older = tmp_path / "older.sarif"
    older.write_text(json.dumps(log))
    scans: list[Scan] = []
    assert apply_baseline(scans, older) == [] and scans == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "is not valid JSON"),
        ('{"version": "2.1.0"}', "not a SARIF log"),
        ("", "is empty"),
    ],
)
def test_bad_baseline_exits_2_without_output(
    tmp_path: Path, content: str | None, message: str
) -> None:
    baseline = tmp_path / "prev.sarif"
    if content is not None:
        baseline.write_text(content)
    out = tmp_path / "out.sarif"
    result = run_cli(["convert", str(BEFORE), "--baseline", str(baseline), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "prev.sarif" in lines[0]


def test_baseline_output_passes_multitool(
    previous: Path, tmp_path: Path, multitool_errors: Any
) -> None:
    doc = json.loads(AFTER.read_text())
    doc["results"].pop(3)
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc))
    out = tmp_path / "baselined.sarif"
    _convert([str(changed), "--baseline", str(previous)], out)
    assert multitool_errors(out) == []


def test_merge_takes_a_baseline(previous: Path, tmp_path: Path) -> None:
    out = tmp_path / "merged.sarif"
    args = ["merge", str(AFTER.relative_to(FIXTURES.parent)), "--baseline", str(previous)]
    result = run_cli([*args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert _states(json.loads(out.read_text())) == Counter({"unchanged": 18})


def test_gate_takes_a_baseline(previous: Path) -> None:
    from sarifkit.cli import cli

    if "gate" not in cli.commands:
        pytest.skip("sarifkit gate is not there yet")
    args = ["gate", str(AFTER.relative_to(FIXTURES.parent)), "--baseline", str(previous)]
    result = run_cli([*args, "--environment", "development"])
    assert result.exit_code in (0, 1), result.stderr
    bad = run_cli([*args[:2], "--baseline", "missing.sarif", "--environment", "development"])
    assert bad.exit_code == 2 and "missing.sarif: no such file" in bad.stderr
