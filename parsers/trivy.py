"""Trivy JSON reports (``trivy image|fs|repo|config|sbom|k8s --format json``).

Reads schema 2 (Trivy 0.20 and later: an object with ``SchemaVersion`` 2, ``ArtifactName``,
``ArtifactType``, ``Metadata`` and ``Results``), the legacy top-level array of Result objects
(Trivy before 0.20), a bare ``null`` (what old releases wrote for a clean scan), and Kubernetes
cluster reports (``ClusterName`` with ``Resources[]``, each holding Namespace/Kind/Name/Results;
the older ``Vulnerabilities[]``/``Misconfigurations[]`` lists of resources too).

Each Result may hold ``Vulnerabilities``, ``Misconfigurations``, ``Secrets``, ``Licenses`` and,
with ``--list-all-pkgs``, ``Packages``; ``ModifiedFindings`` (``--show-suppressed``) are findings
Trivy suppressed through VEX or an ignore file. One report can hold several kinds of finding, so
the parser returns one `Scan` per kind present, always in the order vulnerabilities
(CONTAINER for images, VMs, root filesystems and clusters, DEPENDENCY otherwise), IAC, SECRET,
LICENSE; all share the tool, target and times. A report with no findings gives one empty scan of
the artifact's main kind.

Decisions (see README): a misconfiguration with Status PASS is a passed check, not a finding, and
is counted in the IAC scan's metrics; EXCEPTION is a suppressed finding. A vulnerability with
Status ``not_affected`` is a suppressed finding (the vendor says the package is not affected);
``will_not_fix``, ``fix_deferred``, ``end_of_life`` and the rest stay open, since the package is
still exposed, with the status kept in the finding's properties. Secrets keep only Trivy's masked
``Match``: ``Code.Lines`` is dropped whole, because its context lines are not masked.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from typing import Any

from sarifkit.parsers.base import Parser, as_dict, as_float, as_int, as_str, drain, parse_time

from sarifkit import severity
from sarifkit.model import (
    CodeLocation,
    Component,
    Cvss,
    Finding,
    FindingCategory,
    FindingStatus,
    Fix,
    Identifier,
    Location,
    Notification,
    PackageLocation,
    Rule,
    Scan,
    ScanKind,
    Severity,
    Suppression,
    Tool,
)
from sarifkit.source import Source

logger = logging.getLogger(__name__)

_INFO_URI = "https://trivy.dev/"
_intern = sys.intern
# Colour escapes Trivy puts in Code.Lines[].Highlighted (and sometimes in Content).
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# An OS target reads "<image or path> (<family> <version>)".
_OS_TARGET = re.compile(r"^(?P<where>.*?)\s*\((?P<os>[^()]+)\)$")

_IMAGE_ARTIFACTS = frozenset({"container_image", "vm", "rootfs"})
_OS_FAMILIES = frozenset(
    {
        "alpine",
        "alma",
        "amazon",
        "azurelinux",
        "bottlerocket",
        "cbl-mariner",
        "centos",
        "chainguard",
        "debian",
        "echo",
        "fedora",
        "minimos",
        "opensuse",
        "opensuse.leap",
        "opensuse.tumbleweed",
        "oracle",
        "photon",
        "redhat",
        "rocky",
        "sles",
        "suse linux enterprise micro",
        "ubuntu",
        "wolfi",
    }
)
# Targets that name a language rather than a file (packages found all over an image).
_LANGUAGE_TARGETS = frozenset(
    {"Python", "Node.js", "Java", "Ruby", "PHP", "Go", "Rust", ".NET", "Dart", "Swift", "Elixir"}
)
# Identifier type per vulnerability id prefix; other prefixes keep the id as a Trivy id.
_ID_TYPES = {
    "CVE": "cve",
    "GHSA": "ghsa",
    "GMS": "gms",
    "GO": "go",
    "PYSEC": "pysec",
    "RUSTSEC": "rustsec",
    "OSV": "osv",
    "ALAS": "alas",
    "ALAS2": "alas",
    "ALAS2022": "alas",
    "ALAS2023": "alas",
    "RHSA": "rhsa",
    "ELSA": "elsa",
    "DSA": "dsa",
    "DLA": "dla",
    "USN": "usn",
    "SNYK": "snyk",
    "NSWG": "nswg",
    "TEMP": "debian_temp",
    "BIT": "bitnami",
    "MAL": "malicious",
}
# Vulnerability keys mapped onto model fields; every other key stays in the finding's properties.
_VULN_MAPPED = frozenset(
    {
        "VulnerabilityID",
        "PkgName",
        "PkgPath",
        "PkgIdentifier",
        "InstalledVersion",
        "FixedVersion",
        "Layer",
        "PrimaryURL",
        "Title",
        "Description",
        "Severity",
        "CweIDs",
        "CVSS",
        "References",
    }
)
_MISCONF_MAPPED = frozenset(
    {
        "ID",
        "AVDID",
        "Title",
        "Description",
        "Message",
        "Resolution",
        "Severity",
        "PrimaryURL",
        "References",
        "CauseMetadata",
    }
)
# Secrets keep only these keys: anything else could hold the unmasked secret.
_SECRET_KEPT = ("Category", "Offset", "Deleted")
_NOT_AFFECTED = Suppression(
    kind="external",
    status="accepted",
    justification="Trivy: the vendor states that the package is not affected (not_affected)",
    source="trivy",
)
_EXCEPTED = Suppression(
    kind="external",
    status="accepted",
    justification="Trivy: an exception policy excepts this check (Status EXCEPTION)",
    source="trivy",
)
# (bucket, class names of Results that belong to it, finding array key)
_BUCKETS = ("vuln", "iac", "secret", "license")
_CLASS_BUCKET = {
    "os-pkgs": "vuln",
    "lang-pkgs": "vuln",
    "config": "iac",
    "secret": "secret",
    "license": "license",
    "license-file": "license",
}
_ARRAY_BUCKET = {
    "Vulnerabilities": "vuln",
    "Misconfigurations": "iac",
    "Secrets": "secret",
    "Licenses": "license",
}
_MODIFIED_TYPE_BUCKET = {
    "vulnerability": "vuln",
    "misconfiguration": "iac",
    "secret": "secret",
    "license": "license",
}


class _Context:
    """What a Result's findings need to know about where they were found."""

    __slots__ = ("image", "image_repo", "in_image", "klass", "os", "place", "resource", "target")

    def __init__(
        self,
        target: str,
        klass: str,
        in_image: bool,
        image: str | None,
        os_name: str | None,
        resource: dict[str, Any] | None,
    ) -> None:
        self.target = target
        self.klass = klass
        self.in_image = in_image
        self.image = image
        self.image_repo = _without_tag(image) if image else ""
        self.os = os_name
        self.resource = resource
        # What identifies the place of a finding across runs (fingerprints): not the image tag.
        where = "" if resource is None else "/".join(str(v) for v in resource.values())
        self.place = f"{where}|{self.image_repo}|{'' if klass == 'os-pkgs' else target}"


