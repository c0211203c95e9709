"""Merging scans: each metric merges by what it measures, and the caller's scans stay as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import FIXTURES, run_cli
from sarifkit.parsers import parse_paths

from sarifkit.merge import merge_metrics, merge_scans, metric_rule
from sarifkit.model import CodeLocation, Finding, Scan, ScanKind, Severity, Tool

COVERAGE_80 = FIXTURES / "gate" / "reports" / "coverage-80.xml"
COVERAGE_90 = FIXTURES / "gate" / "reports" / "coverage-90.xml"
BANDIT = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
SHIFTED = FIXTURES / "baseline" / "bandit-1.9.4-sample-app-shifted.json"


def _raw_lines(path: Path) -> tuple[int, int]:
    """Return (lines-covered, lines-valid) as the Cobertura file's root element states them."""
    from xml.etree import ElementTree

    root = ElementTree.parse(path).getroot()
    return int(root.get("lines-covered", "")), int(root.get("lines-valid", ""))


def test_two_cobertura_runs_merge_to_a_coverage_of_their_lines() -> None:
    scans = parse_paths([str(COVERAGE_80), str(COVERAGE_90)])
    assert [s.metrics["coverage"] for s in scans] == [80.0, 90.0]
    (merged,) = merge_scans(scans)
    covered = sum(_raw_lines(p)[0] for p in (COVERAGE_80, COVERAGE_90))
    valid = sum(_raw_lines(p)[1] for p in (COVERAGE_80, COVERAGE_90))
    assert merged.metrics["lines_covered"] == covered
    assert merged.metrics["lines_valid"] == valid
    assert merged.metrics["coverage"] == pytest.approx(100 * covered / valid)
    assert merged.metrics["line_rate"] == pytest.approx(covered / valid)
    assert 0 <= merged.metrics["coverage"] <= 100


def test_merge_command_writes_a_coverage_within_0_and_100(tmp_path: Path) -> None:
    out = tmp_path / "merged.sarif"
    result = run_cli(["merge", str(COVERAGE_80), str(COVERAGE_90), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    (run,) = json.loads(out.read_text())["runs"]
    assert run["properties"]["metrics"]["coverage"] == pytest.approx(85.0)


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("coverage", "min"),
        ("line_coverage", "min"),
        ("new_coverage", "min"),
        ("line_rate", "min"),
        ("branch_rate", "min"),
        ("comment_lines_density", "min"),
        ("security_hotspots_reviewed", "min"),
        ("tool.pass_percent", "min"),
        ("duplicated_lines_density", "max"),
        ("new_duplicated_lines_density", "max"),
        ("sqale_debt_ratio", "max"),
        ("security_rating", "max"),
        ("lines_valid", "sum"),
        ("code_smells", "sum"),
        ("sqale_index", "sum"),
        ("bandit.loc", "sum"),
        ("zap.alerts", "sum"),
    ],
)
def test_metric_rules(name: str, rule: str) -> None:
    assert metric_rule(name) == rule


def test_rates_without_counts_take_the_conservative_figure() -> None:
    first = {"coverage": 92.0, "duplicated_lines_density": 3.0, "security_rating": 1.0, "bugs": 2}
    other = {"coverage": 71.5, "duplicated_lines_density": 7.5, "security_rating": 4.0, "bugs": 3}
    assert merge_metrics(first, other) == {
        "coverage": 71.5,
        "duplicated_lines_density": 7.5,
        "security_rating": 4.0,
        "bugs": 5,
    }


def test_a_metric_on_one_side_only_is_kept_as_is() -> None:
    assert merge_metrics({"coverage": 60.0}, {"ncloc": 10.0}) == {"coverage": 60.0, "ncloc": 10.0}


def test_coverage_is_recomputed_only_when_both_sides_count_lines() -> None:
    counted = {"coverage": 50.0, "lines_covered": 5.0, "lines_valid": 10.0}
    assert merge_metrics(counted, {"coverage": 90.0})["coverage"] == 50.0
    both = merge_metrics(counted, {"coverage": 100.0, "lines_covered": 30.0, "lines_valid": 30.0})
    assert both["coverage"] == pytest.approx(87.5)
    # No lines to cover on either side: nothing to divide by, so the lower figure stands.
    empty = {"coverage": 100.0, "lines_covered": 0.0, "lines_valid": 0.0}
    assert merge_metrics(empty, {**empty, "coverage": 0.0})["coverage"] == 0.0


def test_three_cobertura_scans_merge_to_the_coverage_of_all_their_lines() -> None:
    scans = [
        Scan(
            tool=Tool(name="Cobertura"),
            kind=ScanKind.COVERAGE,
            source=f"c{n}.xml",
            metrics={
                "coverage": 100.0 * covered / valid,
                "lines_covered": covered,
                "lines_valid": valid,
            },
        )
        for n, (covered, valid) in enumerate([(1.0, 4.0), (3.0, 4.0), (8.0, 8.0)])
    ]
    (merged,) = merge_scans(scans)
    assert merged.metrics["coverage"] == pytest.approx(75.0)


def _scan(tool: str, prints: list[str]) -> Scan:
    return Scan(
        tool=Tool(name=tool),
        kind=ScanKind.SAST,
        source=f"{tool}.json",
        metrics={"coverage": 90.0, "findings": float(len(prints))},
        findings=[
            Finding(
                rule_id="R",
                title="t",
                severity=Severity.LOW,
                locations=[CodeLocation(path="a.py", start_line=n + 1)],
                fingerprint=fp,
            )
            for n, fp in enumerate(prints)
        ],
    )


def test_merge_leaves_the_input_scans_and_findings_unchanged() -> None:
    # Repeated fingerprints across the two scans get occurrence counters in the merged scan.
    scans = [_scan("A", ["x", "y", "y:2"]), _scan("A", ["x", "y"]), _scan("B", ["x"])]
    before = [scan.model_dump(mode="json") for scan in scans]
    ids = [[id(f) for f in scan.findings] for scan in scans]
    merged = merge_scans(scans)
    assert [f.fingerprint for f in merged[0].findings] == ["x", "y", "y:2", "x:2", "y:3"]
    assert [scan.model_dump(mode="json") for scan in scans] == before
    assert [[id(f) for f in scan.findings] for scan in scans] == ids
    # The merged scan owns its findings: changing them does not reach the inputs.
    merged[0].findings[0].baseline_state = "new"
    assert scans[0].findings[0].baseline_state is None


def test_merging_real_reports_twice_gives_the_same_fingerprints() -> None:
    scans = parse_paths([str(BANDIT), str(SHIFTED)])
    before = [[f.fingerprint for f in scan.findings] for scan in scans]
    first = [f.fingerprint for f in merge_scans(scans)[0].findings]
    second = [f.fingerprint for f in merge_scans(scans)[0].findings]
    assert first == second and len(set(first)) == len(first)
    assert [[f.fingerprint for f in scan.findings] for scan in scans] == before
