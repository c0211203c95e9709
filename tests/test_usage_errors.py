"""Bad usage across every command: one ``sarifkit: error:`` line on stderr, exit 2, no output.

Each case runs in-process (click's CliRunner) and as a real ``python -m sarifkit`` process, so
`sarifkit.cli.main`'s exit path (``os._exit`` with the code click chose) is covered too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO

from sarifkit.cli import cli

REPORT = "fixtures/bandit/bandit-1.9.4-clean.json"

# (arguments, text the one error line must hold: the offending option, value or command)
USAGE_ERRORS = {
    "unknown option": (["gate", "--bogus", REPORT], ["gate", "--bogus"]),
    "unknown group option": (["--bogus", "convert", REPORT], ["--bogus"]),
    "unknown command": (["bogus"], ["bogus"]),
    "bad --tool choice": (["convert", "--tool", "nope", REPORT], ["convert", "--tool", "nope"]),
    "--baseline is a directory": (
        ["convert", "--baseline", "fixtures/bandit", REPORT],
        ["convert", "fixtures/bandit"],
    ),
    "bad --format": (["convert", "--format", "xml", REPORT], ["--format", "xml"]),
    "unknown --environment": (["gate", "--environment", "nowhere", REPORT], ["nowhere"]),
    "bad --today": (["gate", "--today", "notadate", REPORT], ["gate", "--today", "notadate"]),
    "convert without a report": (["convert"], ["convert", "report"]),
    "gate without a report": (["gate", "--environment", "staging"], ["gate", "report"]),
    "score unknown option": (["score", "--bogus", REPORT], ["score", "--bogus"]),
    "gitlab unknown option": (["gitlab", "--bogus", REPORT], ["gitlab", "--bogus"]),
    "option without its value": (["convert", REPORT, "--output"], ["--output"]),
    # sarifkit's own errors keep their single line too.
    "missing report file": (["convert", "no-such-report.json"], ["no-such-report.json"]),
}


@pytest.fixture(autouse=True)
def _repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for key in ("CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        monkeypatch.delenv(key, raising=False)


def _run_in_process(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False, prog_name="sarifkit")
    return result.exit_code, result.stdout, result.stderr


def _run_process(args: list[str]) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CI_")}
    proc = subprocess.run(
        [sys.executable, "-m", "sarifkit", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


RUNNERS = {"cli-runner": _run_in_process, "subprocess": _run_process}


def _assert_one_line(code: int, stdout: str, stderr: str, expected: list[str]) -> None:
    assert code == 2, (code, stdout, stderr)
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("sarifkit: error: "), lines[0]
    for text in expected:
        assert text in lines[0], (text, lines[0])
    assert "Usage:" not in stderr and "Traceback" not in stderr


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_usage_error_is_one_line_exit_2(case: str, runner: str) -> None:
    args, expected = USAGE_ERRORS[case]
    _assert_one_line(*RUNNERS[runner](args), expected)


@pytest.mark.parametrize("runner", RUNNERS)
def test_usage_error_leaves_no_output_file(runner: str, tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    code, stdout, stderr = RUNNERS[runner](["convert", "--format", "xml", "-o", str(out), REPORT])
    _assert_one_line(code, stdout, stderr, ["--format"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(
    "args", [["--help"], ["-h"], ["gate", "--help"], ["convert", "-h"], ["score", "--help"]]
)
def test_help_exits_0(args: list[str], runner: str) -> None:
    code, stdout, stderr = RUNNERS[runner](args)
    assert code == 0, stderr
    assert stdout.startswith("Usage: sarifkit") and stderr == ""


@pytest.mark.parametrize("runner", RUNNERS)
def test_version_exits_0(runner: str) -> None:
    code, stdout, _ = RUNNERS[runner](["--version"])
    assert code == 0
    assert stdout.startswith("sarifkit, version ")


@pytest.mark.parametrize("runner", RUNNERS)
def test_bare_command_prints_help(runner: str) -> None:
    # Click's own behaviour for a group run without a command: its help, not an error line.
    code, stdout, stderr = RUNNERS[runner]([])
    assert code in (0, 2)
    assert "Commands:" in stdout + stderr and "convert" in stdout + stderr
    assert "sarifkit: error:" not in stdout + stderr


GATE_REPORTS = "fixtures/gate/reports"


@pytest.mark.parametrize("runner", RUNNERS)
def test_gate_exit_codes_unchanged(runner: str) -> None:
    blocked = [
        "gate",
        "fixtures/bandit/bandit-1.9.4-sample-app.json",
        f"{GATE_REPORTS}/coverage-80.xml",
        "--environment",
        "production",
        "--today",
        "2025-05-01",
    ]
    code, stdout, stderr = RUNNERS[runner](blocked)
    assert code == 1, stderr
    assert "verdict: BLOCKED" in stdout and stderr == ""
    approved = [
        "gate",
        f"{GATE_REPORTS}/bandit-low-only.json",
        f"{GATE_REPORTS}/coverage-90.xml",
        REPORT,
        f"{GATE_REPORTS}/trivy-fs-django.json",
        "--environment",
        "staging",
        "--policy",
        "fixtures/gate/policies/sarifkit.toml",
        "--today",
        "2025-05-01",
    ]
    code, stdout, stderr = RUNNERS[runner](approved)
    assert code == 0, stdout + stderr
    assert "verdict: APPROVED" in stdout