class _Bucket:
    """The findings, rules and metrics of one kind of scan while the report is read."""

    __slots__ = ("findings", "metrics", "present", "rules")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.rules: dict[str, Rule] = {}
        self.metrics: dict[str, float] = {}
        self.present = False

    def count(self, metric: str, amount: float = 1) -> None:
        self.metrics[metric] = self.metrics.get(metric, 0) + amount


class TrivyParser(Parser):
    """Reads Trivy's JSON report: images, file systems, repositories, configs, SBOMs, clusters."""

    name = "trivy"
    formats = "Trivy JSON"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        if _is_null(source):
            return True
        if not source.is_json():
            return False
        return _is_trivy(source.json())

    def parse(self, source: Source) -> list[Scan]:
        doc = None if _is_null(source) else source.json()
        self._source = source
        self._buckets = {name: _Bucket() for name in _BUCKETS}
        self._components: list[Component] = []
        self._notifications: list[Notification] = []
        self._vid_cache: dict[str, tuple[Any, list[Cvss], Any, list[Identifier]]] = {}
        self._locations: dict[tuple[Any, ...], PackageLocation] = {}
        self._fixes: dict[str, Fix] = {}
        self._saw_os = False
        if doc is None:
            doc = []
        if isinstance(doc, list):
            # Legacy reports name the image only in the target of its OS packages.
            image, os_name = _image_of(doc)
            self._read_results(doc, "", image, os_name, image is not None)
            return self._scans(doc={}, artifact_type=None, kubernetes=False)
        if not isinstance(doc, dict):
            raise self.error(source, "the document is neither an object nor an array")
        kubernetes = "ClusterName" in doc or ("Resources" in doc and "Results" not in doc)
        if kubernetes:
            self._read_cluster(doc)
        else:
            self._read_report(doc)
        return self._scans(doc, as_str(doc.get("ArtifactType")), kubernetes)

    # -- reading ------------------------------------------------------------------------------

    def _read_report(self, doc: dict[str, Any]) -> None:
        """Read a schema-2 report of one artifact."""
        results = doc.get("Results")
        if results is None:
            return
        if not isinstance(results, list):
            raise self.error(self._source, "'Results' is not a list")
        artifact_type = as_str(doc.get("ArtifactType"))
        in_image = artifact_type in _IMAGE_ARTIFACTS
        image = as_str(doc.get("ArtifactName")) if in_image else None
        metadata = as_dict(doc.get("Metadata"))
        self._read_results(results, "", image, _os_name(metadata), in_image)

    def _read_cluster(self, doc: dict[str, Any]) -> None:
        """Read a Kubernetes cluster report: every resource's Results, the resource recorded."""
        for key in ("Resources", "Vulnerabilities", "Misconfigurations"):
            resources = doc.get(key)
            if resources is None:
                continue
            if not isinstance(resources, list):
                raise self.error(self._source, f"'{key}' is not a list")
            for number, resource in enumerate(drain(resources)):
                if not isinstance(resource, dict):
                    raise self.error(self._source, f"{key}[{number}] is not an object")
                self._read_resource(resource, f"{key}[{number}]")

    def _read_resource(self, resource: dict[str, Any], where: str) -> None:
        """Read one Kubernetes resource (a workload, a node, the cluster's RBAC...)."""
        identity = {
            "Namespace": as_str(resource.get("Namespace")) or "",
            "Kind": as_str(resource.get("Kind")) or "",
            "Name": as_str(resource.get("Name")) or "",
        }
        label = _resource_label(identity)
        if resource.get("Error"):
            self._notifications.append(
                Notification(level="error", message=f"{label}: {resource['Error']}")
            )
        results = resource.get("Results")
        if results is None:
            return
        if not isinstance(results, list):
            raise self.error(self._source, f"{where}: 'Results' is not a list")
        image, os_name = _image_of(results, resource.get("Metadata"))
        self._read_results(results, f"{where}.", image, os_name, True, identity)

    def _read_results(
        self,
        results: list[Any],
        prefix: str,
        image: str | None,
        os_name: str | None,
        in_image: bool = False,
        resource: dict[str, str] | None = None,
    ) -> None:
        """Read a list of Result objects into the buckets, dropping each once read."""
        for number, result in enumerate(drain(results)):
            label = f"{prefix}Results[{number}]"
            if not isinstance(result, dict):
                raise self.error(self._source, f"{label} is not an object")
            target = _intern(as_str(result.get("Target")) or "")
            klass = _intern(as_str(result.get("Class")) or _guess_class(result))
            result_os = os_name
            if klass == "os-pkgs":
                self._saw_os = True
                match = _OS_TARGET.match(target)
                result_os = result_os or (match["os"] if match else None)
            ctx = _Context(target, klass, in_image, image, result_os, resource)
            self._read_result(result, ctx, label)

    def _read_result(self, result: dict[str, Any], ctx: _Context, label: str) -> None:
        """Read one Result's finding arrays, passed checks and package list."""
        bucket_name = _CLASS_BUCKET.get(ctx.klass)
        if bucket_name:
            self._buckets[bucket_name].present = True
        rtype = as_str(result.get("Type"))
        ecosystem = _intern(rtype) if rtype else None
        for key, name in _ARRAY_BUCKET.items():
            items = result.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise self.error(self._source, f"{label}.{key} is not a list")
            bucket = self._buckets[name]
            if items:
                bucket.present = True
            read = getattr(self, f"_read_{name}")
            read(items, ctx, ecosystem, bucket, f"{label}.{key}")
        summary = result.get("MisconfSummary")
        if isinstance(summary, dict):
            iac = self._buckets["iac"]
            for word in ("Successes", "Failures", "Exceptions"):
                count = as_int(summary.get(word))
                if count is not None:
                    iac.count(f"trivy.misconfigurations.{word.lower()}", count)
        self._read_modified(result.get("ModifiedFindings"), ctx, ecosystem, label)
        self._read_packages(result.get("Packages"), ctx, ecosystem)
        if bucket_name:
            self._buckets[bucket_name].count("trivy.targets")

    def _read_vuln(
        self, items: list[Any], ctx: _Context, ecosystem: str | None, bucket: _Bucket, label: str
    ) -> None:
        findings = bucket.findings
        rules = bucket.rules
        for number, raw in enumerate(drain(items)):
            findings.append(self._vulnerability(raw, ctx, ecosystem, rules, label, number))

    def _read_iac(
        self, items: list[Any], ctx: _Context, ecosystem: str | None, bucket: _Bucket, label: str
    ) -> None:
        for number, raw in enumerate(drain(items)):
            if not isinstance(raw, dict):
                raise self.error(self._source, f"{label}[{number}] is not an object")
            status = as_str(raw.get("Status"))
            if status == "PASS":
                # A passed check is not a finding; it is counted so that the totals still add up.
                bucket.count("trivy.misconfigurations.passed")
                continue
            finding = self._misconfiguration(raw, ctx, bucket.rules, f"{label}[{number}]")
            if status == "EXCEPTION":
                finding.status = FindingStatus.SUPPRESSED
                finding.suppressions = [_EXCEPTED]
            bucket.findings.append(finding)

    def _read_secret(
        self, items: list[Any], ctx: _Context, ecosystem: str | None, bucket: _Bucket, label: str
    ) -> None:
        for number, raw in enumerate(drain(items)):
            bucket.findings.append(self._secret(raw, ctx, bucket.rules, f"{label}[{number}]"))

    def _read_license(
        self, items: list[Any], ctx: _Context, ecosystem: str | None, bucket: _Bucket, label: str
    ) -> None:
        for number, raw in enumerate(drain(items)):
            finding = self._license(raw, ctx, ecosystem, bucket.rules, f"{label}[{number}]")
            bucket.findings.append(finding)

    def _read_modified(
        self, modified: object, ctx: _Context, ecosystem: str | None, label: str
    ) -> None:
        """Read findings Trivy suppressed (VEX, .trivyignore) as suppressed findings."""
        if not isinstance(modified, list):
            return
        for number, entry in enumerate(modified):
            where = f"{label}.ModifiedFindings[{number}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("Finding"), dict):
                raise self.error(self._source, f"{where} has no 'Finding' object")
            name = _MODIFIED_TYPE_BUCKET.get(str(entry.get("Type")).lower())
            if name is None:
                raise self.error(self._source, f"{where} has unknown Type {entry.get('Type')!r}")
            bucket = self._buckets[name]
            bucket.present = True
            raw = entry["Finding"]
            if name == "vuln":
                finding = self._vulnerability(raw, ctx, ecosystem, bucket.rules, where, None)
            elif name == "iac":
                finding = self._misconfiguration(raw, ctx, bucket.rules, where)
            elif name == "secret":
                finding = self._secret(raw, ctx, bucket.rules, where)
            else:
                finding = self._license(raw, ctx, ecosystem, bucket.rules, where)
            statement = as_str(entry.get("Statement"))
            status = as_str(entry.get("Status")) or "ignored"
            finding.status = FindingStatus.SUPPRESSED
            finding.suppressions = [
                Suppression(
                    kind="external",
                    status="accepted",
                    justification=f"Trivy: {status}" + (f": {statement}" if statement else ""),
                    source=as_str(entry.get("Source")) or "trivy",
                )
            ]
            bucket.findings.append(finding)
            bucket.count("trivy.suppressed")

    def _read_packages(self, packages: object, ctx: _Context, ecosystem: str | None) -> None:
        """Turn ``Packages[]`` (``--list-all-pkgs``) into inventory components."""
        if not isinstance(packages, list):
            return
        manifest = self._manifest(ctx)
        for raw in drain(packages):
            if not isinstance(raw, dict) or not as_str(raw.get("Name")):
                continue
            ident = as_dict(raw.get("Identifier"))
            licenses = raw.get("Licenses")
            self._components.append(
                Component(
                    name=_intern(str(raw["Name"])),
                    version=as_str(raw.get("Version")),
                    type=ecosystem,
                    purl=as_str(ident.get("PURL")),
                    licenses=[str(x) for x in licenses] if isinstance(licenses, list) else [],
                    path=as_str(raw.get("FilePath")) or manifest,
                )
            )

    # -- findings -----------------------------------------------------------------------------

    def _manifest(self, ctx: _Context) -> str | None:
        """Return the lock file or manifest a package was found in, when the target names one."""
        if ctx.klass == "os-pkgs" or not ctx.target:
            return None
        if ctx.in_image and ctx.target in _LANGUAGE_TARGETS:
            return None
        return ctx.target

    def _vulnerability(
        self,
        raw: Any,
        ctx: _Context,
        ecosystem: str | None,
        rules: dict[str, Rule],
        label: str,
        number: int | None,
    ) -> Finding:
        """Return the finding for one entry of ``Vulnerabilities``."""
        where = label if number is None else f"{label}[{number}]"
        if not isinstance(raw, dict):
            raise self.error(self._source, f"{where} is not an object")
        vid = raw.get("VulnerabilityID")
        if not vid or not isinstance(vid, str):
            raise self.error(self._source, f"{where} has no VulnerabilityID")
        vid = _intern(vid)
        cvss, identifiers = self._vuln_details(vid, raw)
        if vid not in rules:
            rules[vid] = _vuln_rule(vid, raw)
        get = raw.get
        pkg = get("PkgName") or get("PkgID") or "unknown"
        version = get("InstalledVersion") or None
        pkg_path = get("PkgPath") or None
        ident = get("PkgIdentifier")
        layer = get("Layer")
        purl = ident.get("PURL") if ident else None
        layer_id = (layer.get("Digest") or layer.get("DiffID") or None) if layer else None
        # A package with several CVEs shares one location object: the place is the same.
        place = (ctx, pkg, version, pkg_path, purl, layer_id)
        location = self._locations.get(place)
        if location is None:
            location = self._locations[place] = PackageLocation(
                name=_intern(pkg),
                version=_intern(version) if version else None,
                ecosystem=ecosystem,
                purl=purl,
                manifest=self._manifest(ctx),
                image=ctx.image,
                operating_system=ctx.os,
                layer=layer_id,
                path=pkg_path,
                message=_resource_message(ctx, pkg, version),
            )
        fixed = get("FixedVersion")
        title = get("Title")
        props = {key: value for key, value in raw.items() if key not in _VULN_MAPPED}
        props["Target"] = ctx.target
        if ctx.klass:
            props["Class"] = ctx.klass
        if ctx.resource is not None:
            props["Resource"] = ctx.resource
        key = f"trivy|{vid}|{ctx.place}|{pkg_path or ''}|{pkg}|{version or ''}"
        where_found = f"{pkg} {version}" if version else pkg
        finding = Finding(
            rule_id=vid,
            title=f"{vid} in {where_found}: {title}" if title else f"{vid} in {where_found}",
            description=get("Description"),
            severity=_severity(get("Severity")),
            locations=[location],
            identifiers=identifiers,
            cvss=cvss,
            fix=self._fix(fixed) if fixed else None,
            references=get("References") or [],
            fingerprint=hashlib.sha256(key.encode()).hexdigest()[:32],
            properties=props,
        )
        if get("Status") == "not_affected":
            finding.status = FindingStatus.SUPPRESSED
            finding.suppressions = [_NOT_AFFECTED]
        return finding

    def _fix(self, fixed: str) -> Fix:
        """Return the fix for a ``FixedVersion`` ("1.2.3, 2.0.1"), one object per distinct text."""
        fix = self._fixes.get(fixed)
        if fix is None:
            fix = self._fixes[fixed] = Fix(fixed_versions=fixed.split(", "))
        return fix

    def _vuln_details(self, vid: str, raw: dict[str, Any]) -> tuple[list[Cvss], list[Identifier]]:
        """Return the CVSS ratings and identifiers of a vulnerability, shared between findings.

        A large report repeats each CVE over many packages; its CVSS, CWEs and link are the same
        each time, so their model objects are built once and reused when the raw values match.
        """
        raw_cvss = raw.get("CVSS")
        raw_ids = (raw.get("PrimaryURL"), raw.get("CweIDs"))
        cached = self._vid_cache.get(vid)
        if cached is not None:
            old_cvss, cvss, old_ids, identifiers = cached
            if old_cvss == raw_cvss and old_ids == raw_ids:
                return cvss, identifiers
        cvss = _cvss(raw_cvss)
        identifiers = _identifiers(vid, raw_ids[0], raw_ids[1])
        self._vid_cache[vid] = (raw_cvss, cvss, raw_ids, identifiers)
        return cvss, identifiers

    def _misconfiguration(
        self, raw: Any, ctx: _Context, rules: dict[str, Rule], where: str
    ) -> Finding:
        """Return the finding for one failed (or excepted) misconfiguration check."""
        if not isinstance(raw, dict):
            raise self.error(self._source, f"{where} is not an object")
        check = as_str(raw.get("ID")) or as_str(raw.get("AVDID"))
        if not check:
            raise self.error(self._source, f"{where} has no ID")
        check = _intern(check)
        if check not in rules:
            rules[check] = _misconf_rule(check, raw)
        cause = as_dict(raw.get("CauseMetadata"))
        location = CodeLocation(
            path=ctx.target or ".",
            start_line=as_int(cause.get("StartLine")) or None,
            end_line=as_int(cause.get("EndLine")) or None,
            snippet=_cause_snippet(cause.get("Code")),
            message=_join(_resource_label(ctx.resource) if ctx.resource else None, cause),
            image=ctx.image if ctx.in_image else None,
        )
        identifiers = [
            Identifier(type="trivy_check", value=check, url=as_str(raw.get("PrimaryURL")))
        ]
        avd = as_str(raw.get("AVDID"))
        if avd and avd != check:
            identifiers.append(Identifier(type="avd", value=avd))
        props = {key: value for key, value in raw.items() if key not in _MISCONF_MAPPED}
        for key in ("Resource", "Provider", "Service"):
            if cause.get(key):
                props[key] = cause[key]
        props["Target"] = ctx.target
        if ctx.resource is not None:
            props["Resource"] = ctx.resource
        resolution = as_str(raw.get("Resolution"))
        return Finding(
            rule_id=check,
            title=as_str(raw.get("Message")) or as_str(raw.get("Title")) or check,
            description=as_str(raw.get("Description")),
            severity=_severity(raw.get("Severity")),
            locations=[location],
            related_locations=_occurrences(cause.get("Occurrences")),
            identifiers=identifiers,
            fix=Fix(remediation=resolution) if resolution else None,
            references=_strings(raw.get("References")),
            properties=props,
        )

    def _secret(self, raw: Any, ctx: _Context, rules: dict[str, Rule], where: str) -> Finding:
        """Return the finding for one secret; only Trivy's masked ``Match`` is kept as text."""
        if not isinstance(raw, dict):
            raise self.error(self._source, f"{where} is not an object")
        rule_id = as_str(raw.get("RuleID"))
        if not rule_id:
            raise self.error(self._source, f"{where} has no RuleID")
        rule_id = _intern(rule_id)
        title = as_str(raw.get("Title")) or rule_id
        category = as_str(raw.get("Category"))
        if rule_id not in rules:
            rules[rule_id] = Rule(
                id=rule_id,
                name=title,
                short_description=f"Secret: {title}",
                full_description=f"Trivy found a secret ({title}) in a file.",
                tags=["secret", *([category] if category else [])],
                cwes=[798],
            )
        layer = as_dict(raw.get("Layer"))
        location = CodeLocation(
            path=ctx.target or ".",
            start_line=as_int(raw.get("StartLine")) or None,
            end_line=as_int(raw.get("EndLine")) or None,
            snippet=as_str(raw.get("Match")),
            message=_resource_label(ctx.resource) if ctx.resource else None,
            image=ctx.image if ctx.in_image else None,
        )
        props: dict[str, Any] = {key: raw[key] for key in _SECRET_KEPT if key in raw}
        if layer.get("Digest") or layer.get("DiffID"):
            props["Layer"] = layer.get("Digest") or layer.get("DiffID")
        props["Target"] = ctx.target
        if ctx.resource is not None:
            props["Resource"] = ctx.resource
        return Finding(
            rule_id=rule_id,
            title=f"{title} in {ctx.target}" if ctx.target else title,
            severity=_severity(raw.get("Severity")),
            locations=[location],
            identifiers=[Identifier(type="trivy_secret_rule", value=rule_id)],
            properties=props,
        )

    def _license(
        self,
        raw: Any,
        ctx: _Context,
        ecosystem: str | None,
        rules: dict[str, Rule],
        where: str,
    ) -> Finding:
        """Return the finding for one license Trivy classified (forbidden, restricted, ...)."""
        if not isinstance(raw, dict):
            raise self.error(self._source, f"{where} is not an object")
        name = as_str(raw.get("Name"))
        if not name:
            raise self.error(self._source, f"{where} has no license Name")
        name = _intern(name)
        category = as_str(raw.get("Category")) or "unknown"
        link = as_str(raw.get("Link"))
        if name not in rules:
            rules[name] = Rule(
                id=name,
                name=name,
                short_description=f"License {name} ({category})",
                full_description=f"Trivy classifies the license {name} as {category}.",
                help_uri=link,
                tags=["license", category],
            )
        pkg = as_str(raw.get("PkgName"))
        file_path = as_str(raw.get("FilePath"))
        location: Location
        if pkg:
            location = PackageLocation(
                name=pkg,
                ecosystem=ecosystem,
                image=ctx.image,
                path=file_path,
                message=_resource_message(ctx, pkg, None),
            )
        else:
            location = CodeLocation(
                path=file_path or ctx.target or ".",
                image=ctx.image if ctx.in_image else None,
                message=_resource_label(ctx.resource) if ctx.resource else None,
            )
        props = {key: value for key, value in raw.items() if key not in ("Name", "Text")}
        props["Target"] = ctx.target
        if ctx.resource is not None:
            props["Resource"] = ctx.resource
        return Finding(
            rule_id=name,
            title=f"License {name} ({category}) in {pkg or file_path or ctx.target}",
            severity=_severity(raw.get("Severity")),
            category=FindingCategory.LICENSE,
            locations=[location],
            identifiers=[Identifier(type="license", value=name)],
            references=[link] if link else [],
            properties=props,
        )

    # -- scans --------------------------------------------------------------------------------

    def _scans(
        self, doc: dict[str, Any], artifact_type: str | None, kubernetes: bool
    ) -> list[Scan]:
        """Return one scan per kind present, in the fixed order, or one empty scan."""
        if kubernetes or artifact_type in _IMAGE_ARTIFACTS:
            vuln_kind = ScanKind.CONTAINER
        elif artifact_type is None and self._saw_os:
            vuln_kind = ScanKind.CONTAINER
        else:
            vuln_kind = ScanKind.DEPENDENCY
        kinds = {
            "vuln": vuln_kind,
            "iac": ScanKind.IAC,
            "secret": ScanKind.SECRET,
            "license": ScanKind.LICENSE,
        }
        present = [name for name in _BUCKETS if self._buckets[name].present]
        if not present:
            present = ["vuln"]
        trivy = as_dict(doc.get("Trivy"))
        tool = Tool(
            name="Trivy",
            version=as_str(trivy.get("Version")),
            vendor="Aqua Security",
            information_uri=_INFO_URI,
        )
        created = parse_time(doc.get("CreatedAt"))
        target = as_str(doc.get("ArtifactName")) or as_str(doc.get("ClusterName"))
        properties = _report_properties(doc)
        scans = []
        for name in present:
            bucket = self._buckets[name]
            scans.append(
                Scan(
                    tool=tool,
                    kind=kinds[name],
                    source=self._source.name,
                    target=target,
                    started_at=created,
                    ended_at=created,
                    notifications=self._notifications if name == present[0] else [],
                    metrics=dict(sorted(bucket.metrics.items())),
                    rules=sorted(bucket.rules.values(), key=lambda r: r.id),
                    findings=bucket.findings,
                    components=self._components if name == present[0] else [],
                    properties=properties,
                )
            )
        logger.debug(
            "%s: %s", self._source.name, ", ".join(f"{s.kind}={len(s.findings)}" for s in scans)
        )
        return scans


