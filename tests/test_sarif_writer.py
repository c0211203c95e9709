"""The SARIF writer on hand-built scans: cases no fixture reaches."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from helpers import assert_valid_sarif

from sarifkit.fingerprint import assign_fingerprints
from sarifkit.model import Finding, Scan, ScanKind, Severity, Tool
from sarifkit.writers.sarif import write_sarif


def _log(scan: Scan) -> dict[str, Any]:
    assign_fingerprints(scan)
    out = io.BytesIO()
    write_sarif([scan], out)
    return json.loads(out.getvalue())


def _scan(*findings: Finding) -> Scan:
    return Scan(
        tool=Tool(name="Example", version="1.0"),
        kind=ScanKind.SAST,
        source="reports/example.json",
        findings=list(findings),
    )


def _unlocated_log() -> dict[str, Any]:
    return _log(_scan(Finding(rule_id="R1", title="Project-level problem.", severity=Severity.LOW)))


def test_a_finding_without_location_points_at_its_report() -> None:
    (result,) = _unlocated_log()["runs"][0]["results"]
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "reports/example.json"
    assert "locationsNotShown" not in result["properties"]


def test_a_finding_without_location_is_schema_valid(sarif_schema_validator: object) -> None:
    assert_valid_sarif(sarif_schema_validator, _unlocated_log())


def test_a_finding_without_location_passes_multitool(tmp_path: Path, multitool_errors: Any) -> None:
    path = tmp_path / "log.sarif"
    path.write_text(json.dumps(_unlocated_log()))
    assert multitool_errors(path) == []


def test_an_undeclared_rule_still_gets_a_descriptor() -> None:
    log = _log(_scan(Finding(rule_id="R9", title="Something.", severity=Severity.HIGH)))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["R9"]
    assert rules[0]["shortDescription"]["text"] and rules[0]["help"]["text"]
    assert rules[0]["properties"]["security-severity"] == "8.0"
