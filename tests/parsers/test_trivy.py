"""The Trivy JSON parser: hand-written fixtures, the shared samples, snapshots, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    FIXTURES,
    SAMPLES,
    assert_convert_rejects,
    assert_valid_sarif,
    benchmark_generator,
    convert_log,
    parse_fixture,
    run_cli,
    sample_count,
    sample_files,
    sarif_result_count,
)
from sarifkit.parsers import detect, parse_paths
from sarifkit.parsers.trivy import TrivyParser

from sarifkit.model import (
    CodeLocation,
    FindingStatus,
    PackageLocation,
    Scan,
    ScanKind,
    Severity,
)
from sarifkit.source import Source

TRIVY = FIXTURES / "trivy"
TRIVY_FIXTURES = sorted(TRIVY.glob("*.json"))
TRIVY_SAMPLES = [p for p in sample_files("trivy", "*.json") if not p.name.endswith(".sarif.json")]
UNMASKED = "ghp_UNMASKEDcontextLINE0123456789abcdef"


def _raw_count(path: Path) -> tuple[int, int]:
    """Count (findings, suppressed findings) in a raw Trivy report, independently of the parser.

    Findings are Vulnerabilities + Misconfigurations other than PASS + Secrets + Licenses, plus
    ModifiedFindings, which are the suppressed ones.
    """
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc is None:
        return 0, 0
    if isinstance(doc, list):
        results = doc
    elif "ClusterName" in doc:
        results = [
            result
            for key in ("Resources", "Vulnerabilities", "Misconfigurations")
            for resource in doc.get(key) or []
            for result in resource.get("Results") or []
        ]
    else:
        results = doc.get("Results") or []
    findings = suppressed = 0
    for result in results:
        findings += len(result.get("Vulnerabilities") or [])
        findings += len(result.get("Secrets") or [])
        findings += len(result.get("Licenses") or [])
        findings += sum(
            1 for m in result.get("Misconfigurations") or [] if m.get("Status") != "PASS"
        )
        modified = len(result.get("ModifiedFindings") or [])
        findings += modified
        suppressed += modified
        suppressed += sum(
            1 for v in result.get("Vulnerabilities") or [] if v.get("Status") == "not_affected"
        )
        suppressed += sum(
            1 for m in result.get("Misconfigurations") or [] if m.get("Status") == "EXCEPTION"
        )
    return findings, suppressed


def _scans(name: str) -> list[Scan]:
    return parse_paths([str(TRIVY / name)])


def _findings(name: str) -> list[Any]:
    return [finding for scan in _scans(name) for finding in scan.findings]


# -- fixtures: snapshots, counts, valid SARIF ----------------------------------------------------


@pytest.mark.parametrize("path", TRIVY_FIXTURES, ids=lambda p: p.name)
def test_fixture_model_snapshot(path: Path, json_snapshot: object) -> None:
    scans = parse_fixture(path)
    findings = [f for scan in scans for f in scan.findings]
    assert (len(findings), sum(not f.is_open for f in findings)) == _raw_count(path)
    assert [scan.model_dump(mode="json") for scan in scans] == json_snapshot


@pytest.mark.parametrize("path", TRIVY_FIXTURES, ids=lambda p: p.name)
def test_fixture_sarif_snapshot(path: Path, json_snapshot: object) -> None:
    log = convert_log(path)
    assert sarif_result_count(log) == _raw_count(path)[0]
    assert log == json_snapshot


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("image-alpine-os-and-lang.json", [ScanKind.CONTAINER, ScanKind.SECRET]),
        ("fs-lockfiles.json", [ScanKind.DEPENDENCY]),
        ("config-terraform-dockerfile.json", [ScanKind.IAC]),
        ("secret-repo.json", [ScanKind.SECRET]),
        ("license-fs.json", [ScanKind.LICENSE]),
        ("legacy-array.json", [ScanKind.CONTAINER]),
        ("null.json", [ScanKind.DEPENDENCY]),
        ("empty-no-results.json", [ScanKind.DEPENDENCY]),
        ("empty-results-array.json", [ScanKind.CONTAINER]),
        ("k8s-cluster.json", [ScanKind.CONTAINER, ScanKind.IAC]),
    ],
)
def test_one_scan_per_kind_in_a_fixed_order(name: str, kinds: list[ScanKind]) -> None:
    scans = _scans(name)
    assert [scan.kind for scan in scans] == kinds
    first = scans[0]
    for scan in scans:
        assert (scan.tool, scan.target, scan.started_at) == (
            first.tool,
            first.target,
            first.started_at,
        )


def test_every_fixture_is_listed() -> None:
    assert {p.name for p in TRIVY_FIXTURES} >= {
        "image-alpine-os-and-lang.json",
        "k8s-cluster.json",
        "null.json",
        "legacy-array.json",
    }


# -- field mapping ------------------------------------------------------------------------------


def test_image_findings_name_their_image_os_and_layer() -> None:
    scan = _scans("image-alpine-os-and-lang.json")[0]
    assert scan.tool.name == "Trivy" and scan.target == "registry.example.com/shop/web:1.4.2"
    assert scan.properties["ImageID"].startswith("sha256:9617")
    assert scan.properties["RepoDigests"]
    os_pkg = next(f for f in scan.findings if f.rule_id == "CVE-2019-1549")
    loc = os_pkg.locations[0]
    assert isinstance(loc, PackageLocation)
    assert loc.image == "registry.example.com/shop/web:1.4.2"
    assert loc.operating_system == "alpine 3.10.2"
    assert loc.layer == "sha256:9d48c3bd43c520dc2784e868a780e976b207cbf493eaff8c6596eb871cbd9609"
    assert loc.manifest is None and loc.path is None and loc.ecosystem == "alpine"
    assert loc.purl is not None and loc.purl.startswith("pkg:apk/alpine/libcrypto1.1@")
    lang = next(f for f in scan.findings if f.rule_id == "CVE-2021-23337")
    loc = lang.locations[0]
    assert isinstance(loc, PackageLocation)
    assert loc.path == "srv/app/node_modules/lodash/package.json"
    assert loc.image == "registry.example.com/shop/web:1.4.2" and loc.manifest is None
    # A layer given only by DiffID still names the layer.
    temp = next(f for f in scan.findings if f.rule_id.startswith("TEMP-"))
    assert temp.locations[0].layer.startswith("sha256:0390")  # type: ignore[union-attr]


def test_filesystem_findings_name_their_lock_file() -> None:
    scan = _scans("fs-lockfiles.json")[0]
    manifests = {
        f.locations[0].manifest  # type: ignore[union-attr]
        for f in scan.findings
    }
    assert manifests == {
        "package-lock.json",
        "services/api/requirements.txt",
        "web/package-lock.json",
    }
    assert all(f.locations[0].image is None for f in scan.findings)  # type: ignore[union-attr]


def test_cvss_by_source_and_version() -> None:
    findings = {f.rule_id: f for f in _findings("image-alpine-os-and-lang.json")}
    ratings = {(c.source, c.version, c.score) for c in findings["CVE-2019-1549"].cvss}
    assert ratings == {("nvd", "2.0", 5.0), ("nvd", "3.1", 5.3), ("redhat", "3.0", 4.8)}
    v4 = next(c for c in findings["CVE-2023-45853"].cvss if c.version == "4.0")
    assert v4.source == "ghsa" and v4.score == 9.3 and v4.vector.startswith("CVSS:4.0/")  # type: ignore[union-attr]
    assert findings["TEMP-0841856-B18BAF"].cvss == []


def test_identifiers_severity_fix_and_references() -> None:
    findings = {f.rule_id: f for f in _findings("image-alpine-os-and-lang.json")}
    lodash = findings["CVE-2021-23337"]
    assert lodash.identifier_values("cve") == ["CVE-2021-23337"]
    assert lodash.identifier_values("cwe") == ["CWE-77", "CWE-94"]
    assert findings["GHSA-p6mc-m468-83gw"].identifier_values("ghsa") == ["GHSA-p6mc-m468-83gw"]
    assert findings["TEMP-0841856-B18BAF"].severity is Severity.UNKNOWN
    assert findings["CVE-2023-45853"].severity is Severity.CRITICAL
    assert findings["CVE-2019-1549"].fix.fixed_versions == ["1.1.1d-r0", "1.1.1g-r0"]  # type: ignore[union-attr]
    assert findings["CVE-2023-45853"].fix is None
    assert "https://nvd.nist.gov/vuln/detail/CVE-2021-23337" in lodash.references
    assert lodash.properties["PublishedDate"] == "2021-02-15T13:15:00Z"
    assert lodash.properties["SeveritySource"] == "ghsa"
    pysec = next(f for f in _findings("fs-lockfiles.json") if f.rule_id == "PYSEC-2023-62")
    assert pysec.identifier_values("pysec") == ["PYSEC-2023-62"]
    assert pysec.severity is Severity.UNKNOWN


def test_vendor_statuses() -> None:
    findings = {f.rule_id: f for f in _findings("image-alpine-os-and-lang.json")}
    not_affected = findings["CVE-2024-0001"]
    assert not_affected.status is FindingStatus.SUPPRESSED
    assert "not_affected" in (not_affected.suppressions[0].justification or "")
    wont_fix = findings["CVE-2023-45853"]
    assert wont_fix.is_open and wont_fix.properties["Status"] == "will_not_fix"
    assert findings["TEMP-0841856-B18BAF"].properties["Status"] == "affected"


def test_modified_findings_are_suppressed_with_the_vex_statement() -> None:
    scan = _scans("fs-lockfiles.json")[0]
    vex = next(f for f in scan.findings if f.rule_id == "CVE-2023-25577")
    assert vex.status is FindingStatus.SUPPRESSED
    suppression = vex.suppressions[0]
    assert suppression.source == "OpenVEX (.vex/api.openvex.json)"
    assert "vulnerable_code_not_in_execute_path" in (suppression.justification or "")
    assert scan.metrics["trivy.suppressed"] == 1


def test_duplicate_cves_in_different_places_all_survive() -> None:
    lodash = [
        f for f in _findings("image-alpine-os-and-lang.json") if f.rule_id == "CVE-2021-23337"
    ]
    assert len(lodash) == 2
    assert len({f.fingerprint for f in lodash}) == 2
    assert all(":" not in f.fingerprint for f in lodash)  # distinct by place, not by a counter
    qs = [f for f in _findings("fs-lockfiles.json") if f.rule_id == "CVE-2022-24999"]
    assert len(qs) == 2 and len({f.fingerprint for f in qs}) == 2


@pytest.mark.parametrize("path", TRIVY_FIXTURES, ids=lambda p: p.name)
def test_fingerprints_are_unique_and_stable(path: Path) -> None:
    first = [f.fingerprint for scan in parse_paths([str(path)]) for f in scan.findings]
    second = [f.fingerprint for scan in parse_paths([str(path)]) for f in scan.findings]
    assert first == second and len(set(first)) == len(first)


def test_fingerprints_ignore_the_image_tag(tmp_path: Path) -> None:
    text = (TRIVY / "image-alpine-os-and-lang.json").read_text(encoding="utf-8")
    retagged = tmp_path / "retagged.json"
    retagged.write_text(text.replace("shop/web:1.4.2", "shop/web:1.4.3"), encoding="utf-8")
    before = [f.fingerprint for f in _scans("image-alpine-os-and-lang.json")[0].findings]
    after = [f.fingerprint for f in parse_paths([str(retagged)])[0].findings]
    assert before == after


def test_packages_become_components() -> None:
    scans = _scans("fs-lockfiles.json")
    components = {c.name: c for c in scans[0].components}
    assert set(components) == {"express", "qs"}
    assert components["qs"].purl == "pkg:npm/qs@6.7.0"
    assert components["qs"].licenses == ["BSD-3-Clause"]
    assert components["qs"].path == "package-lock.json" and components["qs"].type == "npm"
    image = _scans("image-alpine-os-and-lang.json")
    assert [c.name for c in image[0].components] == ["libcrypto1.1", "musl"]
    assert image[1].components == []


def test_misconfigurations_with_and_without_lines() -> None:
    scan = _scans("config-terraform-dockerfile.json")[0]
    by_id = {f.rule_id: f for f in scan.findings}
    assert set(by_id) == {"DS002", "AVD-AWS-0086", "AVD-AWS-0089", "AVD-AWS-0090"}
    bucket = by_id["AVD-AWS-0086"].locations[0]
    assert isinstance(bucket, CodeLocation)
    assert (bucket.path, bucket.start_line, bucket.end_line) == ("terraform/main.tf", 12, 15)
    assert bucket.snippet == 'resource "aws_s3_bucket" "assets" {\n  bucket = "shop-assets"\n\n}'
    assert bucket.message == "aws_s3_bucket.assets"
    # Colour escapes in Content are stripped too.
    logs = by_id["AVD-AWS-0089"]
    assert logs.locations[0].snippet == 'resource "aws_s3_bucket" "this" {'  # type: ignore[union-attr]
    assert logs.related_locations[0].start_line == 40  # type: ignore[union-attr]
    docker = by_id["DS002"].locations[0]
    assert isinstance(docker, CodeLocation)
    assert (docker.path, docker.start_line, docker.snippet) == ("Dockerfile", None, None)
    assert by_id["DS002"].title.startswith("Specify at least 1 USER")
    assert by_id["DS002"].fix.remediation.startswith("Add 'USER")  # type: ignore[union-attr]
    assert by_id["DS002"].identifier_values("avd") == ["AVD-DS-0002"]
    assert by_id["AVD-AWS-0090"].status is FindingStatus.SUPPRESSED
    assert "DS026" not in by_id  # PASS: a passed check, counted below
    assert scan.metrics["trivy.misconfigurations.passed"] == 1
    assert scan.metrics["trivy.misconfigurations.successes"] == 33
    assert "\x1b" not in json.dumps(scan.model_dump(mode="json"))


def test_secrets_keep_only_the_masked_match(tmp_path: Path) -> None:
    scan = _scans("secret-repo.json")[0]
    assert len(scan.findings) == 3
    first = scan.findings[0]
    loc = first.locations[0]
    assert isinstance(loc, CodeLocation)
    assert (loc.path, loc.start_line) == ("scripts/deploy.sh", 4)
    assert loc.snippet == "export AWS_ACCESS_KEY_ID=********************"
    assert first.severity is Severity.CRITICAL and "Code" not in first.properties
    assert scan.rule_map()["aws-access-key-id"].cwes == [798]
    assert UNMASKED not in json.dumps(scan.model_dump(mode="json"))
    out = tmp_path / "out.sarif"
    assert run_cli(["convert", str(TRIVY / "secret-repo.json"), "-o", str(out)]).exit_code == 0
    assert UNMASKED not in out.read_text(encoding="utf-8")
    findings = run_cli(["convert", "--format", "findings", str(TRIVY / "secret-repo.json")])
    assert UNMASKED not in findings.stdout


def test_licenses() -> None:
    scan = _scans("license-fs.json")[0]
    by_name = {f.rule_id: f for f in scan.findings}
    gpl = by_name["GPL-2.0-only"]
    assert gpl.severity is Severity.HIGH and isinstance(gpl.locations[0], PackageLocation)
    assert gpl.locations[0].name == "node-forge"
    assert gpl.references == ["https://spdx.org/licenses/GPL-2.0-only.html"]
    assert by_name["SEE LICENSE IN LICENSE.txt"].severity is Severity.UNKNOWN
    loose = by_name["MPL-2.0"].locations[0]
    assert isinstance(loose, CodeLocation) and loose.path == "vendor/libfoo/LICENSE"
    assert "reciprocal" in scan.rule_map()["MPL-2.0"].tags


def test_legacy_array_names_the_image_from_the_os_target() -> None:
    scan = _scans("legacy-array.json")[0]
    os_loc = scan.findings[0].locations[0]
    assert isinstance(os_loc, PackageLocation)
    assert (os_loc.image, os_loc.operating_system) == ("shop/web:1.0", "alpine 3.10.2")
    lock = scan.findings[1].locations[0]
    assert isinstance(lock, PackageLocation) and lock.manifest == "app/package-lock.json"
    assert scan.findings[1].identifier_values("nswg") == ["NSWG-ECO-516"]
    assert scan.target is None and scan.tool.version is None


@pytest.mark.parametrize("name", ["null.json", "empty-no-results.json", "empty-results-array.json"])
def test_empty_reports_give_one_empty_scan(name: str) -> None:
    scans = _scans(name)
    assert len(scans) == 1 and scans[0].findings == [] and scans[0].rules == []


def test_kubernetes_cluster_report() -> None:
    container, iac = _scans("k8s-cluster.json")
    assert container.target == "kind-shop" and container.kind is ScanKind.CONTAINER
    assert container.properties["ClusterName"] == "kind-shop"
    web, worker = container.findings
    assert web.rule_id == worker.rule_id == "CVE-2019-1549"
    assert web.properties["Resource"] == {"Namespace": "shop", "Kind": "Deployment", "Name": "web"}
    assert web.locations[0].message == "libcrypto1.1@1.1.1c-r0 in Deployment shop/web"
    assert worker.locations[0].message == "libcrypto1.1@1.1.1c-r0 in Deployment shop/worker"
    assert web.locations[0].image == "registry.example.com/shop/web:1.4.2"  # type: ignore[union-attr]
    assert web.locations[0].operating_system == "alpine 3.10.2"  # type: ignore[union-attr]
    assert web.fingerprint != worker.fingerprint and ":" not in worker.fingerprint
    assert "pull access denied" in container.notifications[0].message
    assert "Pod kube-system/metrics-agent-7d9f" in container.notifications[0].message
    messages = [f.locations[0].message for f in iac.findings]
    assert messages == ["Deployment shop/web", "ClusterRole shop-admin"]
    assert iac.findings[1].severity is Severity.CRITICAL


# -- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {}},
        {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Trivy"}}, "results": []}]},
        {"results": [], "errors": [], "metrics": {}},
        {"SchemaVersion": 2},
        [],
        [["django", "<1.2", "1.0", "advisory", "12345"]],
        [{"name": "not a result"}],
    ],
)
def test_other_documents_are_not_claimed(doc: object, tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert not TrivyParser.recognizes(Source.read(path))


@pytest.mark.parametrize(
    "path",
    [
        *sample_files("trivy-sbom", "*.json"),
        *sample_files("trivy", "*.sarif.json"),
        *sample_files("bandit", "*.json"),
        *sample_files("safety", "*.json"),
    ],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_sbom_sarif_and_other_samples_are_not_claimed(path: Path) -> None:
    assert not TrivyParser.recognizes(Source.read(path))


# -- shared samples -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", TRIVY_SAMPLES, ids=lambda p: p.name)
def test_shared_samples_convert_with_every_finding(
    path: Path, sarif_schema_validator: object
) -> None:
    assert detect(Source.read(path)) is TrivyParser
    log = convert_log(path)
    assert_valid_sarif(sarif_schema_validator, log)
    assert sarif_result_count(log) == _raw_count(path)[0] == sample_count(path)


def test_shared_samples_are_present_where_shared_is() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present")
    assert len(TRIVY_SAMPLES) >= 10


# -- bad input ----------------------------------------------------------------------------------

MALFORMED = [
    ("results-not-a-list.json", "not a valid Trivy JSON report: 'Results' is not a list"),
    (
        "vulnerability-without-id.json",
        "not a valid Trivy JSON report: Results[0].Vulnerabilities[0] has no VulnerabilityID",
    ),
    (
        "vulnerability-not-an-object.json",
        "Results[0].Vulnerabilities[0] is not an object",
    ),
    ("misconfigurations-not-a-list.json", "Results[0].Misconfigurations is not a list"),
    ("k8s-results-not-a-list.json", "Resources[0]: 'Results' is not a list"),
    ("truncated.json", "is not valid JSON"),
]


@pytest.mark.parametrize(("name", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("tool", [[], ["--tool", "trivy"]], ids=["detected", "tool"])
def test_malformed_report_is_one_line_and_exit_2(
    name: str, message: str, tool: list[str], tmp_path: Path
) -> None:
    assert_convert_rejects(TRIVY / "malformed" / name, tool, message, tmp_path)


# -- the benchmark generator --------------------------------------------------------------------


def test_generated_report_loses_no_finding(tmp_path: Path) -> None:
    generator = benchmark_generator("trivy")
    assert generator.BASELINE == "orjson"
    report = tmp_path / "big.json"
    generator.generate(report, 3000, seed=7)
    again = tmp_path / "again.json"
    generator.generate(again, 3000, seed=7)
    assert report.read_bytes() == again.read_bytes()
    assert _raw_count(report)[0] == 3000
    scans = parse_paths([str(report)])
    findings = [f for scan in scans for f in scan.findings]
    assert len(findings) == 3000
    # CVEs repeat across packages, targets and paths; each occurrence keeps its own identity.
    assert len({f.rule_id for f in findings}) < 1000
    assert len({f.fingerprint for f in findings}) == 3000
    out = tmp_path / "out.sarif"
    assert run_cli(["convert", str(report), "-o", str(out)]).exit_code == 0
    log = json.loads(out.read_bytes())
    results = [r for run in log["runs"] for r in run["results"]]
    assert len(results) == 3000
    assert len({r["partialFingerprints"]["primaryLocationLineHash"] for r in results}) == 3000