# -- helpers ----------------------------------------------------------------------------------


def _is_null(source: Source) -> bool:
    """Return whether the report is a bare JSON ``null`` (without copying a large report)."""
    return len(source.data) < 64 and source.data.strip() == b"null"


def _is_trivy(doc: object) -> bool:
    """Return whether a decoded JSON document is a Trivy report (and not SARIF or an SBOM)."""
    if isinstance(doc, dict):
        if "bomFormat" in doc or "spdxVersion" in doc or "runs" in doc or "SPDXID" in doc:
            return False
        if "SchemaVersion" in doc:
            return any(key in doc for key in ("ArtifactName", "ArtifactType", "Results"))
        if "ClusterName" in doc:
            return any(key in doc for key in ("Resources", "Vulnerabilities", "Misconfigurations"))
        return False
    if isinstance(doc, list) and doc:
        # Legacy reports: a bare list of Result objects, each naming its Target.
        return all(
            isinstance(item, dict)
            and "Target" in item
            and any(key in item for key in ("Vulnerabilities", "Type", "Class", *_ARRAY_BUCKET))
            for item in doc[:20]
        )
    return False


def _guess_class(result: dict[str, Any]) -> str:
    """Return the Class of a Result that has none (legacy reports), from its Type and arrays."""
    rtype = str(result.get("Type") or "").lower()
    if rtype in _OS_FAMILIES:
        return "os-pkgs"
    if result.get("Misconfigurations"):
        return "config"
    if result.get("Secrets"):
        return "secret"
    if result.get("Licenses"):
        return "license"
    if _OS_TARGET.match(str(result.get("Target") or "")) and not rtype:
        return "os-pkgs"
    return "lang-pkgs"


