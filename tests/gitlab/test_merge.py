"""``sarifkit merge`` and the SARIF upload limits (runs, results, messages)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    FIXTURES,
    assert_valid_sarif,
    recognised_samples,
    run_cli,
    sarif_result_count,
)

from sarifkit.errors import OutputError
from sarifkit.merge import merge_scans
from sarifkit.model import CodeLocation, Finding, Scan, ScanKind, Severity, Tool
from sarifkit.writers.sarif import MAX_RUNS, check_limits

BANDIT = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
SHIFTED = FIXTURES / "baseline" / "bandit-1.9.4-sample-app-shifted.json"


def _scan(tool: str, findings: int = 1, kind: ScanKind = ScanKind.SAST, title: str = "t") -> Scan:
    return Scan(
        tool=Tool(name=tool),
        kind=kind,
        source=f"{tool}.json",
        findings=[
            Finding(
                rule_id="R",
                title=title,
                severity=Severity.LOW,
                locations=[CodeLocation(path="a.py", start_line=n + 1)],
                fingerprint=f"{tool}-{n}",
            )
            for n in range(findings)
        ],
    )


def _runs(log: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["tool"]["driver"]["name"], r["automationDetails"]["id"]) for r in log["runs"]]


def _merged(out: Path) -> dict[str, Any]:
    """Merge the Bandit fixture and its shifted copy into `out`; return the log."""
    result = run_cli(["merge", str(BANDIT), str(SHIFTED), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    log: dict[str, Any] = json.loads(out.read_text())
    return log


def test_merge_combines_runs_of_one_tool(tmp_path: Path) -> None:
    log = _merged(tmp_path / "merged.sarif")
    assert _runs(log) == [("Bandit", "bandit-sast/")]
    raw = sum(len(json.loads(p.read_text())["results"]) for p in (BANDIT, SHIFTED))
    assert sarif_result_count(log) == raw
    prints = [r["partialFingerprints"]["sarifkit/v1"] for r in log["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)
    assert log["runs"][0]["properties"]["tool"]["sources"] == [str(BANDIT), str(SHIFTED)]


def test_merged_log_is_schema_valid(tmp_path: Path, sarif_schema_validator: Any) -> None:
    assert_valid_sarif(sarif_schema_validator, _merged(tmp_path / "merged.sarif"))


def test_merge_passes_multitool(tmp_path: Path, multitool_errors: Any) -> None:
    out = tmp_path / "merged.sarif"
    _merged(out)
    assert multitool_errors(out) == []


def test_merge_to_stdout_is_deterministic() -> None:
    first = run_cli(["merge", str(BANDIT), str(SHIFTED)])
    second = run_cli(["merge", str(BANDIT), str(SHIFTED)])
    assert first.exit_code == 0 and first.stdout_bytes == second.stdout_bytes


def test_merge_does_not_change_the_callers_scans() -> None:
    scans = [_scan("A", 2), _scan("A", 3), _scan("B", 1)]
    merged = merge_scans(scans)
    assert [len(s.findings) for s in merged] == [5, 1]
    assert [len(s.findings) for s in scans] == [2, 3, 1]


def test_merge_keeps_scans_of_different_kinds_apart() -> None:
    merged = merge_scans([_scan("Trivy", kind=ScanKind.CONTAINER), _scan("Trivy")])
    assert len(merged) == 2


def test_merge_bad_input_exits_2_without_output(tmp_path: Path) -> None:
    out = tmp_path / "merged.sarif"
    bad = FIXTURES / "malformed" / "truncated.json"
    result = run_cli(["merge", str(BANDIT), str(bad), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert len(result.stderr.strip().splitlines()) == 1 and "truncated.json" in result.stderr


def test_merge_of_every_sample_passes_multitool(
    samples: Path, tmp_path: Path, multitool_errors: Any, sarif_schema_validator: Any
) -> None:
    inputs = recognised_samples()
    if not inputs:
        pytest.skip("no parser reads the samples yet")
    out = tmp_path / "all.sarif"
    result = run_cli(["merge", *map(str, inputs), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    log = json.loads(out.read_text())
    assert_valid_sarif(sarif_schema_validator, log)
    runs = _runs(log)
    assert len(runs) <= MAX_RUNS and len(set(runs)) == len(runs)
    assert len({category for _, category in runs}) == len(runs)
    assert multitool_errors(out) == []


def test_merge_reads_sarif_inputs(tmp_path: Path, multitool_errors: Any) -> None:
    from sarifkit.parsers import get_parser

    from sarifkit.source import Source

    first = tmp_path / "bandit.sarif"
    assert run_cli(["convert", str(BANDIT), "-o", str(first)]).exit_code == 0
    if not get_parser("sarif").recognizes(Source.read(first)):
        pytest.skip("the SARIF parser does not read SARIF yet")
    out = tmp_path / "merged.sarif"
    result = run_cli(["merge", str(first), str(SHIFTED), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    log = json.loads(out.read_text())
    assert sarif_result_count(log) == 36
    assert len(log["runs"]) == 1
    assert multitool_errors(out) == []


# --- limits --------------------------------------------------------------------------------


def test_over_twenty_runs_of_one_tool_are_merged(caplog: pytest.LogCaptureFixture) -> None:
    scans = [_scan("A") for _ in range(MAX_RUNS + 5)]
    with caplog.at_level(logging.WARNING):
        fitted = check_limits(scans)
    assert len(fitted) == 1 and len(fitted[0].findings) == MAX_RUNS + 5
    assert "over the 20 runs" in caplog.text


def test_over_twenty_distinct_runs_is_an_error() -> None:
    scans = [_scan(f"Tool{n}") for n in range(MAX_RUNS + 1)]
    with pytest.raises(OutputError, match="21 runs of distinct tools"):
        check_limits(scans)


def test_convert_merges_over_twenty_runs_of_one_tool(tmp_path: Path) -> None:
    inputs = []
    for n in range(MAX_RUNS + 1):
        doc = json.loads(BANDIT.read_text())
        path = tmp_path / f"b{n}.json"
        path.write_text(json.dumps(doc))
        inputs.append(str(path))
    out = tmp_path / "out.sarif"
    # The runs all share one tool, so they are merged into one, with a warning.
    result = run_cli(["convert", *inputs, "-o", str(out)])
    assert result.exit_code == 0
    assert len(json.loads(out.read_text())["runs"]) == 1
    assert "over the 20 runs" in result.stderr


def test_results_per_run_limits_are_warned(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        check_limits([_scan("Small", 5000), _scan("GitLabSize", 5001)])
    assert "GitLabSize" in caplog.text and "GitLab reads at most 5000" in caplog.text
    assert "Small" not in caplog.text


def test_github_result_limit_is_warned(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        check_limits([_scan("Huge", 25_001)])
    assert "GitHub rejects a run of over 25000 results" in caplog.text


def test_long_messages_are_cut_and_warned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        check_limits([_scan("Wordy", 2, title="w" * 3000)])
    assert "2 result messages over 2048 characters were cut" in caplog.text
