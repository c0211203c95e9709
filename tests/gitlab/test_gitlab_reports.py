"""GitLab security reports (schema 15.2.1): routing, fields, limits, snapshots, the CLI."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES, REPO, assert_valid_gitlab, repo_relative, run_cli

from sarifkit.model import (
    CodeLocation,
    Cvss,
    Finding,
    PackageLocation,
    Scan,
    ScanBundle,
    ScanKind,
    Severity,
    Tool,
    WebLocation,
)
from sarifkit.writers import gitlab
from sarifkit.writers.gitlab import FILE_NAMES, build_reports

BUNDLES = sorted((FIXTURES / "gitlab").glob("*.json"))
BANDIT = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"


def _load(path: Path) -> list[Scan]:
    return ScanBundle.model_validate_json(path.read_bytes()).scans


def _routable_open(scans: list[Scan]) -> int:
    return sum(
        1
        for scan in scans
        for f in scan.findings
        if f.is_open and scan.kind not in (ScanKind.LICENSE, ScanKind.COVERAGE)
    )


@pytest.fixture(autouse=True)
def _no_ci_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI_COMMIT_SHA", "SOURCE_DATE_EPOCH", "CI_PROJECT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name)
def test_fixture_reports_match_snapshot(path: Path, json_snapshot: Any) -> None:
    scans = _load(path)
    reports = build_reports(scans)
    for kind, report in reports.items():
        assert report["version"] == "15.2.1" and report["scan"]["type"] == kind
    assert sum(len(r["vulnerabilities"]) for r in reports.values()) == _routable_open(scans)
    assert reports == json_snapshot


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name)
def test_fixture_reports_are_schema_valid(
    path: Path, gitlab_schema_validator: Callable[[str], Any]
) -> None:
    for kind, report in build_reports(_load(path)).items():
        assert_valid_gitlab(gitlab_schema_validator, kind, report)


def test_routing_by_scan_kind_and_location() -> None:
    reports = build_reports([s for p in BUNDLES for s in _load(p)])
    assert list(reports) == [
        "sast",
        "dependency_scanning",
        "container_scanning",
        "dast",
        "secret_detection",
    ]
    names = {k: [v["name"] for v in r["vulnerabilities"]] for k, r in reports.items()}
    # The Dockerfile misconfiguration of the image scan points at code, so it goes to SAST.
    assert "No HEALTHCHECK defined" in names["sast"]
    assert "No HEALTHCHECK defined" not in names["container_scanning"]
    assert "GPL-3.0 licence in libfoo" not in [n for ns in names.values() for n in ns]


def test_only_open_findings_become_vulnerabilities() -> None:
    reports = build_reports(_load(FIXTURES / "gitlab" / "dast.json"))
    names = [v["name"] for v in reports["dast"]["vulnerabilities"]]
    assert "Timestamp Disclosure - Unix" not in names and len(names) == 2


def test_empty_scan_still_writes_its_report() -> None:
    scan = Scan(tool=Tool(name="Bandit"), kind=ScanKind.SAST, source="b.json")
    reports = build_reports([scan])
    assert list(reports) == ["sast"] and reports["sast"]["vulnerabilities"] == []
    assert reports["sast"]["scan"]["scanner"]["version"] == "unknown"


def test_ids_are_stable_uuids_across_line_moves() -> None:
    def report(line: int) -> dict[str, Any]:
        loc = CodeLocation(path="a.py", start_line=line, snippet="eval(x)")
        finding = Finding(rule_id="B307", title="eval", severity=Severity.MEDIUM, locations=[loc])
        scan = Scan(tool=Tool(name="Bandit"), kind=ScanKind.SAST, source="b", findings=[finding])
        from sarifkit.fingerprint import assign_fingerprints

        assign_fingerprints(scan)
        return build_reports([scan])["sast"]["vulnerabilities"][0]

    first, moved = report(5), report(15)
    assert first["id"] == moved["id"] and len(first["id"]) == 36
    assert first["location"]["start_line"] == 5 and moved["location"]["start_line"] == 15


def test_primary_identifier_is_the_rule_level_one() -> None:
    reports = build_reports([s for p in BUNDLES for s in _load(p)])
    firsts = {
        v["name"]: v["identifiers"][0] for r in reports.values() for v in r["vulnerabilities"]
    }
    assert firsts["subprocess call with shell=True identified, security issue."] == {
        "type": "bandit_test_id",
        "name": "B602",
        "value": "B602",
        "url": "https://bandit.readthedocs.io/en/1.9.4/plugins/b602.html",
    }
    assert firsts["sqlparse 0.4.3: ReDoS in parser"]["value"] == "CVE-2023-30608"
    # No identifier names the rule: one is made from the rule id under the tool's name.
    assert firsts["jinja2 2.10: sandbox escape"]["type"] == "safety_id"
    assert firsts["GitHub Personal Access Token"] == {
        "type": "trivy_rule_id",
        "name": "github-pat",
        "value": "github-pat",
    }


def test_cwe_identifiers_use_gitlab_form() -> None:
    reports = build_reports(_load(FIXTURES / "gitlab" / "sast-and-iac.json"))
    cwe = reports["sast"]["vulnerabilities"][0]["identifiers"][1]
    assert cwe == {
        "type": "cwe",
        "name": "CWE-78",
        "value": "78",
        "url": "https://cwe.mitre.org/data/definitions/78.html",
    }


def test_identifiers_are_capped_at_twenty(caplog: pytest.LogCaptureFixture) -> None:
    from sarifkit.model import Identifier

    idents = [Identifier(type="cve", value=f"CVE-2024-{n:04d}") for n in range(30)]
    finding = Finding(rule_id="R1", title="t", severity=Severity.LOW, identifiers=idents)
    scan = Scan(tool=Tool(name="T"), kind=ScanKind.SAST, source="s", findings=[finding])
    with caplog.at_level(logging.WARNING):
        vuln = build_reports([scan])["sast"]["vulnerabilities"][0]
    assert len(vuln["identifiers"]) == 20 and vuln["identifiers"][0]["value"] == "R1"
    assert "over 20 identifiers" in caplog.text


def test_cvss_vectors_keep_only_v2_and_v3(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        reports = build_reports(_load(FIXTURES / "gitlab" / "dependency.json"))
    vuln = reports["dependency_scanning"]["vulnerabilities"][0]
    assert vuln["cvss_vectors"] == [
        {"vendor": "nvd", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}
    ]
    assert "CVSS vectors were left out" in caplog.text
    assert vuln["links"] == [{"url": "https://nvd.nist.gov/vuln/detail/CVE-2023-30608"}]
    assert vuln["solution"] == "Upgrade to a fixed version: 0.4.4."


def test_severities_are_capitalised() -> None:
    for severity, word in gitlab.common.SEVERITIES.items():
        finding = Finding(rule_id="R", title="t", severity=severity)
        scan = Scan(tool=Tool(name="T"), kind=ScanKind.SAST, source="s", findings=[finding])
        assert build_reports([scan])["sast"]["vulnerabilities"][0]["severity"] == word


def test_long_fields_are_cut_with_a_marker(caplog: pytest.LogCaptureFixture) -> None:
    from sarifkit.model import Fix

    finding = Finding(
        rule_id="R",
        title="n" * 300,
        severity=Severity.LOW,
        fix=Fix(remediation="s" * 8000),
        locations=[CodeLocation(path="a.py", start_line=1)],
    )
    scan = Scan(tool=Tool(name="T"), kind=ScanKind.SAST, source="s", findings=[finding])
    with caplog.at_level(logging.WARNING):
        vuln = build_reports([scan])["sast"]["vulnerabilities"][0]
    assert len(vuln["name"]) == 255 and vuln["name"].endswith("[truncated]")
    assert len(vuln["solution"]) == 7000 and vuln["solution"].endswith("[truncated]")
    assert caplog.text.count("255-character limit") == 1
    assert "7000-character limit" in caplog.text


def test_dropped_parts_are_warned_once_per_kind(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        build_reports([s for p in BUNDLES for s in _load(p)])
    assert caplog.text.count("code flows were left out") == 1
    assert "license findings have no GitLab security report type (1)" in caplog.text


def test_times_come_from_scans_then_source_date_epoch_then_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scans = _load(FIXTURES / "gitlab" / "container.json")
    scan = build_reports(scans)["container_scanning"]["scan"]
    assert (scan["start_time"], scan["end_time"]) == ("2026-03-01T10:00:00", "2026-03-01T10:02:30")
    untimed = [Scan(tool=Tool(name="T"), kind=ScanKind.SAST, source="s")]
    assert build_reports(untimed)["sast"]["scan"]["start_time"] == "1970-01-01T00:00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    scan = build_reports(untimed)["sast"]["scan"]
    assert scan["start_time"] == scan["end_time"] == "2023-11-14T22:13:20"


def test_scans_of_one_type_merge_into_one_report() -> None:
    scans = _load(FIXTURES / "gitlab" / "sast-and-iac.json")
    report = build_reports(scans)["sast"]
    assert report["scan"]["scanner"]["name"] == "Bandit"
    assert {"level": "info", "value": "Also from Trivy 0.58.1 (reports/trivy-config.json)."} in (
        report["scan"]["messages"]
    )
    assert len(report["vulnerabilities"]) == 3
    assert len({v["id"] for v in report["vulnerabilities"]}) == 3


def test_container_location_falls_back_to_image_inventory() -> None:
    report = build_reports(_load(FIXTURES / "gitlab" / "container.json"))["container_scanning"]
    jquery = report["vulnerabilities"][1]["location"]
    assert jquery == {
        "dependency": {"package": {"name": "jquery"}, "version": "3.4.1"},
        "operating_system": "redhat 7.7",
        "image": "registry.example.com/app:1.2",
    }


def test_dependency_location_needs_a_manifest() -> None:
    report = build_reports(_load(FIXTURES / "gitlab" / "dependency.json"))["dependency_scanning"]
    files = [v["location"]["file"] for v in report["vulnerabilities"]]
    # The second package names no manifest: the report it came from stands in.
    assert files == ["requirements.txt", "reports/safety.json"]


def test_secret_commit_comes_from_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    scans = _load(FIXTURES / "gitlab" / "secrets.json")
    vuln = build_reports(scans)["secret_detection"]["vulnerabilities"][0]
    assert vuln["location"]["commit"] == {"sha": gitlab.PLACEHOLDER_SHA}
    assert "raw_source_code_extract" not in vuln
    monkeypatch.setenv("CI_COMMIT_SHA", "0123abcd" * 5)
    vuln = build_reports(scans)["secret_detection"]["vulnerabilities"][0]
    assert vuln["location"]["commit"] == {"sha": "0123abcd" * 5}


def test_dast_location_evidence_and_resources() -> None:
    report = build_reports(_load(FIXTURES / "gitlab" / "dast.json"))["dast"]
    xss = report["vulnerabilities"][0]
    assert xss["location"] == {
        "hostname": "https://app.example.com",
        "method": "GET",
        "path": "/search?q=1",
        "param": "q",
    }
    assert xss["evidence"]["request"]["method"] == "GET"
    assert xss["evidence"]["request"]["headers"][0] == {"name": "Host", "value": "app.example.com"}
    assert xss["evidence"]["response"]["status_code"] == 200
    assert xss["evidence"]["response"]["reason_phrase"] == "OK"
    assert xss["details"]["instances"]["items"] == [
        {"type": "url", "href": "https://app.example.com/profile"}
    ]
    csp = report["vulnerabilities"][1]
    assert "request" not in csp.get("evidence", {}) and "response" not in csp.get("evidence", {})
    # Every instance URL is a scanned resource, suppressed alerts' too: they were scanned.
    assert report["scan"]["scanned_resources"] == [
        {"method": "GET", "url": "https://app.example.com/", "type": "url"},
        {"method": "GET", "url": "https://app.example.com/about", "type": "url"},
        {"method": "GET", "url": "https://app.example.com/search?q=1", "type": "url"},
        {"method": "POST", "url": "https://app.example.com/profile", "type": "url"},
    ]


def test_sast_location_lines_are_sane() -> None:
    report = build_reports(_load(FIXTURES / "gitlab" / "sast-and-iac.json"))["sast"]
    locations = [v["location"] for v in report["vulnerabilities"]]
    # An end line before the start line becomes the start line; no line at all becomes 1.
    assert locations[1] == {"file": "./app/db.py", "start_line": 15, "end_line": 15}
    assert locations[2] == {"file": "Dockerfile", "start_line": 1, "end_line": 1}


def test_web_and_package_findings_in_sast_get_a_file() -> None:
    finding = Finding(
        rule_id="R",
        title="t",
        severity=Severity.LOW,
        locations=[PackageLocation(name="p", manifest="go.mod")],
    )
    web = Finding(
        rule_id="W", title="w", severity=Severity.LOW, locations=[WebLocation(url="https://x/")]
    )
    nowhere = Finding(rule_id="N", title="n", severity=Severity.LOW)
    scan = Scan(
        tool=Tool(name="T"), kind=ScanKind.IAC, source="s.json", findings=[finding, web, nowhere]
    )
    locations = [v["location"] for v in build_reports([scan])["sast"]["vulnerabilities"]]
    assert locations == [
        {"file": "go.mod", "start_line": 1, "end_line": 1},
        {"file": "https://x/", "start_line": 1, "end_line": 1},
        {"file": "s.json"},
    ]


def test_cvss_pattern_rejects_v4() -> None:
    notes = gitlab.Notes("test")
    v4 = Cvss(
        version="4.0", vector="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    )
    v3 = Cvss(version="3.0", vector="CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert gitlab.common.cvss_vectors([v4, v3], notes) == [
        {"vendor": "unknown", "vector": v3.vector}
    ]


# --- the command line --------------------------------------------------------------------------


def _cli_sast_report_for_bandit(out: Path) -> dict[str, Any]:
    """Run `sarifkit gitlab` on the Bandit fixture from the repo root; return the SAST report."""
    result = run_cli(["gitlab", repo_relative(BANDIT), "--out-dir", str(out)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["gl-sast-report.json"]
    assert "gl-sast-report.json: 18 vulnerabilities" in result.stderr
    report: dict[str, Any] = json.loads((out / "gl-sast-report.json").read_text())
    return report


def test_cli_writes_sast_report_for_bandit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, json_snapshot: Any
) -> None:
    monkeypatch.chdir(REPO)
    report = _cli_sast_report_for_bandit(tmp_path / "reports")
    raw = json.loads(BANDIT.read_text())["results"]
    assert len(report["vulnerabilities"]) == len(raw)
    assert report == json_snapshot


def test_cli_sast_report_for_bandit_is_schema_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gitlab_schema_validator: Callable[[str], Any]
) -> None:
    monkeypatch.chdir(REPO)
    report = _cli_sast_report_for_bandit(tmp_path / "reports")
    assert_valid_gitlab(gitlab_schema_validator, "sast", report)


def test_cli_format_all_writes_code_quality_too(tmp_path: Path) -> None:
    result = run_cli(["gitlab", str(BANDIT), "--out-dir", str(tmp_path), "--format", "all"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "gl-code-quality-report.json",
        "gl-sast-report.json",
    ]


def test_cli_output_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run_cli(["gitlab", str(BANDIT), "--out-dir", str(tmp_path / name)]).exit_code == 0
    name = FILE_NAMES["sast"]
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.json", "is not valid JSON"),
        ("empty.json", "is empty"),
        ("binary.png", "is binary"),
        ("billion-laughs.xml", "billion-laughs.xml"),
        ("other-tool.json", "not a report sarifkit recognises"),
    ],
)
def test_cli_bad_input_exits_2_without_output(tmp_path: Path, name: str, message: str) -> None:
    out = tmp_path / "out"
    result = run_cli(["gitlab", str(FIXTURES / "malformed" / name), "--out-dir", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_cli_needs_out_dir_and_reports(tmp_path: Path) -> None:
    assert run_cli(["gitlab", str(BANDIT)]).exit_code == 2
    assert run_cli(["gitlab", "--out-dir", str(tmp_path)]).exit_code == 2