def _severity(word: object) -> Severity:
    """Return the severity of Trivy's word for it; the exact upper-case word is the fast path."""
    found = severity.TRIVY.get(word) if isinstance(word, str) else None
    return found or severity.lookup(severity.TRIVY, word)


def _without_tag(image: str) -> str:
    """Return an image reference without its tag or digest, which change from build to build."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def _os_name(metadata: dict[str, Any]) -> str | None:
    """Return "family version" (e.g. "alpine 3.10.2") from a report's Metadata.OS."""
    os_info = metadata.get("OS")
    if not isinstance(os_info, dict):
        return None
    parts = [as_str(os_info.get("Family")), as_str(os_info.get("Name"))]
    return " ".join(p for p in parts if p) or None


def _resource_label(resource: dict[str, str] | None) -> str:
    """Return "Kind namespace/name" for a Kubernetes resource."""
    if not resource:
        return ""
    name = "/".join(p for p in (resource["Namespace"], resource["Name"]) if p)
    return f"{resource['Kind']} {name}".strip()


def _resource_message(ctx: _Context, pkg: str, version: str | None) -> str | None:
    """Return a package location's message naming the Kubernetes resource, if there is one."""
    if ctx.resource is None:
        return None
    return f"{pkg}@{version or '?'} in {_resource_label(ctx.resource)}"


