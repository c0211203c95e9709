"""The SARIF reader: real Bandit SARIF, hand-written logs in other tools' shapes, the samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    FIXTURES,
    assert_convert_rejects,
    assert_valid_sarif,
    convert_log,
    parse_fixture,
    run_cli,
    run_result_counts,
    sample_count,
    sample_files,
    sarif_result_count,
)
from sarifkit.parsers import detect, parse_paths
from sarifkit.parsers.sarif import SarifParser

from sarifkit.model import (
    CodeLocation,
    Confidence,
    FindingStatus,
    PackageLocation,
    ScanKind,
    Severity,
    WebLocation,
)
from sarifkit.source import Source

SARIF_DIR = FIXTURES / "sarif"
SARIF_FIXTURES = sorted(SARIF_DIR.glob("*.sarif"))
MALFORMED = SARIF_DIR / "malformed"

# Results per run, counted by hand from each fixture (the tests below also recount the raw JSON).
EXPECTED_RUNS = {
    "bandit-1.9.4-clean.sarif": [0],
    "bandit-1.9.4-sample-app.sarif": [14],
    "gitleaks-style-secrets.sarif": [2],
    "multi-run-extensions-codeflows.sarif": [5, 4],
    "trivy-style-image.sarif": [5],
    "zap-style-web.sarif": [4],
}


def _raw_counts(path: Path) -> list[int]:
    log = json.loads(path.read_text(encoding="utf-8"))
    return [len(run.get("results") or []) for run in log["runs"]]


def _scans(name: str) -> list[Any]:
    return parse_paths([str(SARIF_DIR / name)])


def test_every_fixture_has_an_expected_count() -> None:
    assert sorted(EXPECTED_RUNS) == [p.name for p in SARIF_FIXTURES]


@pytest.mark.parametrize("path", SARIF_FIXTURES, ids=lambda p: p.name)
def test_fixture_model_snapshot(path: Path, json_snapshot: object) -> None:
    scans = parse_fixture(path)
    assert [len(s.findings) for s in scans] == _raw_counts(path) == EXPECTED_RUNS[path.name]
    assert [s.model_dump(mode="json") for s in scans] == json_snapshot


@pytest.mark.parametrize("path", SARIF_FIXTURES, ids=lambda p: p.name)
def test_fixture_sarif_snapshot(path: Path, json_snapshot: object) -> None:
    log = convert_log(path)
    # Every result of every run survives, run by run.
    assert run_result_counts(log) == _raw_counts(path)
    assert log == json_snapshot


@pytest.mark.parametrize("path", SARIF_FIXTURES, ids=lambda p: p.name)
def test_output_is_deterministic_and_reads_back_the_same(path: Path, tmp_path: Path) -> None:
    first, second, again = tmp_path / "1.sarif", tmp_path / "2.sarif", tmp_path / "3.sarif"
    assert run_cli(["convert", str(path), "-o", str(first)]).exit_code == 0
    assert run_cli(["convert", str(path), "-o", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    # sarifkit reading its own SARIF gives the same results back.
    assert run_cli(["convert", str(first), "-o", str(again)]).exit_code == 0
    before, after = json.loads(first.read_text()), json.loads(again.read_text())
    assert [r["results"] for r in after["runs"]] == [r["results"] for r in before["runs"]]
    assert [r["tool"] for r in after["runs"]] == [r["tool"] for r in before["runs"]]


def test_real_bandit_sarif() -> None:
    (scan,) = _scans("bandit-1.9.4-sample-app.sarif")
    assert scan.tool.name == "Bandit" and scan.tool.version == "1.9.4"
    assert scan.tool.vendor == "PyCQA" and scan.kind is ScanKind.SAST
    assert scan.notifications[0].path == "sample_app/legacy.py"
    assert scan.notifications[0].level == "error"
    shell = next(f for f in scan.findings if f.rule_id == "B602")
    assert shell.severity is Severity.HIGH and shell.confidence is Confidence.HIGH
    assert "CWE-78" in shell.identifier_values("cwe")
    loc = shell.locations[0]
    assert isinstance(loc, CodeLocation) and loc.path == "sample_app/views.py"
    assert loc.start_line == 11 and loc.snippet is not None and "shell=True" in loc.snippet
    # Bandit writes no level for MEDIUM results: SARIF's default, warning, is medium.
    medium = [f for f in scan.findings if f.properties["issue_severity"] == "MEDIUM"]
    assert medium and all(f.severity is Severity.MEDIUM for f in medium)
    assert {r.id for r in scan.rules} >= {"B602", "B608", "B110"}
    assert next(r for r in scan.rules if r.id == "B602").cwes == [78]


def test_rules_from_extensions_by_index_and_by_id() -> None:
    codeql, _ = _scans("multi-run-extensions-codeflows.sarif")
    assert codeql.tool.name == "CodeQL" and codeql.tool.version == "2.17.6"
    ids = [f.rule_id for f in codeql.findings]
    assert ids == [
        "py/sql-injection",
        "py/path-injection",  # ruleIndex + rule.toolComponent.index only
        "py/clear-text-logging-sensitive-data",
        "py/weak-sensitive-data-hashing",  # rule.id + toolComponent, no index
        "py/flask-debug",
    ]
    assert [r.id for r in codeql.rules][:2] == ["py/sql-injection", "py/path-injection"]
    sql = codeql.findings[0]
    # message id + arguments formatted from the rule's messageStrings
    assert sql.title == "This SQL query depends on a [user-provided value](1)."
    assert sql.severity is Severity.HIGH  # security-severity 8.8
    assert sql.identifier_values("cwe") == ["CWE-89"]
    # CWE only through a relationship to the run's CWE taxonomy
    assert codeql.findings[2].identifier_values("cwe") == ["CWE-312"]


def test_locations_bases_related_and_code_flows() -> None:
    codeql, semgrep = _scans("multi-run-extensions-codeflows.sarif")
    sql, path = codeql.findings[0], codeql.findings[1]
    assert sql.locations[0] == CodeLocation(
        path="app/db.py", start_line=21, end_line=21, start_column=23, end_column=68
    )
    assert sql.properties["uriBaseId"] == "%SRCROOT%"
    assert codeql.properties["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert [loc.path for loc in sql.code_flows[0]] == ["app/views.py", "app/views.py", "app/db.py"]  # type: ignore[union-attr]
    assert sql.related_locations[0].message == "user-provided value"
    # a location given by artifact index only
    assert path.locations[0].path == "app/views.py"  # type: ignore[union-attr]
    # percent-encoded uris are decoded; absolute file paths stay absolute
    assert semgrep.findings[0].locations[0].path == "app/calc tools.py"  # type: ignore[union-attr]
    assert semgrep.findings[3].locations[0].path == "/opt/build/shop/setup.cfg"  # type: ignore[union-attr]


def test_suppressions_baseline_and_kinds() -> None:
    codeql, semgrep = _scans("multi-run-extensions-codeflows.sarif")
    new, unchanged, accepted, under_review, passed = codeql.findings
    assert new.baseline_state == "new" and new.status is FindingStatus.OPEN
    assert unchanged.baseline_state == "unchanged"
    assert accepted.status is FindingStatus.SUPPRESSED
    assert accepted.suppressions[0].kind == "in_source"
    assert (
        accepted.suppressions[0].justification == "Dev-only logger, stripped from release builds."
    )
    # under review: not suppressed; baselineState absent: gone since the baseline
    assert under_review.suppressions[0].status == "under_review"
    assert under_review.status is FindingStatus.FIXED and under_review.baseline_state == "absent"
    # kind pass: kept, info, suppressed with the reason
    assert passed.severity is Severity.INFO and passed.status is FindingStatus.SUPPRESSED
    assert passed.suppressions[0].justification is not None
    assert "'pass'" in passed.suppressions[0].justification
    assert passed.properties["kind"] == "pass"
    rejected = semgrep.findings[2]
    assert rejected.suppressions[0].status == "rejected" and rejected.is_open
    not_applicable = semgrep.findings[3]
    assert not_applicable.status is FindingStatus.SUPPRESSED and not_applicable.properties["rank"]


def test_hierarchical_rule_id_falls_back_to_its_base() -> None:
    _, semgrep = _scans("multi-run-extensions-codeflows.sarif")
    finding = semgrep.findings[1]
    base = "python.lang.security.audit.eval-detected.eval-detected"
    assert finding.rule_id == f"{base}/2"
    rule = semgrep.rule_map()[finding.rule_id]
    assert rule.properties["baseRuleId"] == base and rule.cwes == [95]
    assert finding.identifier_values("cwe") == ["CWE-95"]


def test_severity_precedence() -> None:
    _, semgrep = _scans("multi-run-extensions-codeflows.sarif")
    # the rule's numeric security-severity 9.1 beats the result's level "note"
    assert semgrep.findings[2].severity is Severity.CRITICAL
    # CWE tag written "CWE-95: ..." and "cwe-918"
    assert semgrep.rule_map()["python.django.security.injection.tainted-url-host"].cwes == [918]


def test_fingerprints_only_when_stable() -> None:
    codeql, semgrep = _scans("multi-run-extensions-codeflows.sarif")
    assert codeql.findings[0].fingerprint == "9a6b1e0c33f2d7a4:1"
    # Semgrep's "requires login" is the same for every result: sarifkit computes its own.
    first, second = semgrep.findings[0], semgrep.findings[1]
    assert first.properties["fingerprints"] == {"matchBasedId/v1": "requires login"}
    assert first.fingerprint != second.fingerprint and "login" not in first.fingerprint


def test_invocations() -> None:
    codeql, semgrep = _scans("multi-run-extensions-codeflows.sarif")
    assert codeql.successful and not semgrep.successful
    assert codeql.started_at is not None and codeql.started_at.isoformat().startswith(
        "2026-11-30T09:14"
    )
    assert codeql.ended_at is not None and codeql.ended_at > codeql.started_at
    assert [(n.level, n.path, n.line) for n in codeql.notifications] == [
        ("note", None, None),
        ("warning", "app/legacy.py", 3),
    ]
    assert semgrep.notifications[0].level == "error"


def test_zap_style_urls_are_web_locations() -> None:
    (scan,) = _scans("zap-style-web.sarif")
    assert scan.kind is ScanKind.DAST and scan.tool.name == "OWASP ZAP"
    xss = scan.findings[0]
    loc = xss.locations[0]
    assert isinstance(loc, WebLocation)
    assert loc.url.startswith("http://shop.test:8080/search?q=") and loc.method == "GET"
    assert loc.attack == "<script>alert(1)</script>"
    assert scan.findings[1].locations[0].method == "POST"  # type: ignore[union-attr]
    assert xss.identifier_values("cwe") == ["CWE-79"]
    assert xss.confidence is Confidence.MEDIUM
    assert scan.findings[3].severity is Severity.INFO  # level none
    assert "webResponse" in xss.properties


def test_trivy_style_image_packages() -> None:
    (scan,) = _scans("trivy-style-image.sarif")
    assert scan.kind is ScanKind.CONTAINER and scan.target == "python:3.12-alpine"
    critical = scan.findings[0]
    assert critical.severity is Severity.CRITICAL
    assert critical.identifier_values("cve") == ["CVE-2024-5535"]
    loc = critical.locations[0]
    assert isinstance(loc, PackageLocation)
    assert (loc.name, loc.version, loc.image) == ("libcrypto3", "3.1.4-r5", "python:3.12-alpine")
    assert critical.fix is not None and critical.fix.fixed_versions == ["3.1.6-r0"]
    assert critical.cvss[0].version == "3.1" and critical.cvss[0].score == 9.1
    assert scan.findings[3].identifier_values("ghsa") == ["GHSA-9wx4-h78v-vm56"]
    secret = scan.findings[4]
    assert isinstance(secret.locations[0], CodeLocation) and secret.locations[0].start_line == 4
    # two packages hit by one CVE keep distinct fingerprints
    assert len({f.fingerprint for f in scan.findings}) == len(scan.findings)


def test_secret_scanner_kind() -> None:
    (scan,) = _scans("gitleaks-style-secrets.sarif")
    assert scan.kind is ScanKind.SECRET
    assert scan.findings[0].properties["partialFingerprints"]["commitSha"]


def test_detected_without_tool_and_not_claiming_others() -> None:
    for path in SARIF_FIXTURES:
        assert detect(Source.read(path)).name == "sarif"
    for other in [*FIXTURES.glob("bandit/*.json"), *FIXTURES.glob("malformed/*.json")]:
        source = Source(str(other), other.read_bytes())
        assert not SarifParser.recognizes(source), other


@pytest.mark.parametrize(
    "doc",
    [
        {"version": "2.1.0", "runs": []},
        {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [],
        },
        {"version": "2.1.0-rtm.5", "runs": []},
    ],
)
def test_recognizes_sarif_shapes(doc: dict[str, Any]) -> None:
    assert SarifParser.recognizes(Source("x.sarif", json.dumps(doc).encode()))


@pytest.mark.parametrize(
    "doc",
    [
        {"version": "2.1.0", "results": []},
        {"SchemaVersion": 2, "Results": []},
        {"version": "3", "runs": "x"},
        [{"version": "2.1.0", "runs": []}],
    ],
)
def test_does_not_claim_other_json(doc: object) -> None:
    assert not SarifParser.recognizes(Source("x.json", json.dumps(doc).encode()))


def test_result_without_location_keeps_a_stand_in() -> None:
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "Custom"}},
                "results": [
                    {"ruleId": "X1", "message": {"text": "m"}, "analysisTarget": {"uri": "a.py"}},
                    {
                        "ruleId": "X1",
                        "message": {"text": "n"},
                        "locations": [{"logicalLocations": [{"name": "f"}]}],
                    },
                ],
            }
        ],
    }
    (scan,) = SarifParser().parse(Source("x.sarif", json.dumps(log).encode()))
    assert scan.findings[0].locations[0].path == "a.py"  # type: ignore[union-attr]
    assert scan.findings[1].locations == []
    assert scan.findings[1].properties["locations"][0]["logicalLocations"]
    assert scan.rules[0].id == "X1" and scan.findings[0].severity is Severity.MEDIUM


MALFORMED_CASES = [
    ("runs-not-a-list.sarif", "'runs' is not a list"),
    ("version-1.0.0.sarif", "SARIF version '1.0.0' is not supported"),
    ("result-without-message.sarif", "runs[0].results[1] has no message text"),
    ("truncated.sarif", "is not valid JSON"),
    ("run-without-driver.sarif", "runs[0].tool.driver has no name"),
    ("results-not-a-list.sarif", "runs[0].results is not a list"),
    ("rule-index-out-of-range.sarif", "ruleIndex 7 names no rule"),
]


@pytest.mark.parametrize(("name", "message"), MALFORMED_CASES, ids=[c[0] for c in MALFORMED_CASES])
@pytest.mark.parametrize("args", [[], ["--tool", "sarif"]], ids=["detected", "tool"])
def test_malformed_is_one_line_and_exit_2(
    name: str, message: str, args: list[str], tmp_path: Path
) -> None:
    assert_convert_rejects(MALFORMED / name, args, message, tmp_path)


SHARED_SARIF = [*sample_files("bandit", "*.sarif"), *sample_files("trivy", "*.sarif.json")]


@pytest.mark.parametrize("path", SHARED_SARIF, ids=lambda p: p.name)
def test_shared_samples_convert_with_every_result(
    path: Path, sarif_schema_validator: object
) -> None:
    assert detect(Source.read(path)).name == "sarif"
    log = convert_log(path)
    assert_valid_sarif(sarif_schema_validator, log)
    assert run_result_counts(log) == _raw_counts(path)
    assert sarif_result_count(log) == sample_count(path)


def test_shared_samples_are_found(samples: Path) -> None:
    assert len(SHARED_SARIF) == 2
