"""The OWASP ZAP parser: hand-written fixtures per report variant, the shared samples, snapshots."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import (
    FIXTURES,
    Multitool,
    assert_convert_rejects,
    assert_valid_sarif,
    benchmark_generator,
    case_ids,
    convert_log,
    parse_fixture,
    run_cli,
    sample_count,
    sample_files,
    sarif_result_count,
)
from sarifkit.parsers import detect, parse_paths, parse_source
from sarifkit.parsers.zap import ZapParser, _generated_time, html_to_text

from sarifkit.model import Confidence, FindingStatus, Scan, Severity, WebLocation
from sarifkit.source import Source

ZAP = FIXTURES / "zap"
ZAP_FIXTURES = sorted(p for p in ZAP.iterdir() if p.is_file() and p.suffix in (".xml", ".json"))
MALFORMED = ZAP / "malformed"


def _raw_alerts(path: Path) -> list[tuple[str, int]]:
    """Return (site name, instance count) per alert, read with the stdlib, not the parser."""
    if path.suffix == ".xml":
        root = ET.fromstring(path.read_bytes())
        return [
            (site.get("name") or "", len(alert.findall("instances/instance")))
            for site in root.findall("site")
            for alert in site.findall("alerts/alertitem")
        ]
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [
        (site["@name"], len(alert.get("instances") or []))
        for site in doc["site"]
        for alert in site.get("alerts") or []
    ]


def _instance_locations(scan: Scan) -> list[int]:
    """Return each finding's number of locations that stand for a ZAP instance."""
    return [
        sum(1 for loc in f.locations if not (loc.message or "").startswith("ZAP lists no instance"))
        for f in scan.findings
    ]


def test_every_variant_has_a_fixture() -> None:
    names = {p.name for p in ZAP_FIXTURES}
    assert names == {
        "zap-2.11.0-traditional.json",
        "zap-2.11.1-empty-site.xml",
        "zap-2.11.1-traditional-sites.xml",
        "zap-2.14.0-traditional-plus.json",
        "zap-2.14.0-traditional-plus.xml",
        "zap-weekly-2020-pre-addon.xml",
    }


@pytest.mark.parametrize("path", ZAP_FIXTURES, ids=lambda p: p.name)
def test_fixture_model_snapshot(path: Path, json_snapshot: object) -> None:
    (scan,) = parse_fixture(path)
    raw = _raw_alerts(path)
    # One finding per alert per site, and one location per instance, in report order.
    assert [f.properties["site"] for f in scan.findings] == [site for site, _ in raw]
    assert _instance_locations(scan) == [count for _, count in raw]
    assert scan.metrics["zap.instances"] == sum(count for _, count in raw)
    assert scan.model_dump(mode="json") == json_snapshot


@pytest.mark.parametrize("path", ZAP_FIXTURES, ids=lambda p: p.name)
def test_fixture_sarif_snapshot(path: Path, json_snapshot: object) -> None:
    log = convert_log(path)
    assert sarif_result_count(log) == len(_raw_alerts(path))
    assert log == json_snapshot