def _image_of(results: list[Any], metadata: object = None) -> tuple[str | None, str | None]:
    """Return the image and OS that Results of a cluster or legacy report were found in.

    Kubernetes resources may carry image Metadata; otherwise, as in legacy reports, the OS
    packages' target names both: "nginx:1.21 (debian 11.2)".
    """
    image = os_name = None
    for entry in metadata if isinstance(metadata, list) else [metadata]:
        if isinstance(entry, dict):
            os_name = os_name or _os_name(entry)
            for key in ("RepoTags", "RepoDigests"):
                values = entry.get(key)
                if not image and isinstance(values, list) and values:
                    image = str(values[0])
    for result in results:
        if isinstance(result, dict) and (result.get("Class") or _guess_class(result)) == "os-pkgs":
            match = _OS_TARGET.match(str(result.get("Target") or ""))
            if match:
                return image or match["where"], os_name or match["os"]
    return image, os_name


def _vuln_rule(vid: str, raw: dict[str, Any]) -> Rule:
    """Return the rule for a vulnerability id, from the first entry that names it."""
    title = as_str(raw.get("Title"))
    numbers = (as_int(str(c).upper().removeprefix("CWE-")) for c in _strings(raw.get("CweIDs")))
    return Rule(
        id=vid,
        name=vid,
        short_description=f"{vid}: {title}" if title else vid,
        full_description=as_str(raw.get("Description")) or title or vid,
        help_uri=as_str(raw.get("PrimaryURL")),
        tags=["vulnerability"],
        cwes=[n for n in numbers if n is not None],
    )


