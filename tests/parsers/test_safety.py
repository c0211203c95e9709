"""The Safety parser: fixtures from real Safety runs, hand-written scan reports, shared samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    FIXTURES,
    assert_convert_rejects,
    assert_valid_sarif,
    case_ids,
    convert_log,
    parse_fixture,
    run_cli,
    sample_count,
    sample_files,
    sarif_result_count,
)
from sarifkit.parsers import parse_paths

from sarifkit import severity
from sarifkit.model import FindingStatus, Scan, Severity

SAFETY = FIXTURES / "safety"
SAFETY_FIXTURES = sorted(p for p in SAFETY.glob("safety-*") if p.suffix in (".json", ".txt"))
MALFORMED = SAFETY / "malformed"


def _raw_report(path: Path) -> Any:
    """Decode a report independently of the parser: the first JSON value in the file."""
    text = path.read_text(encoding="utf-8")
    start = min(i for i in (text.find("{"), text.find("[")) if i >= 0)
    return json.JSONDecoder().raw_decode(text[start:])[0]


def _raw_counts(path: Path) -> tuple[int, int]:
    """Return (every vulnerability, the ignored ones) as the raw report lists them."""
    doc = _raw_report(path)
    if isinstance(doc, list):
        return len(doc), 0
    if "scan_results" in doc:
        known = [
            vuln
            for project in doc["scan_results"]["projects"]
            for file in project["files"]
            for dep in file["results"]["dependencies"]
            for spec in dep["specifications"]
            for vuln in spec["vulnerabilities"]["known_vulnerabilities"]
        ]
        return len(known), sum(1 for vuln in known if vuln.get("ignored"))
    ignored = len(doc["ignored_vulnerabilities"])
    return len(doc["vulnerabilities"]) + ignored, ignored


def _parse(path: Path) -> Scan:
    scans = parse_paths([str(path)])
    assert len(scans) == 1
    return scans[0]


def _by_rule(scan: Scan, rule_id: str) -> Any:
    return next(f for f in scan.findings if f.rule_id == rule_id)


def test_every_variant_has_a_fixture() -> None:
    names = {p.name for p in SAFETY_FIXTURES}
    for expected in (
        "safety-1.8.7-check-5-tuples.json",
        "safety-1.10.3-check-7-tuples-cvss.json",
        "safety-2.3.5-check-ignored-by-id.json",
        "safety-2.3.5-check-policy-reason-expiry.json",
        "safety-2.3.5-check-empty.json",
        "safety-3.2.14-check-save-json-policy.json",
        "safety-3.2.14-check-stdout-banner.txt",
        "safety-3.2.14-scan-schema-3.0.json",
        "safety-3.2.14-scan-detailed-output.json",
    ):
        assert expected in names


@pytest.mark.parametrize("path", SAFETY_FIXTURES, ids=lambda p: p.name)
def test_fixture_model_snapshot(path: Path, json_snapshot: object) -> None:
    (scan,) = parse_fixture(path)
    total, ignored = _raw_counts(path)
    assert len(scan.findings) == total
    assert sum(1 for f in scan.findings if f.status is FindingStatus.SUPPRESSED) == ignored
    assert scan.model_dump(mode="json") == json_snapshot


@pytest.mark.parametrize("path", SAFETY_FIXTURES, ids=lambda p: p.name)
def test_fixture_sarif_snapshot(path: Path, json_snapshot: object) -> None:
    log = convert_log(path)
    total, ignored = _raw_counts(path)
    assert sarif_result_count(log) == total
    suppressed = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert len(suppressed) == ignored
    for res in suppressed:
        assert res["properties"]["status"] == "suppressed"
        assert all(s["status"] == "accepted" and s["justification"] for s in res["suppressions"])
    assert log == json_snapshot


def test_output_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.sarif", "b.sarif"):
        out = tmp_path / name
        paths = [str(p) for p in SAFETY_FIXTURES]
        assert run_cli(["convert", *paths, "-o", str(out)]).exit_code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_v1_lists_map_fields_and_cvss() -> None:
    plain = _parse(SAFETY / "safety-1.8.7-check-5-tuples.json")
    cvss = _parse(SAFETY / "safety-1.10.3-check-7-tuples-cvss.json")
    assert plain.tool.name == "Safety" and plain.kind.value == "dependency"
    # 1.8 carries no CVSS: every finding gets the documented default.
    assert {f.severity for f in plain.findings} == {Severity.MEDIUM}
    sql = _by_rule(cvss, "91002")
    assert sql.severity is Severity.CRITICAL  # cvssv3 base_severity
    assert [c.version for c in sql.cvss] == ["3.1", "2.0"]
    assert _by_rule(cvss, "91011").severity is Severity.HIGH  # cvssv2 7.5 only, v2 scale
    assert _by_rule(cvss, "91040").severity is Severity.MEDIUM  # no CVSS: default
    loc = sql.locations[0]
    assert (loc.name, loc.version, loc.purl) == ("django", "2.2.0", "pkg:pypi/django@2.2.0")
    assert loc.ecosystem == "pypi" and loc.manifest is None  # 1.x does not name the file
    assert sql.identifier_values("safety_id") == ["91002"]
    assert sql.properties["vulnerable_spec"] == ">=2.2a1,<2.2.4"
    assert sql.description == "Key transforms on JSONField allow SQL injection (local advisory)."


def test_check_2x_maps_fields() -> None:
    scan = _parse(SAFETY / "safety-2.3.5-check-policy-reason-expiry.json")
    assert scan.tool.version == "2.3.5"
    assert scan.started_at is not None and scan.started_at.tzinfo is not None
    assert scan.metrics["safety.vulnerabilities_ignored"] == 2
    assert {c.name.lower() for c in scan.components} >= {"django", "certifi"}
    assert "pkg:pypi/django@2.2.0" in {c.purl for c in scan.components}
    pillow = _by_rule(scan, "91011")
    assert pillow.severity is Severity.HIGH
    assert pillow.identifier_values("cve") == ["CVE-2021-34552"]
    assert pillow.fix is not None and pillow.fix.fixed_versions == ["8.3.0"]
    assert pillow.locations[0].manifest == "requirements.txt"  # type: ignore[union-attr]
    assert pillow.title == "pillow 8.0.0: Safety 91011 (CVE-2021-34552)"
    no_cve = _by_rule(scan, "91031")
    assert no_cve.identifier_values("cve") == [] and no_cve.severity is Severity.MEDIUM


def test_ignored_keep_reason_and_expiry() -> None:
    scan = _parse(SAFETY / "safety-2.3.5-check-policy-reason-expiry.json")
    sql = _by_rule(scan, "91002")
    assert sql.status is FindingStatus.SUPPRESSED and not sql.is_open
    assert sql.suppressions[0].justification == "JSONField lookups are not used by this service"
    assert sql.properties["ignored_expires"] == "2031-06-30 00:00:00"
    by_id = _parse(SAFETY / "safety-2.3.5-check-ignored-by-id.json")
    ignored = _by_rule(by_id, "91031")
    # `-i ID` gives no reason; the suppression still says why the finding does not count.
    assert ignored.status is FindingStatus.SUPPRESSED
    assert ignored.suppressions[0].justification == "Ignored in Safety (no reason given)"


def test_check_3x_list_spec_and_requirement_file() -> None:
    scan = _parse(SAFETY / "safety-3.2.14-check-save-json-policy.json")
    assert scan.tool.version == "3.2.14"
    finding = _by_rule(scan, "91001")
    assert finding.properties["vulnerable_spec"] == ["<2.2.2"]
    assert finding.locations[0].manifest == "/builds/example/app/requirements.txt"  # type: ignore[union-attr]
    assert finding.locations[0].message == "django 2.2.0 matches <2.2.2"


def test_banner_capture_reads_the_json_inside() -> None:
    banner = _parse(SAFETY / "safety-3.2.14-check-stdout-banner.txt")
    assert banner.tool.version == "3.2.14"
    assert len(banner.findings) == 8
    assert [f.rule_id for f in banner.findings if not f.is_open] == ["91031"]


def test_empty_report() -> None:
    scan = _parse(SAFETY / "safety-2.3.5-check-empty.json")
    assert scan.findings == [] and len(scan.components) == 2


def test_scan_schema_uses_default_severity_and_keeps_ignores() -> None:
    scan = _parse(SAFETY / "safety-3.2.14-scan-schema-3.0.json")
    assert scan.tool.version == "3.2.14" and scan.target == "/builds/example/app"
    assert {f.severity for f in scan.findings} == {severity.SAFETY_DEFAULT}
    manual = _by_rule(scan, "91002")
    assert manual.suppressions[0].justification == "JSONField lookups are not used by this service"
    assert manual.properties["ignored"]["expires"] == "2031-06-30"
    auto = _by_rule(scan, "91031")
    assert auto.suppressions[0].justification == "Ignored in Safety (unpinned-specification)"
    assert auto.locations[0].version is None  # type: ignore[union-attr]
    assert auto.title.startswith("paramiko (>=2.4,<2.5): ")
    sqlparse = _by_rule(scan, "91040")
    assert sqlparse.locations[0].manifest == "/builds/example/app/requirements-dev.txt"  # type: ignore[union-attr]


def test_scan_detailed_output_adds_cves_and_severity() -> None:
    scan = _parse(SAFETY / "safety-3.2.14-scan-detailed-output.json")
    tiff = _by_rule(scan, "91010")
    assert tiff.severity is Severity.CRITICAL and tiff.identifier_values("cve") == [
        "CVE-2021-25289"
    ]
    assert tiff.description is not None and "TIFF" in tiff.description
    assert _by_rule(scan, "91011").severity is Severity.HIGH  # cvssv2 only
    assert _by_rule(scan, "91040").severity is Severity.MEDIUM  # "Unknown": default


def test_empty_v1_list_with_tool(tmp_path: Path) -> None:
    path = tmp_path / "safety.json"
    path.write_text("[]\n")
    result = run_cli(["convert", "--tool", "safety", str(path)])
    assert result.exit_code == 0, result.stderr
    assert sarif_result_count(json.loads(result.stdout)) == 0


# (file under fixtures/safety/malformed, extra CLI args, text the one stderr line must contain)
MALFORMED_CASES = [
    ("list-wrong-arity.json", [], "item 2 has 3 fields; Safety 1.x writes 5 or 7"),
    ("list-item-not-list.json", [], "item 2 is not a list"),
    ("list-item-without-id.json", [], "item 1: advisory id is missing"),
    ("vulnerabilities-not-list.json", [], "'vulnerabilities' is not a list"),
    ("ignored-not-list.json", [], "'ignored_vulnerabilities' is not a list"),
    ("vulnerability-not-object.json", [], "vulnerabilities[1] is not an object"),
    ("vulnerability-without-id.json", [], "vulnerabilities[1]: vulnerability_id is missing"),
    ("report-meta-not-object.json", [], "'report_meta' is not an object"),
    ("scan-projects-not-list.json", [], "'scan_results.projects' or 'scan_results.files'"),
    ("scan-dependency-without-specifications.json", [], "has no 'specifications' list"),
    ("banner-without-json.txt", [], "no JSON report inside the text"),
    ("banner-truncated-json.txt", [], "the JSON report inside the text is truncated"),
    ("banner-invalid-json.txt", [], "the JSON report inside the text is invalid"),
    ("truncated.json", [], "is not valid JSON"),
    ("truncated.json", ["--tool", "safety"], "is not valid JSON"),
]


@pytest.mark.parametrize(
    ("name", "args", "message"), MALFORMED_CASES, ids=case_ids(MALFORMED_CASES)
)
def test_bad_input_is_one_line_and_exit_2(
    name: str, args: list[str], message: str, tmp_path: Path
) -> None:
    assert_convert_rejects(MALFORMED / name, args, message, tmp_path)


def test_other_tool_with_tool_safety(tmp_path: Path) -> None:
    other = FIXTURES / "bandit" / "bandit-1.9.4-clean.json"
    message = "does not look like a Safety JSON report"
    assert_convert_rejects(other, ["--tool", "safety"], message, tmp_path)


@pytest.mark.parametrize("path", sample_files("safety"), ids=lambda p: p.name)
def test_shared_samples_convert_with_every_vulnerability(
    path: Path, sarif_schema_validator: object
) -> None:
    log = convert_log(path)
    assert_valid_sarif(sarif_schema_validator, log)
    total, ignored = _raw_counts(path)
    assert sarif_result_count(log) == total
    # The samples README counts `vulnerabilities` only and lists ignored ones apart
    # (count_findings.py): that is sarifkit's open findings; the ignored become suppressed ones.
    results = log["runs"][0]["results"]
    open_results = [r for r in results if not r.get("suppressions")]
    assert len(open_results) == sample_count(path)
    assert len(results) - len(open_results) == ignored


def test_shared_banner_sample_matches_its_save_json(samples: Path) -> None:
    banner = _parse(samples / "safety" / "safety-3.2.14-check-stdout-with-deprecation-banner.txt")
    saved = _parse(samples / "safety" / "safety-3.2.14-check-save-json.json")
    assert [f.fingerprint for f in banner.findings] == [f.fingerprint for f in saved.findings]
    assert len(banner.findings) == 13
