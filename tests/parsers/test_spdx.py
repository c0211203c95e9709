"""The SPDX parser: hand-written SPDX 2.2/2.3 fixtures, Trivy's samples, bad input."""

from __future__ import annotations

import json
import re
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
    sample_count,
    sample_detail,
    sample_files,
    sarif_result_count,
)
from sarifkit.parsers import detect, parse_paths

from sarifkit.model import ScanKind, Severity
from sarifkit.source import Source

SPDX = FIXTURES / "spdx"
SPDX_FIXTURES = sorted(SPDX.glob("spdx-*.json"))
# Written apart from the parser's own pattern on purpose: an independent count.
CVE_OR_GHSA = re.compile(r"(CVE-[0-9]{4}-[0-9]+|GHSA-\w{4}-\w{4}-\w{4})", re.IGNORECASE)


def _raw(path: Path) -> dict[str, Any]:
    """Return the packages and the (package, id) pairs named by SECURITY reference locators."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    pairs = {
        (index, vid.upper())
        for index, package in enumerate(doc.get("packages") or [])
        for ref in package.get("externalRefs") or []
        if ref.get("referenceCategory") == "SECURITY"
        for vid in CVE_OR_GHSA.findall(ref.get("referenceLocator", ""))
    }
    return {"packages": len(doc.get("packages") or []), "findings": len(pairs)}


@pytest.mark.parametrize("path", SPDX_FIXTURES, ids=lambda p: p.name)
def test_fixture_model_snapshot(path: Path, json_snapshot: object) -> None:
    (scan,) = parse_fixture(path)
    raw = _raw(path)
    assert len(scan.findings) == raw["findings"] > 0
    assert len(scan.components) == raw["packages"] == scan.metrics["components"]
    assert scan.model_dump(mode="json") == json_snapshot


@pytest.mark.parametrize("path", SPDX_FIXTURES, ids=lambda p: p.name)
def test_fixture_sarif_snapshot(path: Path, json_snapshot: object) -> None:
    log = convert_log(path)
    assert sarif_result_count(log) == _raw(path)["findings"]
    assert log == json_snapshot


def test_spdx_2_2_inventory_licenses_and_security_refs() -> None:
    scan = parse_paths([str(SPDX / "spdx-2.2-image-security-refs.json")])[0]
    assert (scan.tool.name, scan.tool.version, scan.tool.vendor) == (
        "trivy",
        "0.45.1",
        "aquasecurity",
    )
    assert scan.kind is ScanKind.DEPENDENCY
    assert scan.target == "registry.example.com/edge/proxy:2.1"
    by_name = {c.name: c for c in scan.components}
    assert (
        by_name["libssl1.1"].purl == "pkg:apk/alpine/libssl1.1@1.1.1k-r0?arch=x86_64&distro=3.14.2"
    )
    assert by_name["zlib"].licenses == ["Zlib"]  # concluded NOASSERTION is skipped
    assert by_name["busybox"].licenses == ["GPL-2.0-only"]  # concluded NONE is skipped
    assert scan.metrics["licenses"] == 3
    # The cpe23Type reference names no vulnerability; the fix reference's locator names none.
    assert [(f.rule_id, f.severity) for f in scan.findings] == [
        ("CVE-2021-3711", Severity.CRITICAL),  # the comment says "severity: critical"
        ("CVE-2018-25032", Severity.UNKNOWN),
    ]
    busybox_refs = {f.locations[0].name for f in scan.findings}  # type: ignore[union-attr]
    assert "busybox" not in busybox_refs  # its reference is OTHER, not SECURITY


def test_spdx_2_3_one_finding_per_package_per_id() -> None:
    scan = parse_paths([str(SPDX / "spdx-2.3-python-app-security-refs.json")])[0]
    assert scan.tool.name == "syft" and scan.tool.version == "0.98.0"
    assert scan.tool.vendor == "Acme Corp"
    django = [f for f in scan.findings if f.locations[0].name == "Django"]  # type: ignore[union-attr]
    assert [f.rule_id for f in django] == ["GHSA-xpfp-f569-q3p2", "CVE-2021-35042"]
    assert django[0].severity is Severity.HIGH
    assert django[0].identifier_values("ghsa") == ["GHSA-xpfp-f569-q3p2"]
    assert django[1].identifier_values("cve") == ["CVE-2021-35042"]
    loc = django[0].locations[0]
    assert loc.purl == "pkg:pypi/django@3.2.0" and loc.ecosystem == "pypi"  # type: ignore[union-attr]
    root = scan.components[0]
    assert root.type == "application" and root.licenses == ["LicenseRef-Acme-Proprietary"]
    assert next(c for c in scan.components if c.name == "requests").purl == (
        "pkg:pypi/requests@2.25.1"
    )


@pytest.mark.parametrize("path", sample_files("trivy-sbom", "spdx-*.json"), ids=lambda p: p.name)
def test_shared_samples_convert(path: Path, sarif_schema_validator: object) -> None:
    assert detect(Source.read(path)).name == "spdx"
    log = convert_log(path)
    assert_valid_sarif(sarif_schema_validator, log)
    assert log["runs"][0]["results"] == []
    assert sarif_result_count(log) == sample_count(path) == 0
    (scan,) = parse_fixture(path)
    packages = int(re.search(r"(\d+) packages", sample_detail(path)).group(1))  # type: ignore[union-attr]
    assert len(scan.components) == packages == _raw(path)["packages"]
    assert scan.tool.name == "trivy" and scan.tool.version == "dev"


MALFORMED = SPDX / "malformed"
CDX_FILE = FIXTURES / "cyclonedx" / "cyclonedx-1.6-container-vex.json"
CASES = [
    ("truncated.json", [], "is not valid JSON"),
    ("unsupported-spdx-version.json", [], "unsupported spdxVersion 'SPDX-3.0'"),
    ("packages-not-a-list.json", [], "'packages' is not a list"),
    ("package-not-an-object.json", [], "packages[0] is not an object"),
    ("package-without-name.json", [], "packages[0] has no 'name'"),
    ("external-refs-not-a-list.json", [], "packages[0].externalRefs is not a list"),
    ("creation-info-not-an-object.json", [], "'creationInfo' is not an object"),
    ("truncated.json", ["--tool", "spdx"], "is not valid JSON"),
]


@pytest.mark.parametrize(("name", "args", "message"), CASES, ids=case_ids(CASES))
def test_bad_input_is_one_line_and_exit_2(
    name: str, args: list[str], message: str, tmp_path: Path
) -> None:
    assert_convert_rejects(MALFORMED / name, args, message, tmp_path)


def test_other_sbom_with_tool_spdx_is_refused(tmp_path: Path) -> None:
    message = "does not look like a SPDX JSON SBOM report"
    line = assert_convert_rejects(CDX_FILE, ["--tool", "spdx"], message, tmp_path)
    assert line == f"sarifkit: error: {CDX_FILE}: {message}"