def test_output_is_byte_identical_on_rerun(tmp_path: Path) -> None:
    path = str(ZAP / "zap-2.11.1-traditional-sites.xml")
    first, second = tmp_path / "1.sarif", tmp_path / "2.sarif"
    assert run_cli(["convert", path, "-o", str(first)]).exit_code == 0
    assert run_cli(["convert", path, "-o", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def _scan(name: str) -> Scan:
    return parse_paths([str(ZAP / name)])[0]


def test_traditional_xml_fields() -> None:
    scan = _scan("zap-2.11.1-traditional-sites.xml")
    assert scan.tool.name == "OWASP ZAP" and scan.tool.version == "2.11.1"
    assert scan.kind.value == "dast"
    assert scan.target == (
        "http://shop.internal.test:8080, https://fonts.thirdparty.test, "
        "https://api.shop.internal.test"
    )
    # No `created`: the English `generated` text is read, as UTC.
    assert (
        scan.started_at is not None and scan.started_at.isoformat() == "2022-03-08T10:15:02+00:00"
    )
    xss = scan.findings[0]
    assert xss.rule_id == "40012" and xss.title == "Cross Site Scripting (Reflected)"
    assert xss.severity is Severity.HIGH and xss.confidence is Confidence.MEDIUM
    assert xss.identifier_values("cwe") == ["CWE-79"]
    assert xss.identifier_values("wasc") == ["WASC-8"]
    assert xss.identifier_values("zap_plugin_id") == ["40012"]
    assert xss.references == [
        "https://owasp.org/www-community/attacks/xss/",
        "https://cwe.mitre.org/data/definitions/79.html",
    ]
    assert xss.fix is not None and xss.fix.remediation is not None
    assert "(https://owasp.org/www-project-java-encoder/)" in xss.fix.remediation
    loc = xss.locations[0]
    assert isinstance(loc, WebLocation)
    assert loc.url.endswith("/search?q=%3Cscript%3Ealert%281%29%3B%3C%2Fscript%3E&page=1")
    assert (loc.method, loc.param) == ("GET", "q")
    assert loc.attack == loc.evidence == "<script>alert(1);</script>"
    rules = scan.rule_map()
    assert rules["40012"].cwes == [79]
    assert rules["40012"].help_uri == "https://www.zaproxy.org/docs/alerts/40012/"


def test_alert_ref_is_the_rule_id_and_both_ids_are_kept() -> None:
    finding = _scan("zap-2.11.1-traditional-sites.xml").findings[1]
    assert finding.rule_id == "10055-4"
    assert finding.identifier_values("zap_alert_ref") == ["10055-4"]
    assert finding.identifier_values("zap_plugin_id") == ["10055"]
    # Trailing punctuation is not part of a reference URL.
    assert "https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP" in finding.references


def test_cwe_minus_one_and_zero_mean_none() -> None:
    third_party = _scan("zap-2.11.1-traditional-sites.xml").findings[4]
    assert third_party.properties["site"] == "https://fonts.thirdparty.test"
    assert (
        third_party.identifier_values("cwe") == [] and third_party.identifier_values("wasc") == []
    )
    json_scan = _scan("zap-2.11.0-traditional.json")
    assert [f.identifier_values("cwe") for f in json_scan.findings] == [["CWE-1021"], [], []]
    assert json_scan.rule_map()["90022"].cwes == []


def test_confidence_zero_is_a_suppressed_false_positive(tmp_path: Path) -> None:
    scan = _scan("zap-2.11.1-traditional-sites.xml")
    suppressed = [f for f in scan.findings if f.status is FindingStatus.SUPPRESSED]
    assert [f.rule_id for f in suppressed] == ["10106", "10036"]
    for finding in suppressed:
        assert finding.confidence is Confidence.FALSE_POSITIVE
        assert finding.suppressions[0].justification is not None
        assert "False Positive" in finding.suppressions[0].justification
    assert all(f.is_open for f in scan.findings if f.confidence is not Confidence.FALSE_POSITIVE)
    out = tmp_path / "out.sarif"
    path = ZAP / "zap-2.11.1-traditional-sites.xml"
    assert run_cli(["convert", str(path), "-o", str(out)]).exit_code == 0
    results = json.loads(out.read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results if r.get("suppressions")] == ["10106", "10036"]


def test_alert_without_instances_is_located_at_its_site() -> None:
    finding = _scan("zap-2.11.1-traditional-sites.xml").findings[2]
    assert finding.rule_id == "10106"
    assert len(finding.locations) == 1
    loc = finding.locations[0]
    assert isinstance(loc, WebLocation) and loc.url == "http://shop.internal.test:8080"
    assert loc.message is not None and loc.message.startswith("ZAP lists no instance")


def test_html_becomes_plain_text() -> None:
    scan = _scan("zap-2.11.1-traditional-sites.xml")
    description = scan.findings[0].description
    assert description == (
        "Cross-site Scripting (XSS) lets an attacker run script in a victim's browser.\n\n"
        "The page echoes the parameter back without encoding it:\n\n"
        "- in the page body\n- in an attribute"
    )
    for finding in scan.findings:
        for text in (finding.description, finding.fix.remediation if finding.fix else None):
            assert text is None or ("<p>" not in text and "</" not in text)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        ("<p>a<br>b</p>", "a\nb"),
        ("<p></p><p>  spaced   out  </p>", "spaced out"),
        (
            '<p>See <a href="https://example.test/x">the docs</a>.</p>',
            "See the docs (https://example.test/x).",
        ),
        ('<a href="https://example.test/">https://example.test/</a>', "https://example.test/"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("plain text & more", "plain text & more"),
        ("Test <p>Evidence", "Test\n\nEvidence"),
        ("<p>   </p>", None),
        ("", None),
    ],
)
def test_html_to_text(html: str, text: str | None) -> None:
    assert html_to_text(html) == text


def test_xml_plus_request_response_tags_systemic() -> None:
    scan = _scan("zap-2.14.0-traditional-plus.xml")
    assert scan.tool.version == "2.14.0"
    # `created` (ISO, UTC) wins over `generated` (local time, zone unknown).
    assert (
        scan.started_at is not None
        and scan.started_at.isoformat() == "2024-01-15T08:30:12.417033+00:00"
    )
    sqli, csp = scan.findings
    assert sqli.confidence is Confidence.CONFIRMED
    loc = sqli.locations[0]
    assert isinstance(loc, WebLocation)
    assert loc.request is not None and loc.request.startswith(
        "POST https://portal.internal.test/api/orders"
    )
    assert loc.request.endswith("\n\nid=1%27+OR+%271%27%3D%271")
    assert loc.response is not None and loc.response.endswith(
        "<body>You have an error in your SQL syntax</body></html>"
    )
    assert loc.other_info is not None and "boolean conditions" in loc.other_info
    assert (
        sqli.properties["tags"]["OWASP_2021_A03"] == "https://owasp.org/Top10/A03_2021-Injection/"
    )
    assert sqli.properties["systemic"] is False and csp.properties["systemic"] is True
    assert scan.rule_map()["40018"].tags == ["OWASP_2021_A03", "WSTG-v42-INPV-05"]
    assert csp.rule_id == "10038-1"


def test_json_plus_fields_and_plan_messages() -> None:
    scan = _scan("zap-2.14.0-traditional-plus.json")
    # `generated` is German here; `created` gives the time.
    assert scan.started_at is not None and scan.started_at.year == 2024
    assert [(n.level, n.message[:17]) for n in scan.notifications] == [
        ("error", "Job spiderAjax fa"),
        ("warning", "Job activeScan: p"),
    ]
    assert scan.properties["statistics"] == {"stats.pscan.reqs": 42}
    loc = scan.findings[0].locations[0]
    assert isinstance(loc, WebLocation)
    assert loc.request == (
        "GET https://portal.internal.test/profile HTTP/1.1\r\nhost: portal.internal.test\r\n"
        "cookie: session=REDACTED\r\n\r\n"
    )
    assert loc.response is not None and loc.response.endswith("</form></html>")
    assert scan.findings[1].properties["systemic"] is True


def test_traditional_json_numbers_as_strings() -> None:
    scan = _scan("zap-2.11.0-traditional.json")
    assert [f.severity for f in scan.findings] == [Severity.MEDIUM, Severity.INFO, Severity.LOW]
    assert scan.findings[0].properties["count"] == 2
    assert scan.properties["sites"][0]["port"] == 80 and scan.properties["sites"][0]["ssl"] is False
    # Empty instance fields are absent, not empty strings.
    loc = scan.findings[0].locations[0]
    assert isinstance(loc, WebLocation) and loc.attack is None and loc.evidence is None


def test_pre_addon_report_uses_pluginid() -> None:
    scan = _scan("zap-weekly-2020-pre-addon.xml")
    assert scan.tool.version == "D-2020-09-15"
    assert [f.rule_id for f in scan.findings] == ["10098", "10096", "10027"]
    assert all(not f.identifier_values("zap_alert_ref") for f in scan.findings)
    login = scan.findings[1].locations[1]
    assert isinstance(login, WebLocation)
    assert (login.method, login.param, login.evidence) == ("POST", "email", None)


def test_empty_site() -> None:
    scan = _scan("zap-2.11.1-empty-site.xml")
    assert scan.findings == [] and scan.rules == []
    assert scan.target == "http://nothing-here.internal.test:8000"


def test_fingerprint_is_rule_and_site() -> None:
    scan = _scan("zap-2.11.1-traditional-sites.xml")
    prints = [f.fingerprint for f in scan.findings]
    assert len(set(prints)) == len(prints)
    # Same alert on a different page order keeps its fingerprint: instances are not hashed.
    text = (ZAP / "zap-2.11.1-traditional-sites.xml").read_text()
    moved = text.replace("/static/app.js", "/static/other.js").replace("/contact", "/about")
    assert moved != text
    again = parse_source(Source("moved.xml", moved.encode()))[0]
    assert [f.fingerprint for f in again.findings] == prints


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Fri, 2 Feb 2024 20:47:44", "2024-02-02T20:47:44+00:00"),
        ("Thu, 22 Oct 2020 09:26:36", "2020-10-22T09:26:36+00:00"),
        ("Mo., 15 Jan. 2024 09:30:12", None),
        ("jeu., 22 oct. 2020 09:26:36", None),
        ("Fri, 31 Feb 2024 20:47:44", None),
        ("", None),
        (None, None),
    ],
)
def test_generated_time(text: str | None, iso: str | None) -> None:
    parsed = _generated_time(text)
    assert (parsed.isoformat() if parsed else None) == iso


