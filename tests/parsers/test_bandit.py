"""The Bandit parser: fixtures from real Bandit runs, the shared samples, snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import (
    FIXTURES,
    assert_valid_sarif,
    convert_log,
    parse_fixture,
    sample_count,
    sample_files,
    sarif_result_count,
)
from sarifkit.parsers import parse_paths

from sarifkit.model import Confidence, Severity

BANDIT_FIXTURES = sorted((FIXTURES / "bandit").glob("bandit-*.json"))


def _raw_results(path: Path) -> list[dict[str, object]]:
    return json.loads(path.read_text(encoding="utf-8"))["results"]


@pytest.mark.parametrize("path", BANDIT_FIXTURES, ids=lambda p: p.name)
def test_fixture_model_snapshot(path: Path, json_snapshot: object) -> None:
    (scan,) = parse_fixture(path)
    assert len(scan.findings) == len(_raw_results(path))
    assert scan.model_dump(mode="json") == json_snapshot


@pytest.mark.parametrize("path", BANDIT_FIXTURES, ids=lambda p: p.name)
def test_fixture_sarif_snapshot(path: Path, json_snapshot: object) -> None:
    log = convert_log(path)
    assert sarif_result_count(log) == len(_raw_results(path))
    assert log == json_snapshot


def test_fields_are_mapped() -> None:
    scan = parse_paths([str(FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json")])[0]
    assert scan.tool.name == "Bandit" and scan.tool.version == "1.9.4"
    assert scan.notifications and scan.notifications[0].path == "sample_app/broken.py"
    assert scan.metrics["bandit.loc"] > 0
    shell = next(f for f in scan.findings if f.rule_id == "B602")
    assert shell.severity is Severity.HIGH and shell.confidence is Confidence.HIGH
    assert "CWE-78" in shell.identifier_values("cwe")
    loc = shell.locations[0]
    assert loc.kind == "code" and loc.path == "sample_app/handlers.py" and loc.start_line == 10
    assert loc.snippet is not None and "shell=True" in loc.snippet
    multi = next(f for f in scan.findings if len(f.properties["line_range"]) > 1)
    assert multi.locations[0].end_line == multi.properties["line_range"][-1]  # type: ignore[union-attr]


def test_xml_report_gives_the_json_reports_findings() -> None:
    xml_path = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.xml"
    json_path = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
    (from_xml,) = parse_fixture(xml_path)
    (from_json,) = parse_fixture(json_path)
    assert from_xml.tool == from_json.tool
    assert (
        len(from_xml.findings) == xml_path.read_text().count("<testcase") == len(from_json.findings)
    )
    # The XML has no line ranges: each finding sits on the JSON result's `line_number`.
    expected = sorted(
        (
            r["test_id"],
            r["issue_severity"].lower(),
            r["issue_confidence"].lower(),
            r["filename"],
            r["line_number"],
            f"CWE-{r['issue_cwe']['id']}",
        )  # fmt: skip
        for r in _raw_results(json_path)
    )
    found = sorted(
        (
            f.rule_id,
            f.severity.value,
            f.confidence.value,
            f.locations[0].path,
            f.locations[0].start_line,
            *f.identifier_values("cwe"),
        )  # fmt: skip
        for f in from_xml.findings
    )
    assert found == expected


def test_xml_model_and_sarif_snapshot(json_snapshot: object) -> None:
    path = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.xml"
    (scan,) = parse_fixture(path)
    log = convert_log(path)
    assert sarif_result_count(log) == len(scan.findings)
    assert {"model": scan.model_dump(mode="json"), "sarif": log} == json_snapshot


def test_old_bandit_without_cwe_or_columns() -> None:
    path = FIXTURES / "bandit" / "bandit-1.6.2-sample-app.json"
    scan = parse_paths([str(path)])[0]
    assert all(not f.identifier_values("cwe") for f in scan.findings)
    assert all(f.locations[0].start_column is None for f in scan.findings)  # type: ignore[union-attr]


def test_fingerprints_are_unique_and_stable() -> None:
    path = str(FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json")
    first = [f.fingerprint for f in parse_paths([path])[0].findings]
    second = [f.fingerprint for f in parse_paths([path])[0].findings]
    assert first == second
    assert len(set(first)) == len(first)


@pytest.mark.parametrize("path", sample_files("bandit", "*.json"), ids=lambda p: p.name)
def test_shared_samples_convert_with_every_result(
    path: Path, sarif_schema_validator: object
) -> None:
    log = convert_log(path)
    assert_valid_sarif(sarif_schema_validator, log)
    assert sarif_result_count(log) == len(_raw_results(path)) == sample_count(path)


@pytest.mark.parametrize("path", sample_files("bandit", "*.xml"), ids=lambda p: p.name)
def test_shared_xml_samples_convert_with_every_test_case(path: Path) -> None:
    log = convert_log(path)
    cases = path.read_text(encoding="utf-8").count("<testcase")
    assert sarif_result_count(log) == cases == sample_count(path)
