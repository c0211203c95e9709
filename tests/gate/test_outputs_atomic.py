"""``sarifkit gate`` writes all of --json, --junit, --markdown and --sarif, or none of them.

Every output is built in memory first; when one cannot be built (SARIF over the runs a log may
hold) or a target cannot be written, no file is left behind, the verdict is still printed and
the run ends with one error line and exit 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, run_cli

CLEAN = "fixtures/bandit/bandit-1.9.4-clean.json"
OUTPUTS = ("--json", "--junit", "--markdown", "--sarif")
NAMES = {"--json": "v.json", "--junit": "v.xml", "--markdown": "v.md", "--sarif": "v.sarif"}


@pytest.fixture(autouse=True)
def _repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for key in ("CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        monkeypatch.delenv(key, raising=False)


def _many_tools_sarif(path: Path, runs: int = 25) -> Path:
    """Write a valid SARIF log of `runs` runs, each from a different tool with one result."""
    log: dict[str, Any] = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": f"Scanner{i:02d}", "rules": [{"id": "R1"}]}},
                "results": [
                    {
                        "ruleId": "R1",
                        "level": "warning",
                        "message": {"text": f"finding of scanner {i}"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "app.py"},
                                    "region": {"startLine": i + 1},
                                }
                            }
                        ],
                    }
                ],
            }
            for i in range(runs)
        ],
    }
    path.write_text(json.dumps(log), encoding="utf-8")
    return path


def _output_args(directory: Path, options: tuple[str, ...] = OUTPUTS) -> list[str]:
    return [arg for opt in options for arg in (opt, str(directory / NAMES[opt]))]


def _gate(report: Path | str, *extra: str) -> list[str]:
    return ["gate", str(report), "--environment", "development", *extra]


def _assert_error_run(result: Any, needle: str) -> None:
    assert result.exit_code == 2, result.output
    assert "verdict: APPROVED" in result.stdout  # the verdict was reached and is shown
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sarifkit: error: "), result.stderr
    assert needle in lines[0]


def test_sarif_over_the_run_limit_writes_no_output(tmp_path: Path) -> None:
    report = _many_tools_sarif(tmp_path / "many.sarif")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli(_gate(report, *_output_args(out)))
    _assert_error_run(result, "25 runs")
    assert sorted(out.iterdir()) == []


def test_failed_build_keeps_previous_outputs(tmp_path: Path) -> None:
    report = _many_tools_sarif(tmp_path / "many.sarif")
    out = tmp_path / "out"
    out.mkdir()
    for name in NAMES.values():
        (out / name).write_text("previous run\n")
    result = run_cli(_gate(report, *_output_args(out)))
    _assert_error_run(result, "25 runs")
    assert {p.name: p.read_text() for p in out.iterdir()} == dict.fromkeys(
        NAMES.values(), "previous run\n"
    )


def test_twenty_runs_are_within_the_limit(tmp_path: Path) -> None:
    # The control: the same report one under the limit writes every output.
    report = _many_tools_sarif(tmp_path / "many.sarif", runs=20)
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli(_gate(report, *_output_args(out)))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES.values())
    log = json.loads((out / "v.sarif").read_text())
    assert len(log["runs"]) == 20
    assert json.loads((out / "v.json").read_text())["status"] == "approved"


@pytest.mark.parametrize("bad", ["missing-dir", "file-as-dir"])
@pytest.mark.parametrize("failing", OUTPUTS)
def test_unwritable_directory_writes_no_output(tmp_path: Path, bad: str, failing: str) -> None:
    good = tmp_path / "good"
    good.mkdir()
    if bad == "missing-dir":
        broken = tmp_path / "missing"
    else:
        broken = tmp_path / "a-file"
        broken.write_text("not a directory\n")
    args = [
        arg
        for opt in OUTPUTS
        for arg in (opt, str((broken if opt == failing else good) / NAMES[opt]))
    ]
    result = run_cli(_gate(CLEAN, *args))
    _assert_error_run(result, str(broken))
    assert sorted(good.iterdir()) == []  # not even a temporary file
    assert broken.is_file() or not broken.exists()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only directories",
)
def test_read_only_directory_writes_no_output(tmp_path: Path) -> None:
    good = tmp_path / "good"
    locked = tmp_path / "locked"
    good.mkdir()
    locked.mkdir()
    locked.chmod(0o555)
    try:
        args = [*_output_args(good, OUTPUTS[:3]), "--sarif", str(locked / "v.sarif")]
        result = run_cli(_gate(CLEAN, *args))
    finally:
        locked.chmod(0o755)
    _assert_error_run(result, "v.sarif")
    assert sorted(good.iterdir()) == [] and sorted(locked.iterdir()) == []


def test_stdout_output_is_not_written_when_sarif_fails(tmp_path: Path) -> None:
    # With --json -, the verdict goes to stderr; neither the JSON nor the SARIF is written.
    report = _many_tools_sarif(tmp_path / "many.sarif")
    result = run_cli(_gate(report, "--json", "-", "--sarif", str(tmp_path / "v.sarif")))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "verdict: APPROVED" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("sarifkit: error: SARIF output: 25 runs")
    assert not (tmp_path / "v.sarif").exists()


def test_real_process_writes_no_output(tmp_path: Path) -> None:
    # Through `python -m sarifkit`, whose main() leaves with os._exit(code).
    report = _many_tools_sarif(tmp_path / "many.sarif")
    out = tmp_path / "out"
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CI_")}
    proc = subprocess.run(
        [sys.executable, "-m", "sarifkit", *_gate(report, *_output_args(out))],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "verdict: APPROVED" in proc.stdout
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("sarifkit: error: ")
    assert sorted(out.iterdir()) == []