def _big_report(instances: int) -> bytes:
    """Return a traditional XML report with one alert of `instances` instances."""
    items = "".join(
        f"<instance><uri>http://big.test/page/{n}</uri><method>GET</method></instance>"
        for n in range(instances)
    )
    return (
        '<?xml version="1.0"?><OWASPZAPReport version="2.14.0">'
        '<site name="http://big.test" host="big.test" port="80" ssl="false"><alerts><alertitem>'
        "<pluginid>10096</pluginid><alert>Timestamp Disclosure - Unix</alert>"
        "<riskcode>0</riskcode><confidence>1</confidence>"
        f"<instances>{items}</instances><count>{instances}</count>"
        "</alertitem></alerts></site></OWASPZAPReport>"
    ).encode()


def test_over_a_thousand_instances_are_all_kept(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(_big_report(2500))
    scan = parse_paths([str(path)])[0]
    assert len(scan.findings[0].locations) == 2500
    assert scan.findings[0].locations[-1].url == "http://big.test/page/2499"  # type: ignore[union-attr]
    result = run_cli(["convert", str(path)])
    assert result.exit_code == 0
    sarif = json.loads(result.stdout)["runs"][0]["results"][0]
    assert len(sarif["locations"]) == 1000
    assert sarif["properties"]["locationsNotShown"] == 1500
    findings = run_cli(["convert", "--format", "findings", str(path)])
    dumped = json.loads(findings.stdout)["scans"][0]["findings"][0]
    assert len(dumped["locations"]) == 2500


MALFORMED_CASES = [
    ("zap-billion-laughs.xml", [], "DOCTYPE is refused"),
    ("zap-billion-laughs.xml", ["--tool", "zap"], "DOCTYPE is refused"),
    ("zap-external-entity.xml", [], "DOCTYPE is refused"),
    ("zap-external-entity.xml", ["--tool", "zap"], "DOCTYPE is refused"),
    ("zap-truncated.xml", [], "is not well-formed XML: Premature end of data"),
    ("zap-empty-root.xml", [], "is not well-formed XML"),
    ("zap-site-not-a-list.json", [], "'site' is str, not a list of sites"),
    ("zap-alert-without-id.json", [], "an alert has neither 'alertRef' nor 'pluginid'"),
    ("zap-instances-not-a-list.json", [], "'instances' of an alert is not a list"),
    ("zap-instance-not-an-object.json", [], "an instance of an alert is not an object"),
    ("zap-alertitem-outside-site.xml", [], "<alertitem> outside a <site>"),
]


@pytest.mark.parametrize(
    ("name", "args", "message"), MALFORMED_CASES, ids=case_ids(MALFORMED_CASES)
)
def test_bad_input_is_one_line_and_exit_2(
    name: str, args: list[str], message: str, tmp_path: Path
) -> None:
    line = assert_convert_rejects(MALFORMED / name, args, message, tmp_path)
    assert "root:" not in line  # the external entity was never read


def test_other_tools_report_is_refused_with_tool_zap(tmp_path: Path) -> None:
    path = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
    message = "does not look like a OWASP ZAP XML/JSON report"
    assert_convert_rejects(path, ["--tool", "zap"], message, tmp_path)


def test_other_xml_is_not_zap() -> None:
    source = Source("x.xml", b'<?xml version="1.0"?><!-- <OWASPZAPReport> --><coverage/>')
    assert not ZapParser.recognizes(source)
    source = Source("x.xml", b"<?xml version='1.0'?>\n<!-- note -->\n<OWASPZAPReport/>")
    assert ZapParser.recognizes(source)


def test_benchmark_generator_is_seeded_and_complete(tmp_path: Path) -> None:
    gen = benchmark_generator("zap")
    assert gen.BASELINE == "lxml"
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    gen.generate(first, 1200, seed=3)
    gen.generate(second, 1200, seed=3)
    assert first.read_bytes() == second.read_bytes()
    raw = _raw_alerts(first)
    assert len(raw) == 100 and sum(count for _, count in raw) == 1200
    assert len({site for site, _ in raw}) > 2
    scan = parse_paths([str(first)])[0]
    assert len(scan.findings) == 100
    assert sum(len(f.locations) for f in scan.findings) == 1200


ZAP_SAMPLES = sample_files("zap")


@pytest.fixture(scope="module")
def sample_multitool_errors(multitool: Multitool) -> dict[Path, list[str]]:
    """Validate the SARIF of every ZAP sample in one Multitool run; the errors per sample."""
    return multitool.errors_of_conversions({path: [path] for path in ZAP_SAMPLES})


@pytest.mark.parametrize("path", ZAP_SAMPLES, ids=lambda p: p.name)
def test_shared_samples_convert_with_every_alert(
    path: Path, sarif_schema_validator: object
) -> None:
    assert detect(Source.read(path)) is ZapParser
    log = convert_log(path)
    assert_valid_sarif(sarif_schema_validator, log)
    raw = _raw_alerts(path)
    assert sarif_result_count(log) == len(raw) == sample_count(path)
    (scan,) = parse_fixture(path)
    assert _instance_locations(scan) == [count for _, count in raw]


@pytest.mark.parametrize("path", ZAP_SAMPLES, ids=lambda p: p.name)
def test_shared_samples_pass_multitool(
    path: Path, sample_multitool_errors: dict[Path, list[str]]
) -> None:
    assert sample_multitool_errors[path] == []
