"""The CycloneDX parser: cyclonedx-py and hand-written fixtures, Trivy's samples, bad input."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
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
    sample_detail,
    sample_files,
    sarif_result_count,
)
from sarifkit.parsers import detect, parse_paths

from sarifkit.model import Confidence, FindingStatus, ScanKind, Severity
from sarifkit.source import Source

CDX = FIXTURES / "cyclonedx"
CDX_FIXTURES = sorted([*CDX.glob("cyclonedx-*.json"), *CDX.glob("cyclonedx-*.xml")])
NS = re.compile(r"^\{http://cyclonedx\.org/schema/bom/1\.\d\}")


def _strip(tag: str) -> str:
    return NS.sub("", tag)


def _raw_xml(path: Path) -> dict[str, Any]:
    """Return the counts of a CycloneDX XML fixture, read with the stdlib (trusted input)."""
    root = ET.parse(path).getroot()
    vulns = [e for e in root.iter() if _strip(e.tag) == "vulnerability"]
    ids = {next(c.text for c in v if _strip(c.tag) == "id") for v in vulns}
    targets = [sum(1 for t in v.iter() if _strip(t.tag) == "target") for v in vulns]
    top = next((c for c in root if _strip(c.tag) == "components"), None)
    components = (
        sum(1 for e in top.iter() if _strip(e.tag) == "component") if top is not None else 0
    )
    return {"ids": ids, "findings": sum(max(1, n) for n in targets), "components": components}


def _count_components(components: list[dict[str, Any]]) -> int:
    return sum(1 + _count_components(c.get("components") or []) for c in components)


def _raw(path: Path) -> dict[str, Any]:
    """Return an independent count of a fixture: vulnerability ids, findings, components.

    One finding per vulnerability per ``affects`` entry; a vulnerability with no affects is one.
    """
    if path.suffix == ".xml":
        return _raw_xml(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    vulns = doc.get("vulnerabilities") or []
    return {
        "ids": {v["id"] for v in vulns},
        "findings": sum(max(1, len(v.get("affects") or [])) for v in vulns),
        "components": _count_components(doc.get("components") or []),
    }


@pytest.mark.parametrize("path", CDX_FIXTURES, ids=lambda p: p.name)
def test_fixture_model_snapshot(path: Path, json_snapshot: object) -> None:
    (scan,) = parse_fixture(path)
    raw = _raw(path)
    assert len(scan.findings) == raw["findings"]
    assert {f.rule_id for f in scan.findings} == raw["ids"]
    assert len(scan.components) == raw["components"] == scan.metrics["components"]
    assert scan.model_dump(mode="json") == json_snapshot


@pytest.mark.parametrize("path", CDX_FIXTURES, ids=lambda p: p.name)
def test_fixture_sarif_snapshot(path: Path, json_snapshot: object) -> None:
    log = convert_log(path)
    assert len(log["runs"]) == 1
    assert sarif_result_count(log) == _raw(path)["findings"]
    assert log == json_snapshot


def test_sbom_without_vulnerabilities_is_an_empty_run() -> None:
    # Schema validity: tests/test_registry.py::test_fixture_converts_to_valid_sarif.
    log = convert_log(CDX / "cyclonedx-1.4-cyclonedx-py-7.5-venv.json")
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["properties"]["componentCount"] == 5


def test_legacy_tools_array_and_inventory() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.4-cyclonedx-py-7.5-venv.json")])[0]
    assert (scan.tool.name, scan.tool.version, scan.tool.vendor) == (
        "cyclonedx-py",
        "7.5.0",
        "CycloneDX",
    )
    assert scan.kind is ScanKind.DEPENDENCY and scan.target is None
    jinja = next(c for c in scan.components if c.name == "Jinja2")
    assert jinja.purl == "pkg:pypi/jinja2@2.11.2" and jinja.version == "2.11.2"
    assert jinja.licenses == ["BSD-3-Clause", "License :: OSI Approved :: BSD License"]
    assert scan.metrics["licenses"] == 3  # BSD-3-Clause, the classifier name, MIT


def test_xml_and_json_of_one_sbom_give_the_same_inventory() -> None:
    from_json = parse_paths([str(CDX / "cyclonedx-1.5-cyclonedx-py-7.5-venv.json")])[0]
    from_xml = parse_paths([str(CDX / "cyclonedx-1.5-cyclonedx-py-7.5-venv.xml")])[0]
    assert from_json.components == from_xml.components
    assert from_json.tool == from_xml.tool
    assert from_json.metrics == from_xml.metrics


def test_container_tools_components_nested_components_and_manifests() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.6-container-vex.json")])[0]
    assert scan.tool.name == "trivy" and scan.tool.version == "0.56.2"
    assert scan.tool.vendor == "Aqua Security Software Ltd."
    assert scan.kind is ScanKind.CONTAINER
    assert scan.target == "registry.example.com/shop/web:1.4.2"
    names = [c.name for c in scan.components]
    # Depth-first: the site-packages application, then its libraries, then the vendored OpenSSL.
    assert names[3:] == [
        "usr/local/lib/python3.11/site-packages",
        "requests",
        "urllib3",
        "cryptography",
        "openssl",
    ]
    crypto = next(c for c in scan.components if c.name == "cryptography")
    assert crypto.licenses == ["Apache-2.0 OR BSD-3-Clause"]
    openssl_findings = [f for f in scan.findings if f.rule_id == "CVE-2023-5363"]
    locs = [f.locations[0] for f in openssl_findings]
    assert [loc.name for loc in locs] == ["libcrypto3", "openssl"]  # type: ignore[union-attr]
    # No FilePath property: the SBOM itself is the manifest; with one: the file Trivy names.
    assert locs[0].manifest == str(CDX / "cyclonedx-1.6-container-vex.json")  # type: ignore[union-attr]
    assert locs[1].manifest.endswith("_rust.abi3.so")  # type: ignore[union-attr]
    assert all(loc.image == scan.target for loc in locs)  # type: ignore[union-attr]
    assert locs[0].layer and locs[0].ecosystem == "apk"  # type: ignore[union-attr]


def test_vex_states() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.6-container-vex.json")])[0]
    by_id = {f.rule_id: f for f in scan.findings}
    assert by_id["CVE-2023-5363"].status is FindingStatus.OPEN  # exploitable
    assert by_id["CVE-2023-38325"].status is FindingStatus.OPEN  # in_triage
    assert by_id["CVE-2023-38325"].properties["analysis"]["state"] == "in_triage"
    not_affected = by_id["CVE-2023-42363"]
    assert not_affected.status is FindingStatus.SUPPRESSED
    assert not_affected.suppressions[0].justification == (
        "not_affected (code_not_reachable); response: will_not_fix: "
        "awk is never invoked by the image's entrypoint."
    )
    false_positive = by_id["CVE-2021-33503"]
    assert false_positive.status is FindingStatus.SUPPRESSED
    assert false_positive.confidence is Confidence.FALSE_POSITIVE
    resolved = by_id["CVE-2023-32681"]
    assert resolved.status is FindingStatus.FIXED
    assert resolved.suppressions[0].justification.startswith("resolved; response: update: ")  # type: ignore[union-attr]
    app = parse_paths([str(CDX / "cyclonedx-1.7-application-vulnerabilities.json")])[0]
    pedigree = next(f for f in app.findings if f.rule_id == "CVE-2022-24999")
    assert pedigree.status is FindingStatus.FIXED and pedigree.suppressions


def test_suppressions_reach_sarif() -> None:
    log = convert_log(CDX / "cyclonedx-1.6-container-vex.json")
    suppressed = {
        r["ruleId"]: r["suppressions"][0] for r in log["runs"][0]["results"] if "suppressions" in r
    }
    assert set(suppressed) == {"CVE-2023-42363", "CVE-2023-32681", "CVE-2021-33503"}
    assert all(s["kind"] == "external" and s["status"] == "accepted" for s in suppressed.values())


def test_severity_prefers_the_vulnerability_source_then_the_worst_rating() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.6-container-vex.json")])[0]
    by_id = {f.rule_id: f for f in scan.findings}
    # Source alpine rates it low although NVD says medium: the source's own rating wins.
    assert by_id["CVE-2023-42363"].severity is Severity.LOW
    assert by_id["CVE-2023-42363"].properties["severity_source"] == "alpine"
    # Source alpine gives no rating: the worst of NVD (high) and Red Hat (medium).
    assert by_id["CVE-2023-5363"].severity is Severity.HIGH
    # A rating with a score and no severity word is banded by the score (6.5: medium).
    assert by_id["GHSA-jm77-qphf-c4w8"].severity is Severity.MEDIUM
    # NVD, the source, rates it twice (CVSS v2 medium, v3.1 high): the worse of the two counts.
    assert by_id["CVE-2021-33503"].severity is Severity.HIGH
    cvss = by_id["CVE-2021-33503"].cvss
    assert [(c.version, c.score, c.source) for c in cvss] == [
        ("2.0", 5.0, "nvd"),
        ("3.1", 7.5, "nvd"),
    ]


def test_identifiers_references_fix_and_rules() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.7-application-vulnerabilities.json")])[0]
    lodash = next(f for f in scan.findings if f.rule_id == "CVE-2021-23337")
    assert lodash.identifier_values("cve") == ["CVE-2021-23337"]
    assert lodash.identifier_values("ghsa") == ["GHSA-35jh-r3h4-6jhm"]
    assert lodash.identifier_values("cwe") == ["CWE-77", "CWE-94"]
    assert (
        lodash.fix is not None and lodash.fix.remediation == "Upgrade lodash to 4.17.21 or later."
    )
    assert "https://snyk.io/vuln/SNYK-JS-LODASH-1040724" in lodash.references
    rule = scan.rule_map()["CVE-2021-23337"]
    assert (
        rule.cwes == [77, 94]
        and rule.help_uri == "https://github.com/advisories/GHSA-35jh-r3h4-6jhm"
    )
    assert scan.tool.name == "Dependency-Track" and scan.tool.vendor == "OWASP"
    assert scan.properties["tools"] == ["Dependency-Track 4.13.2", "osv.dev"]


def test_one_finding_per_affected_component_and_subject_fallback() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.7-application-vulnerabilities.json")])[0]
    minimist = [f for f in scan.findings if f.rule_id == "CVE-2021-44906"]
    assert [f.properties["bom_ref"] for f in minimist] == [
        "pkg:npm/minimist@1.2.5",
        "pkg:npm/minimist@1.2.5?nested=mkdirp",
    ]
    assert len({f.fingerprint for f in scan.findings}) == len(scan.findings)
    unlocated = next(f for f in scan.findings if f.rule_id == "GHSA-9wv6-86v2-598j")
    assert unlocated.locations[0].name == "shop-api"  # type: ignore[union-attr]
    assert scan.target == "shop-api@2.3.0"


def test_unknown_affects_ref_is_kept_as_the_package() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.6-container-vex.json")])[0]
    ghsa = [f for f in scan.findings if f.rule_id == "GHSA-jm77-qphf-c4w8"]
    assert len(ghsa) == 2
    unknown = ghsa[1].locations[0]
    assert unknown.name == unknown.purl == "pkg:pypi/cryptography@41.0.3?vendored=openssl"  # type: ignore[union-attr]


def test_xml_vulnerabilities() -> None:
    scan = parse_paths([str(CDX / "cyclonedx-1.5-java-vulnerabilities.xml")])[0]
    assert scan.tool.name == "dependency-check" and scan.tool.vendor == "OWASP"
    assert scan.properties["format"] == "xml" and scan.properties["version"] == 1
    log4shell = scan.findings[0]
    assert log4shell.rule_id == "CVE-2021-44228" and log4shell.severity is Severity.CRITICAL
    assert log4shell.identifier_values("cwe") == ["CWE-20", "CWE-400", "CWE-502"]
    assert log4shell.identifier_values("ghsa") == ["GHSA-jfh8-c2jp-5v3q"]
    assert [c.score for c in log4shell.cvss] == [10.0, 9.3]
    assert log4shell.locations[0].manifest == "app/lib/log4j-core-2.14.1.jar"  # type: ignore[union-attr]
    assert log4shell.properties["analysis"]["response"] == ["update", "workaround_available"]
    assert [f.status for f in scan.findings[1:]] == [FindingStatus.SUPPRESSED] * 2
    api = next(c for c in scan.components if c.name == "log4j-api")
    assert api.licenses == ["The Apache Software License, Version 2.0"]


# --- Trivy's own SBOMs (../shared/samples/trivy-sbom) ------------------------------------------


@pytest.mark.parametrize(
    "path", sample_files("trivy-sbom", "cyclonedx-*.json"), ids=lambda p: p.name
)
def test_shared_samples_convert_with_every_vulnerability(
    path: Path, sarif_schema_validator: object
) -> None:
    assert detect(Source.read(path)).name == "cyclonedx"
    log = convert_log(path)
    assert_valid_sarif(sarif_schema_validator, log)
    raw = _raw(path)
    # count_findings.py counts vulnerabilities; sarifkit emits one result per affected component.
    assert len(raw["ids"]) == sample_count(path)
    assert sarif_result_count(log) == raw["findings"]
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == raw["ids"]
    (scan,) = parse_fixture(path)
    components = int(re.search(r"(\d+) components", sample_detail(path)).group(1))  # type: ignore[union-attr]
    assert len(scan.components) == components == raw["components"]


# --- Bad input ------------------------------------------------------------------------------------

MALFORMED = CDX / "malformed"
SPDX_FILE = FIXTURES / "spdx" / "spdx-2.3-python-app-security-refs.json"
# (file, extra CLI args, text the one stderr line must contain)
CASES = [
    ("truncated.json", [], "is not valid JSON"),
    ("truncated.xml", [], "is not well-formed XML"),
    ("billion-laughs.xml", [], "DOCTYPE is refused"),
    ("billion-laughs.xml", ["--tool", "cyclonedx"], "DOCTYPE is refused"),
    ("external-entity.xml", [], "DOCTYPE is refused"),
    ("external-entity.xml", ["--tool", "cyclonedx"], "DOCTYPE is refused"),
    ("unsupported-namespace.xml", [], "unsupported specVersion '2.0'"),
    ("unsupported-spec-version.json", [], "unsupported specVersion '2.0'"),
    ("metadata-not-an-object.json", [], "'metadata' is not an object"),
    ("components-not-a-list.json", [], "'components' is not a list"),
    ("nested-components-not-a-list.json", [], "'components[].components' is not a list"),
    ("component-not-an-object.json", [], "a component is not an object"),
    ("component-without-name.json", [], "a component has no 'name'"),
    ("vulnerabilities-not-a-list.json", [], "'vulnerabilities' is not a list"),
    ("vulnerability-not-an-object.json", [], "vulnerabilities[0] is not an object"),
    ("affects-not-a-list.json", [], "'vulnerabilities[0].affects' is not a list"),
    ("ratings-not-a-list.json", [], "'vulnerabilities[0].ratings' is not a list"),
]


@pytest.mark.parametrize(("name", "args", "message"), CASES, ids=case_ids(CASES))
def test_bad_input_is_one_line_and_exit_2(
    name: str, args: list[str], message: str, tmp_path: Path
) -> None:
    assert_convert_rejects(MALFORMED / name, args, message, tmp_path)


def test_other_sbom_with_tool_cyclonedx_is_refused(tmp_path: Path) -> None:
    message = "does not look like a CycloneDX SBOM report"
    line = assert_convert_rejects(SPDX_FILE, ["--tool", "cyclonedx"], message, tmp_path)
    assert line == f"sarifkit: error: {SPDX_FILE}: {message}"


def test_external_entity_is_never_expanded() -> None:
    # The entity names /etc/passwd: whatever the outcome, the file's content must not appear.
    result = run_cli(["convert", str(MALFORMED / "external-entity.xml")])
    assert "root:" not in result.stdout + result.stderr