def _misconf_rule(check: str, raw: dict[str, Any]) -> Rule:
    """Return the rule for a misconfiguration check, from the first entry that names it."""
    title = as_str(raw.get("Title")) or check
    kind = as_str(raw.get("Type"))
    return Rule(
        id=check,
        name=title,
        short_description=title,
        full_description=as_str(raw.get("Description")) or title,
        help_text=_help(raw),
        help_uri=as_str(raw.get("PrimaryURL")),
        tags=["misconfiguration", *([kind] if kind else [])],
    )


def _help(raw: dict[str, Any]) -> str | None:
    description = as_str(raw.get("Description"))
    resolution = as_str(raw.get("Resolution"))
    if not resolution:
        return None
    return f"{description}\n\nResolution: {resolution}" if description else resolution


def _cvss(raw: object) -> list[Cvss]:
    """Return the CVSS ratings of ``CVSS{source: {V2*, V3*, V40*}}``, by source then version."""
    if not isinstance(raw, dict):
        return []
    ratings = []
    for source, entry in raw.items():
        if not isinstance(entry, dict):
            continue
        for prefix in ("V2", "V3", "V40"):
            vector = as_str(entry.get(f"{prefix}Vector"))
            score = as_float(entry.get(f"{prefix}Score"))
            if vector is None and score is None:
                continue
            if prefix == "V2":
                version = "2.0"
            elif prefix == "V40":
                version = "4.0"
            else:
                version = "3.1" if vector and vector.startswith("CVSS:3.1/") else "3.0"
            ratings.append(Cvss(version=version, vector=vector, score=score, source=str(source)))
    return ratings


