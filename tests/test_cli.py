"""The command line: inputs, outputs, formats, determinism and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, REPO, run_cli, sarif_result_count

BANDIT = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"


def test_version() -> None:
    result = run_cli(["--version"])
    assert result.exit_code == 0 and "sarifkit, version" in result.stdout


def test_convert_to_stdout_and_file_are_identical(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    to_file = run_cli(["convert", str(BANDIT), "-o", str(out)])
    to_stdout = run_cli(["convert", str(BANDIT)])
    assert to_file.exit_code == 0 and to_file.stdout == ""
    assert out.read_bytes() == to_stdout.stdout_bytes


def test_output_is_deterministic() -> None:
    first = run_cli(["convert", str(BANDIT)]).stdout_bytes
    second = run_cli(["convert", str(BANDIT)]).stdout_bytes
    assert first == second


def test_source_date_epoch_sets_missing_times(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    doc = json.loads(BANDIT.read_text())
    del doc["generated_at"]
    report = tmp_path / "bandit.json"
    report.write_text(json.dumps(doc))
    without = json.loads(run_cli(["convert", str(report)]).stdout)
    assert "startTimeUtc" not in without["runs"][0]["invocations"][0]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with_epoch = json.loads(run_cli(["convert", str(report)]).stdout)
    assert with_epoch["runs"][0]["invocations"][0]["startTimeUtc"] == "2023-11-14T22:13:20Z"


def test_stdin_is_read_with_dash() -> None:
    result = run_cli(["convert", "-"], stdin=BANDIT.read_bytes())
    assert result.exit_code == 0, result.stderr
    log = json.loads(result.stdout)
    assert sarif_result_count(log) == len(json.loads(BANDIT.read_text())["results"])
    assert log["runs"][0]["properties"]["source"] == "<stdin>"


def test_several_inputs_give_one_run_each() -> None:
    clean = FIXTURES / "bandit" / "bandit-1.9.4-clean.json"
    log = json.loads(run_cli(["convert", str(BANDIT), str(clean)]).stdout)
    assert len(log["runs"]) == 2
    ids = [run["automationDetails"]["id"] for run in log["runs"]]
    assert len(set(ids)) == 2


def test_findings_format_is_the_model() -> None:
    result = run_cli(["convert", str(BANDIT), "--format", "findings"])
    doc = json.loads(result.stdout)
    assert doc["scans"][0]["tool"]["name"] == "Bandit"
    assert len(doc["scans"][0]["findings"]) == len(json.loads(BANDIT.read_text())["results"])


def test_tool_option_forces_the_parser() -> None:
    assert run_cli(["convert", "--tool", "bandit", str(BANDIT)]).exit_code == 0


def test_schema_prints_the_model_schema() -> None:
    schema = json.loads(run_cli(["schema"]).stdout)
    assert "Finding" in schema["$defs"] and "scans" in schema["properties"]


def test_no_report_is_a_usage_error() -> None:
    result = run_cli(["convert"])
    assert result.exit_code == 2 and "at least one report" in result.stderr


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sarifkit", "convert", str(BANDIT)],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["version"] == "2.1.0"


def test_readme_names_the_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("sarifkit convert", "sarifkit schema", "bash .ci/run"):
        assert command in readme
