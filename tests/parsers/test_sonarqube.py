"""The SonarQube parser: hand-made web API fixtures, the shared samples, paging, statuses, snapshots."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    FIXTURES,
    Multitool,
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
from sarifkit.parsers import detect, parse_paths, parse_source
from sarifkit.parsers.sonarqube import SonarQubeParser

from sarifkit.model import CodeLocation, FindingStatus, Scan, ScanKind, Severity
from sarifkit.source import Source

SONAR = FIXTURES / "sonarqube"
PAGE_1 = "fixtures/sonarqube/issues-10.4-mqr-page-1-of-2.json"
PAGE_2 = "fixtures/sonarqube/issues-10.4-mqr-page-2-of-2.json"
PAGES_DIR = "fixtures/sonarqube/issues-pages"

# Each case: the inputs given to one command, as paths relative to the repo root.
CASES = {
    **{p.name: [f"fixtures/sonarqube/{p.name}"] for p in sorted(SONAR.glob("*.json"))},
    "both-pages": [PAGE_1, PAGE_2],
    "pages-directory": [PAGES_DIR],
}
MULTI_INPUT_CASES = ["both-pages", "pages-directory"]


def _raw_documents(inputs: list[str]) -> list[dict[str, Any]]:
    """Return every response document behind `inputs`, reading directories' files."""
    paths: list[Path] = []
    for name in inputs:
        path = FIXTURES.parent / name
        paths.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def _raw_items(inputs: list[str]) -> list[dict[str, Any]]:
    """Return the issues and hotspots of `inputs`, each issue key once: an independent count."""
    items: dict[str, dict[str, Any]] = {}
    for doc in _raw_documents(inputs):
        for item in doc.get("issues", []) + doc.get("hotspots", []):
            items.setdefault(item["key"], item)
    return list(items.values())


def _expected_status(item: dict[str, Any]) -> FindingStatus:
    """Classify a raw issue or hotspot the way the brief defines it, without the parser's code."""
    resolution = item.get("resolution")
    if resolution in ("FALSE-POSITIVE", "WONTFIX", "SAFE"):
        return FindingStatus.SUPPRESSED
    if item.get("status") == "CLOSED" or resolution in ("FIXED", "REMOVED"):
        return FindingStatus.FIXED
    return FindingStatus.OPEN


def _parse_doc(doc: dict[str, Any], name: str = "inline.json") -> Scan:
    scans = parse_source(Source(name, json.dumps(doc).encode()), "sonarqube")
    assert len(scans) == 1
    return scans[0]


def _issue(**fields: Any) -> dict[str, Any]:
    issue = {
        "key": "AY-1",
        "rule": "python:S1",
        "component": "proj:src/a.py",
        "project": "proj",
        "message": "a message",
        "status": "OPEN",
        "severity": "MAJOR",
        "type": "CODE_SMELL",
    }
    issue.update(fields)
    return issue


def _issues_doc(*issues: dict[str, Any], components: list[Any] | None = None) -> dict[str, Any]:
    return {
        "paging": {"pageIndex": 1, "pageSize": 100, "total": len(issues)},
        "issues": list(issues),
        "components": components if components is not None else [],
    }


# --- snapshots, schema, Multitool, counts -------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_model_snapshot(case: str, json_snapshot: object) -> None:
    scans = parse_fixture(*CASES[case])
    assert len(scans) == 1
    assert len(scans[0].findings) == len(_raw_items(CASES[case]))
    assert [s.model_dump(mode="json") for s in scans] == json_snapshot


@pytest.mark.parametrize("case", CASES)
def test_sarif_snapshot(case: str, json_snapshot: object) -> None:
    log = convert_log(*CASES[case])
    assert len(log["runs"]) == 1
    assert sarif_result_count(log) == len(_raw_items(CASES[case]))
    assert log == json_snapshot


# The single-file cases are checked with every fixture in tests/test_registry.py.
@pytest.mark.parametrize("case", MULTI_INPUT_CASES)
def test_sarif_is_schema_valid(case: str, sarif_schema_validator: object) -> None:
    assert_valid_sarif(sarif_schema_validator, convert_log(*CASES[case]))


@pytest.fixture(scope="module")
def multi_input_multitool_errors(multitool: Multitool) -> dict[str, list[str]]:
    """Validate the SARIF of the multi-input cases in one Multitool run; the errors per case."""
    return multitool.errors_of_conversions({case: CASES[case] for case in MULTI_INPUT_CASES})