def _identifiers(vid: str, url: object, cwes: object) -> list[Identifier]:
    """Return a vulnerability's identifiers: its id typed by prefix, then its CWEs."""
    prefix = vid.split("-", 1)[0].upper()
    identifiers = [
        Identifier(
            type=_ID_TYPES.get(prefix, "trivy_vuln_id"),
            value=vid,
            url=url if isinstance(url, str) and url else None,
        )
    ]
    for cwe in _strings(cwes):
        number = as_int(cwe.upper().removeprefix("CWE-"))
        if number is not None:
            identifiers.append(Identifier.cwe(number))
    return identifiers


def _strings(value: object) -> list[str]:
    """Return the non-blank strings of a list, or [] when `value` is not a list."""
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if item is not None and str(item).strip()]


def _cause_snippet(code: object) -> str | None:
    """Return the offending lines of ``Code.Lines`` as plain text, colour escapes removed."""
    if not isinstance(code, dict) or not isinstance(code.get("Lines"), list):
        return None
    lines = []
    for line in code["Lines"]:
        if not isinstance(line, dict) or not line.get("IsCause"):
            continue
        text = line.get("Content")
        if not text and line.get("Highlighted"):
            text = line["Highlighted"]
        lines.append(_ANSI.sub("", str(text or "")))
    snippet = "\n".join(lines).strip("\n")
    return snippet or None