@pytest.mark.parametrize("case", MULTI_INPUT_CASES)
def test_sarif_passes_multitool(
    case: str, multi_input_multitool_errors: dict[str, list[str]]
) -> None:
    assert multi_input_multitool_errors[case] == []


@pytest.mark.parametrize("case", CASES)
def test_closed_and_suppressed_are_not_open(case: str) -> None:
    (scan,) = parse_fixture(*CASES[case])
    raw = {item["key"]: _expected_status(item) for item in _raw_items(CASES[case])}
    got = {f.properties["key"]: f.status for f in scan.findings}
    assert got == raw
    for finding in scan.findings:
        if finding.status is FindingStatus.SUPPRESSED:
            assert finding.suppressions and finding.suppressions[0].justification
            assert finding.suppressions[0].justification.startswith("SonarQube: ")
        else:
            assert not finding.suppressions
        assert (finding.baseline_state == "absent") == (finding.status is FindingStatus.FIXED)


def test_sarif_marks_suppressed_and_fixed_results() -> None:
    results = convert_log("fixtures/sonarqube/issues-9.9-pre-mqr-statuses.json")["runs"][0][
        "results"
    ]
    by_status: dict[str, int] = {}
    for res in results:
        status = res["properties"].get("status", "open")
        by_status[status] = by_status.get(status, 0) + 1
        if status == "suppressed":
            assert res["suppressions"][0]["justification"].startswith("SonarQube: ")
        elif status == "fixed":
            assert res["baselineState"] == "absent" and "suppressions" not in res
    assert by_status == {"open": 5, "suppressed": 2, "fixed": 3}
    fp = next(r for r in results if r["ruleId"] == "java:S3776")
    # The last comment is the reviewer's reason.
    assert "dave: Generated tax table lookup" in fp["suppressions"][0]["justification"]


def test_output_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    first = run_cli(["convert", PAGES_DIR, PAGE_2, PAGE_1]).stdout
    assert first == run_cli(["convert", PAGES_DIR, PAGE_2, PAGE_1]).stdout


# --- paging and combine() --------------------------------------------------------------------------


def test_one_page_alone_warns_that_the_search_is_incomplete(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    scan = parse_paths([PAGE_1])[0]
    assert len(scan.findings) == 5
    assert [n.level for n in scan.notifications] == ["warning"]
    assert "matched 8 issues but the report holds 5" in scan.notifications[0].message
    assert parse_paths([PAGE_1, PAGE_2])[0].notifications == []


def test_pages_merge_in_page_order_whatever_the_input_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    in_order = parse_paths([PAGE_1, PAGE_2])[0]
    # Names that sort the other way round, in a directory.
    shutil.copy(PAGE_2, tmp_path / "a.json")
    shutil.copy(PAGE_1, tmp_path / "b.json")
    reversed_ = parse_paths([str(tmp_path)])[0]
    assert [f.properties["key"] for f in reversed_.findings] == [
        f.properties["key"] for f in in_order.findings
    ]
    assert [f.fingerprint for f in reversed_.findings] == [f.fingerprint for f in in_order.findings]


def test_duplicate_issue_keys_across_pages_are_kept_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    raw_total = sum(len(d["issues"]) for d in _raw_documents([PAGE_1, PAGE_2]))
    scan = parse_paths([PAGE_1, PAGE_2])[0]
    keys = [f.properties["key"] for f in scan.findings]
    assert raw_total == 9 and len(keys) == 8 and len(set(keys)) == 8
    fingerprints = [f.fingerprint for f in scan.findings]
    assert len(set(fingerprints)) == len(fingerprints)
    assert [page["pageIndex"] for page in scan.properties["pages"]] == [1, 2]
    assert scan.metrics == {"effort_total": 152.0}  # the search's total, not summed per page


def test_the_empty_last_page_joins_its_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    scans = parse_paths([PAGES_DIR])
    assert len(scans) == 1 and scans[0].target == "acme_worker"
    assert [p["source"].rsplit("/", 1)[-1] for p in scans[0].properties["pages"]] == [
        "issues-p1.json",
        "issues-p2.json",
        "issues-p3.json",
    ]


def test_different_projects_and_apis_are_not_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    scans = parse_paths(
        [
            PAGE_1,
            "fixtures/sonarqube/hotspots-10.4-review-statuses.json",
            PAGES_DIR,
            PAGE_2,
            "fixtures/sonarqube/measures-10.4-project-coverage.json",
        ]
    )
    summary = [(s.properties["api"], s.target, len(s.findings)) for s in scans]
    assert summary == [
        ("api/issues/search", "acme_shop", 8),
        ("api/hotspots/search", "acme_shop", 5),
        ("api/issues/search", "acme_worker", 4),
        ("api/measures/component", "acme_shop", 0),
    ]


def test_hotspot_pages_merge_too() -> None:
    def page(index: int, key: str) -> Scan:
        doc = {
            "paging": {"pageIndex": index, "pageSize": 1, "total": 2},
            "hotspots": [
                {
                    "key": key,
                    "component": "p:a.py",
                    "project": "p",
                    "securityCategory": "xss",
                    "vulnerabilityProbability": "HIGH",
                    "status": "TO_REVIEW",
                    "line": index,
                    "message": "m",
                }
            ],
            "components": [],
        }
        return _parse_doc(doc, f"page{index}.json")

    merged = SonarQubeParser.combine([page(2, "H2"), page(1, "H1")])
    assert len(merged) == 1
    assert [f.properties["key"] for f in merged[0].findings] == ["H1", "H2"]
    assert merged[0].notifications == []


# --- field mapping ---------------------------------------------------------------------------------


def test_taint_flow_becomes_a_code_flow_from_source_to_sink(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    scan = parse_paths([PAGE_1])[0]
    sqli = next(f for f in scan.findings if f.rule_id == "pythonsecurity:S3649")
    assert sqli.related_locations == [] and len(sqli.code_flows) == 1
    steps = sqli.code_flows[0]
    assert isinstance(steps[0], CodeLocation) and isinstance(steps[-1], CodeLocation)
    assert steps[0].message is not None and steps[0].message.startswith("Source:")
    assert steps[-1].message is not None and steps[-1].message.startswith("Sink:")
    assert [s.path for s in steps] == ["shop/views.py", "shop/views.py", "shop/db.py", "shop/db.py"]
    duplicated = next(f for f in scan.findings if f.rule_id == "python:S1192")
    assert [loc.start_line for loc in duplicated.related_locations] == [30, 48]  # type: ignore[union-attr]
    assert duplicated.code_flows == []


def test_text_range_offsets_become_one_based_columns() -> None:
    scan = _parse_doc(
        _issues_doc(
            _issue(
                line=3, textRange={"startLine": 3, "endLine": 4, "startOffset": 0, "endOffset": 7}
            )
        )
    )
    loc = scan.findings[0].locations[0]
    assert isinstance(loc, CodeLocation)
    assert (loc.start_line, loc.end_line, loc.start_column, loc.end_column) == (3, 4, 1, 8)


@pytest.mark.parametrize(
    ("fields", "lines"),
    [
        ({"line": 12}, (12, 12)),
        ({}, (None, None)),  # file-level: neither line nor textRange
    ],
    ids=["line-only", "file-level"],
)
def test_issues_without_text_range(fields: dict[str, Any], lines: tuple[int | None, ...]) -> None:
    loc = _parse_doc(_issues_doc(_issue(**fields))).findings[0].locations[0]
    assert isinstance(loc, CodeLocation)
    assert (loc.start_line, loc.end_line, loc.start_column) == (*lines, None)


@pytest.mark.parametrize(
    ("component", "components", "path"),
    [
        (
            "proj:src/a.py",
            [{"key": "proj:src/a.py", "qualifier": "FIL", "path": "lib/a.py"}],
            "lib/a.py",
        ),
        ("proj:src/a.py", [], "src/a.py"),
        ("proj", [], "."),
        ("org:proj:src/a.py", [{"key": "org:proj", "qualifier": "TRK"}], "src/a.py"),
        ("other:src/a.py", [], "other:src/a.py"),
    ],
    ids=[
        "components-path",
        "strip-project",
        "project-level",
        "trk-key-with-colon",
        "unknown-prefix",
    ],
)
def test_component_paths(component: str, components: list[Any], path: str) -> None:
    issue = _issue(component=component)
    if component.startswith("org:"):
        del issue["project"]
    scan = _parse_doc(_issues_doc(issue, components=components))
    assert scan.findings[0].locations[0].path == path  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("impacts", "legacy", "expected"),
    [
        (
            [
                {"softwareQuality": "SECURITY", "severity": "LOW"},
                {"softwareQuality": "MAINTAINABILITY", "severity": "HIGH"},
            ],
            "CRITICAL",
            Severity.LOW,
        ),
        (
            [
                {"softwareQuality": "MAINTAINABILITY", "severity": "HIGH"},
                {"softwareQuality": "RELIABILITY", "severity": "MEDIUM"},
            ],
            "MINOR",
            Severity.HIGH,
        ),
        ([{"softwareQuality": "SECURITY", "severity": "BLOCKER"}], "MAJOR", Severity.CRITICAL),
        ([{"softwareQuality": "RELIABILITY", "severity": "INFO"}], "BLOCKER", Severity.INFO),
        ([{"softwareQuality": "SECURITY", "severity": "SEVERE"}], "MAJOR", Severity.MEDIUM),
        ([], "BLOCKER", Severity.CRITICAL),
        (None, "CRITICAL", Severity.HIGH),
        (None, "MAJOR", Severity.MEDIUM),
        (None, "MINOR", Severity.LOW),
        (None, "INFO", Severity.INFO),
        (None, "WHATEVER", Severity.UNKNOWN),
    ],
    ids=[
        "security-impact-first",
        "worst-other-impact",
        "impact-blocker",
        "impact-info-beats-legacy",
        "unknown-impact-falls-back",
        "empty-impacts",
        "legacy-critical",
        "legacy-major",
        "legacy-minor",
        "legacy-info",
        "unknown",
    ],
)
def test_severity_rule(impacts: list[Any] | None, legacy: str, expected: Severity) -> None:
    fields: dict[str, Any] = {"severity": legacy}
    if impacts is not None:
        fields["impacts"] = impacts
    assert _parse_doc(_issues_doc(_issue(**fields))).findings[0].severity is expected


@pytest.mark.parametrize(
    ("fields", "status", "justification"),
    [
        ({"status": "OPEN"}, FindingStatus.OPEN, None),
        ({"status": "CONFIRMED"}, FindingStatus.OPEN, None),
        ({"status": "REOPENED"}, FindingStatus.OPEN, None),
        (
            {"status": "RESOLVED", "resolution": "FALSE-POSITIVE"},
            FindingStatus.SUPPRESSED,
            "false positive",
        ),
        ({"status": "RESOLVED", "resolution": "WONTFIX"}, FindingStatus.SUPPRESSED, "won't fix"),
        ({"status": "RESOLVED", "resolution": "FIXED"}, FindingStatus.FIXED, None),
        ({"status": "CLOSED", "resolution": "FIXED"}, FindingStatus.FIXED, None),
        ({"status": "CLOSED", "resolution": "REMOVED"}, FindingStatus.FIXED, None),
        ({"status": "CLOSED"}, FindingStatus.FIXED, None),
        ({"issueStatus": "ACCEPTED", "status": None}, FindingStatus.SUPPRESSED, "accepted"),
        (
            {"issueStatus": "FALSE_POSITIVE", "status": None},
            FindingStatus.SUPPRESSED,
            "false positive",
        ),
        ({"issueStatus": "FIXED", "status": None}, FindingStatus.FIXED, None),
        ({"issueStatus": "OPEN"}, FindingStatus.OPEN, None),
        (
            {"simpleStatus": "ACCEPTED", "status": "RESOLVED", "resolution": "WONTFIX"},
            FindingStatus.SUPPRESSED,
            "accepted",
        ),
    ],
)
def test_issue_status(
    fields: dict[str, Any], status: FindingStatus, justification: str | None
) -> None:
    finding = _parse_doc(_issues_doc(_issue(**fields))).findings[0]
    assert finding.status is status
    assert finding.is_open is (status is FindingStatus.OPEN)
    if justification:
        assert justification in (finding.suppressions[0].justification or "")
    else:
        assert finding.suppressions == []


@pytest.mark.parametrize(
    ("status", "resolution", "expected"),
    [
        ("TO_REVIEW", None, FindingStatus.OPEN),
        ("REVIEWED", "SAFE", FindingStatus.SUPPRESSED),
        ("REVIEWED", "FIXED", FindingStatus.FIXED),
        ("REVIEWED", "ACKNOWLEDGED", FindingStatus.OPEN),
    ],
)
def test_hotspot_status(status: str, resolution: str | None, expected: FindingStatus) -> None:
    scan = parse_paths([str(SONAR / "hotspots-10.4-review-statuses.json")])[0]
    finding = next(
        f
        for f in scan.findings
        if f.properties["status"] == status and f.properties.get("resolution") == resolution
    )
    assert finding.status is expected
    if expected is FindingStatus.SUPPRESSED:
        assert finding.suppressions[0].justification == "SonarQube: reviewed as safe"


def test_hotspot_fields() -> None:
    scan = parse_paths([str(SONAR / "hotspots-10.4-review-statuses.json")])[0]
    assert scan.kind is ScanKind.SAST and scan.tool.name == "SonarQube"
    sql = next(f for f in scan.findings if f.rule_id == "python:S2077")
    assert sql.severity is Severity.HIGH and "CWE-89" in sql.identifier_values("cwe")
    assert len(sql.related_locations) == 1
    no_rule = next(f for f in scan.findings if f.properties["key"] == "AY9h-0005")
    assert no_rule.rule_id == "hotspot:command-injection" and no_rule.severity is Severity.MEDIUM
    assert no_rule.locations[0].start_line == 66  # type: ignore[union-attr]
    assert scan.rule_map()["hotspot:command-injection"].cwes == [78]


def test_tags_and_security_standards_become_identifiers() -> None:
    scan = parse_paths([str(SONAR / "issues-9.9-pre-mqr-statuses.json")])[0]
    cmd = next(f for f in scan.findings if f.rule_id == "javasecurity:S2076")
    assert cmd.identifier_values("cwe") == ["CWE-20", "CWE-78", "CWE-88"]
    assert cmd.identifier_values("owasp") == ["A1:2017", "A03:2021"]
    assert cmd.identifier_values("sonarqube_rule") == ["javasecurity:S2076"]
    assert scan.rule_map()["javasecurity:S2076"].cwes == [20, 78, 88]
    # A bare "cwe" tag names no weakness.
    todo = next(f for f in scan.findings if f.rule_id == "java:S1135")
    assert todo.identifier_values("cwe") == []
    issue = _issue(tags=["cwe", "cwe-614", "owasp-a3", "owasp-a3", "other"])
    finding = _parse_doc(_issues_doc(issue)).findings[0]
    assert finding.identifier_values("cwe") == ["CWE-614"]
    assert finding.identifier_values("owasp") == ["A3:2017"]


@pytest.mark.parametrize(
    ("effort", "minutes"),
    [("5min", 5), ("2h1min", 121), ("1d2h", 600), ("0min", 0), (15, 15), ("soon", None)],
)
def test_effort_in_minutes(effort: object, minutes: int | None) -> None:
    finding = _parse_doc(_issues_doc(_issue(effort=effort))).findings[0]
    assert finding.properties["effort"] == effort
    assert finding.properties.get("effort_minutes") == minutes


def test_rules_come_from_rules_list_or_issue_keys() -> None:
    with_list = parse_paths([str(SONAR / "issues-9.9-pre-mqr-statuses.json")])[0].rule_map()
    assert with_list["java:S5547"].name == "Cipher algorithms should be robust"
    assert with_list["java:S5547"].help_uri == "https://rules.sonarsource.com/java/RSPEC-5547/"
    assert with_list["common-java:DuplicatedBlocks"].name is None
    assert with_list["common-java:DuplicatedBlocks"].help_uri is None
    without = parse_paths([str(SONAR / "issues-pages")])[0]
    assert {r.id for r in without.rules} == {f.rule_id for f in without.findings}
    assert all(r.tags for r in without.rules)  # the issue type at least


def test_title_and_properties() -> None:
    scan = parse_paths([str(SONAR / "issues-10.4-mqr-page-2-of-2.json")])[0]
    legacy = next(f for f in scan.findings if f.rule_id == "python:S104")
    assert legacy.title.startswith("This file has 1204 lines")
    assert legacy.properties["cleanCodeAttribute"] == "FOCUSED"
    assert legacy.properties["impacts"] == [
        {"softwareQuality": "MAINTAINABILITY", "severity": "MEDIUM"}
    ]
    assert legacy.properties["effort_minutes"] == 60
    assert "flows" not in legacy.properties and "textRange" not in legacy.properties


# --- measures ----------------------------------------------------------------------------------------


def test_project_measures_become_coverage_metrics() -> None:
    scan = parse_paths([str(SONAR / "measures-10.4-project-coverage.json")])[0]
    assert scan.kind is ScanKind.COVERAGE and scan.findings == [] and scan.target == "acme_shop"
    assert scan.metrics["coverage"] == 78.4
    assert scan.metrics["sqale_index"] == 152.0 and scan.metrics["code_smells"] == 41.0
    assert scan.metrics["new_coverage"] == 64.0  # from the new-code period
    assert scan.properties["measures"] == {
        "alert_status": "ERROR",
        "ncloc_language_distribution": "docker=12;py=5218",
    }
    assert all(isinstance(v, float) for v in scan.metrics.values())


def test_measures_without_coverage_are_sast() -> None:
    doc = {
        "component": {
            "key": "p",
            "qualifier": "TRK",
            "measures": [{"metric": "bugs", "value": "2"}],
        }
    }
    scan = _parse_doc(doc)
    assert scan.kind is ScanKind.SAST and scan.metrics == {"bugs": 2.0}


@pytest.mark.parametrize("value", ["NaN", "inf", "true", "", None])
def test_measures_ignore_values_that_are_not_finite_numbers(value: object) -> None:
    doc = {"component": {"key": "p", "measures": [{"metric": "coverage", "value": value}]}}
    assert _parse_doc(doc).metrics == {}


# --- shared samples --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sample_files("sonarqube", "*.json"), ids=lambda p: p.name)
def test_shared_samples_convert_with_every_finding(
    path: Path, sarif_schema_validator: object
) -> None:
    assert detect(Source.read(path)) is SonarQubeParser
    log = convert_log(path)  # no --tool: detected from the content
    assert_valid_sarif(sarif_schema_validator, log)
    doc = json.loads(path.read_text(encoding="utf-8"))
    raw = len(doc.get("issues", [])) + len(doc.get("hotspots", []))
    assert sarif_result_count(log) == raw == sample_count(path)


def test_shared_official_issue_example(samples: Path) -> None:
    scan = parse_paths([str(samples / "sonarqube" / "issues-search-official-webapi-example.json")])[
        0
    ]
    finding = scan.findings[0]
    # SECURITY HIGH impact wins over the legacy MAJOR; the accepted issue does not count.
    assert finding.severity is Severity.HIGH and finding.status is FindingStatus.SUPPRESSED
    assert len(finding.related_locations) == 2
    assert finding.properties["effort_minutes"] == 121


# --- malformed input ----------------------------------------------------------------------------------

MALFORMED = [
    (
        "issue-without-rule.json",
        [],
        "not a valid SonarQube web API JSON report: issue AY-1: no 'rule'",
    ),
    ("issue-without-component.json", [], "issue AY-1: no 'component'"),
    ("hotspot-without-component.json", [], "hotspot AX-1: no 'component'"),
    ("issue-not-object.json", [], "issue 0 is not an object"),
    ("components-not-list.json", [], "'components' is not a list"),
    ("text-range-not-object.json", [], "issue AY-1: 'textRange' is not an object"),
    ("flows-not-list.json", [], "issue AY-1: 'flows' is not a list"),
    ("measure-without-metric.json", [], "measure 0 has no 'metric' name"),
    ("truncated-page.json", [], "is not valid JSON"),
    ("truncated-page.json", ["--tool", "sonarqube"], "is not valid JSON"),
    ("issues-not-list.json", [], "not a report sarifkit recognises"),
    (
        "issues-not-list.json",
        ["--tool", "sonarqube"],
        "does not look like a SonarQube web API JSON report",
    ),
]


@pytest.mark.parametrize(("name", "args", "message"), MALFORMED, ids=case_ids(MALFORMED))
def test_malformed_input_is_one_line_and_exit_2(
    name: str, args: list[str], message: str, tmp_path: Path
) -> None:
    assert_convert_rejects(SONAR / "malformed" / name, args, message, tmp_path)


def test_a_bad_page_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    bad = SONAR / "malformed" / "issue-without-rule.json"
    result = run_cli(["convert", str(FIXTURES.parent / PAGE_1), str(bad), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