def _join(label: str | None, cause: dict[str, Any]) -> str | None:
    """Return a code location's message: the Kubernetes resource and the cause's resource."""
    resource = as_str(cause.get("Resource"))
    parts = [p for p in (label, resource) if p]
    return ": ".join(parts) or None


def _occurrences(raw: object) -> list[Location]:
    """Return a misconfiguration's ``CauseMetadata.Occurrences`` (module calls) as locations."""
    if not isinstance(raw, list):
        return []
    related: list[Location] = []
    for entry in raw:
        if not isinstance(entry, dict) or not as_str(entry.get("Filename")):
            continue
        where = as_dict(entry.get("Location"))
        related.append(
            CodeLocation(
                path=str(entry["Filename"]),
                start_line=as_int(where.get("StartLine")) or None,
                end_line=as_int(where.get("EndLine")) or None,
                message=as_str(entry.get("Resource")),
            )
        )
    return related


def _report_properties(doc: dict[str, Any]) -> dict[str, Any]:
    """Return what a report says about the scanned artifact, kept on each of its scans."""
    props: dict[str, Any] = {}
    for key in ("SchemaVersion", "ReportID", "ArtifactID", "ArtifactType", "ClusterName"):
        if doc.get(key) is not None:
            props[key] = doc[key]
    metadata = doc.get("Metadata")
    if isinstance(metadata, dict):
        for key in ("OS", "ImageID", "RepoTags", "RepoDigests", "DiffIDs", "Size"):
            if metadata.get(key):
                props[key] = metadata[key]
    return props
