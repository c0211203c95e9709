"""Safety (pyupio/safety) JSON reports, from 1.8 to 3.2.

Formats read, all detected by content:

* 1.x ``safety check --json``: a list of ``[package, affected spec, installed version, advisory,
  advisory id]``; 1.10 appends ``cvssv2`` and ``cvssv3`` objects (or null) as items 6 and 7.
* 2.x and 3.x ``safety check --json`` / ``--save-json`` / ``--output json``: ``report_meta``,
  ``scanned_packages``, ``vulnerabilities[]``, ``ignored_vulnerabilities[]``, ``remediations``
  (json_version 1 and "1.1"; 3.x writes ``vulnerable_spec`` as a list). Safety 3.x prints a
  DEPRECATED banner around the JSON on stdout; the JSON object inside is read.
* 3.x ``safety scan --output json`` (report schema 3.0): ``meta`` and
  ``scan_results.projects[].files[].results.dependencies[]`` (and ``scan_results.files[]`` of a
  system scan), whose ``known_vulnerabilities`` hold only ids and specs. ``--detailed-output``
  adds ``cve_details[]``, which gives CVE ids, CVSS data and advisory texts.

Every vulnerability is a finding whose rule is the Safety advisory id (stable across packages and
releases; a CVE may be missing or shared). Ignored vulnerabilities are kept as suppressed
findings whose justification is Safety's ``ignored_reason``; the expiry stays in properties.

Severity: the CVSS v3 ``base_severity`` word, else the v3 base score, else the CVSS v2 base score
on NVD's v2 scale, else a ``--detailed-output`` severity word, else ``severity.SAFETY_DEFAULT``
(medium): 1.8 reports and plain ``scan`` reports carry no severity at all. ``report_meta.timestamp``
has no time zone; it is read as UTC.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import Any

import orjson
from packageurl import PackageURL
from sarifkit.parsers.base import Parser, as_dict, as_float, as_str, drain, parse_time

from sarifkit import severity
from sarifkit.model import (
    Component,
    Cvss,
    Finding,
    FindingStatus,
    Fix,
    Identifier,
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

_INFO_URI = "https://github.com/pyupio/safety"
_ECOSYSTEM = "pypi"
# Safety 3.x prints this banner before and after the JSON of a `check` on stdout.
_BANNER = b"this command (`check`) has been DEPRECATED"
# Safety indents its JSON, so the report object opens and closes at the start of a line.
_OPEN = re.compile(r"^\{", re.MULTILINE)
_V3_VERSION = re.compile(r"^CVSS:(\d\.\d)/")
# Keys of a 2.x/3.x vulnerability mapped onto model fields; the rest go to `properties`.
_MAPPED = frozenset(
    {
        "vulnerability_id",
        "package_name",
        "analyzed_version",
        "advisory",
        "CVE",
        "severity",
        "fixed_versions",
        "more_info_url",
        "resources",
        "ignored",
    }
)


class SafetyParser(Parser):
    """Reads Safety's ``check`` JSON (1.x lists, 2.x/3.x objects) and ``scan`` JSON (schema 3.0)."""

    name = "safety"
    formats = "Safety JSON"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        if source.looks_binary:
            return False
        if source.first_char not in "{[":
            # Safety 3.x `check` on stdout: banner text, then the JSON report.
            return _BANNER in source.data[:8192]
        if not source.is_json():
            return False
        doc = source.json()
        if isinstance(doc, list):
            return _looks_like_v1(doc)
        if not isinstance(doc, dict):
            return False
        if "report_meta" in doc:
            return "vulnerabilities" in doc or "scanned_packages" in doc
        meta = doc.get("meta")
        return "scan_results" in doc and isinstance(meta, dict) and "scan_type" in meta

    def parse(self, source: Source) -> list[Scan]:
        doc = self._document(source)
        if isinstance(doc, list):
            return [self._parse_v1(source, doc)]
        if isinstance(doc, dict) and "scan_results" in doc:
            return [self._parse_scan(source, doc)]
        if isinstance(doc, dict) and "report_meta" in doc:
            return [self._parse_check(source, doc)]
        raise self.error(
            source, "neither a list of advisories, a 'report_meta' nor a 'scan_results'"
        )

    def _document(self, source: Source) -> Any:
        """Return the decoded report, finding the JSON object inside banner text when needed."""
        if source.first_char in "{[":
            return source.json()
        text = source.text()
        start = _OPEN.search(text)
        if start is None:
            raise self.error(source, "no JSON report inside the text (banner only?)")
        end = text.rfind("\n}")
        if end < start.start():
            raise self.error(
                source, "the JSON report inside the text is truncated (no closing '}')"
            )
        try:
            return orjson.loads(text[start.start() : end + 2])
        except orjson.JSONDecodeError as exc:
            problem = str(exc).splitlines()[0]
            raise self.error(
                source, f"the JSON report inside the text is invalid: {problem}"
            ) from None

    # --- Safety 1.x ---------------------------------------------------------------------------

    def _parse_v1(self, source: Source, doc: list[Any]) -> Scan:
        builder = _Builder()
        for number, item in enumerate(drain(doc), start=1):
            if not isinstance(item, list):
                raise self.error(source, f"item {number} is not a list")
            if len(item) not in (5, 7):
                raise self.error(
                    source, f"item {number} has {len(item)} fields; Safety 1.x writes 5 or 7"
                )
            name, spec, version, advisory, vuln_id = item[:5]
            cvssv2, cvssv3 = (item[5], item[6]) if len(item) == 7 else (None, None)
            builder.add(
                vuln_id=_required(self, source, vuln_id, f"item {number}: advisory id"),
                package=_required(self, source, name, f"item {number}: package name"),
                version=as_str(version),
                spec=as_str(spec),
                advisory=as_str(advisory),
                cvssv2=cvssv2,
                cvssv3=cvssv3,
                properties={"vulnerable_spec": spec},
            )
        return builder.scan(source, version=None, when=None, target=None, properties={})

    # --- Safety 2.x and 3.x `check` -----------------------------------------------------------

    def _parse_check(self, source: Source, doc: dict[str, Any]) -> Scan:
        meta = doc.get("report_meta")
        if not isinstance(meta, dict):
            raise self.error(source, "'report_meta' is not an object")
        lists = {key: doc.get(key) or [] for key in ("vulnerabilities", "ignored_vulnerabilities")}
        for key, value in lists.items():
            if not isinstance(value, list):
                raise self.error(source, f"'{key}' is not a list")
        scanned = [str(s) for s in meta.get("scanned") or [] if s]
        builder = _Builder(
            manifests=_manifests(doc, scanned),
            remediations=_check_remediations(doc.get("remediations")),
        )
        for key, items in lists.items():
            for number, raw in enumerate(drain(items), start=1):
                if not isinstance(raw, dict):
                    raise self.error(source, f"{key}[{number}] is not an object")
                self._check_finding(
                    source, builder, raw, key == "ignored_vulnerabilities", f"{key}[{number}]"
                )
        builder.components = _check_components(doc.get("scanned_packages"), builder)
        kept = {
            key: value
            for key, value in doc.items()
            if key not in ("vulnerabilities", "ignored_vulnerabilities", "scanned_packages")
        }
        return builder.scan(
            source,
            version=as_str(meta.get("safety_version")),
            when=meta.get("timestamp"),
            target=", ".join(scanned) or as_str(meta.get("scan_target")),
            properties=kept,
            metrics=_meta_metrics(meta),
        )

    def _check_finding(
        self, source: Source, builder: _Builder, raw: dict[str, Any], in_ignored: bool, where: str
    ) -> None:
        """Add one 2.x/3.x vulnerability object to `builder`."""
        package = _required(self, source, raw.get("package_name"), f"{where}: package_name")
        spec = raw.get("vulnerable_spec")
        spec_text = ",".join(str(s) for s in spec) if isinstance(spec, list) else as_str(spec)
        requirement = as_dict(raw.get("analyzed_requirement"))
        specifier = as_str(requirement.get("specifier"))
        sev = as_dict(raw.get("severity"))
        ignored = in_ignored or raw.get("ignored") is True
        builder.add(
            vuln_id=_required(
                self, source, raw.get("vulnerability_id"), f"{where}: vulnerability_id"
            ),
            package=package,
            version=as_str(raw.get("analyzed_version")),
            spec=spec_text,
            advisory=as_str(raw.get("advisory")),
            cves=_cve_ids(raw.get("CVE")),
            cvssv2=sev.get("cvssv2"),
            cvssv3=sev.get("cvssv3"),
            cvss_source=as_str(sev.get("source")),
            fixed=raw.get("fixed_versions"),
            more_info=as_str(raw.get("more_info_url")),
            resources=raw.get("resources"),
            manifest=as_str(requirement.get("found")),
            requirement=f"({specifier})" if specifier else None,
            suppression=_suppression(raw.get("ignored_reason")) if ignored else None,
            properties={k: v for k, v in raw.items() if k not in _MAPPED},
        )

    # --- Safety 3.x `scan` (report schema 3.0) ------------------------------------------------

    def _parse_scan(self, source: Source, doc: dict[str, Any]) -> Scan:
        meta = doc.get("meta")
        results = doc.get("scan_results")
        if not isinstance(meta, dict) or not isinstance(results, dict):
            raise self.error(source, "'meta' or 'scan_results' is not an object")
        files = list(_scan_files(self, source, results))
        details = _cve_details(doc.get("cve_details"))
        builder = _Builder()
        for manifest, dependencies in files:
            for dep in dependencies:
                self._scan_dependency(source, builder, manifest, dep, details)
        telemetry = as_dict(meta.get("telemetry"))
        locations = [str(s) for s in meta.get("scan_locations") or [] if s]
        kept = {key: value for key, value in doc.items() if key != "scan_results"}
        kept["projects"] = [
            {k: v for k, v in p.items() if k != "files"}
            for p in results.get("projects") or []
            if isinstance(p, dict)
        ]
        return builder.scan(
            source,
            version=as_str(telemetry.get("safety_version")),
            when=meta.get("timestamp"),
            target=", ".join(locations) or None,
            properties=kept,
        )

    def _scan_dependency(
        self,
        source: Source,
        builder: _Builder,
        manifest: str | None,
        dep: Any,
        details: dict[tuple[str, str], dict[str, Any]],
    ) -> None:
        """Add the known vulnerabilities of one scanned dependency to `builder`."""
        if not isinstance(dep, dict) or not isinstance(dep.get("specifications"), list):
            raise self.error(source, f"{manifest}: a dependency has no 'specifications' list")
        package = _required(self, source, dep.get("name"), f"{manifest}: dependency name")
        for spec in dep["specifications"]:
            raw_spec = as_str(spec.get("raw")) or package
            version = _pinned_version(raw_spec)
            builder.components.append(_component(package, version, manifest))
            vulns = spec.get("vulnerabilities") or {}
            remediation = vulns.get("remediation")
            for vuln in vulns.get("known_vulnerabilities") or []:
                vuln_id = _required(self, source, vuln.get("id"), f"{manifest}: {package} id")
                detail = details.get((package.lower(), vuln_id), {})
                cve_list = detail.get("CVE")
                cvss = (
                    [c for c in cve_list if isinstance(c, dict)]
                    if isinstance(cve_list, list)
                    else []
                )
                ignored = vuln.get("ignored")
                builder.add(
                    vuln_id=vuln_id,
                    package=package,
                    version=version,
                    spec=as_str(vuln.get("vulnerable_spec")),
                    advisory=as_str(detail.get("advisory")),
                    cves=_cve_ids(cve_list),
                    cvssv2=next((c for c in cvss if "base_severity" not in c), None),
                    cvssv3=next((c for c in cvss if "base_severity" in c), None),
                    severity_word=as_str(detail.get("severity")),
                    more_info=as_str(detail.get("more_info")),
                    manifest=manifest,
                    requirement=f"({_specifier(package, raw_spec)})",
                    recommended=_scan_recommended(remediation),
                    suppression=_scan_suppression(ignored) if ignored else None,
                    properties={
                        "requirement": raw_spec,
                        **{k: v for k, v in vuln.items() if k not in ("id", "vulnerable_spec")},
                        **({"remediation": remediation} if remediation else {}),
                    },
                )


class _Builder:
    """Collects findings, rules and components of one report, sharing per-report lookups."""

    def __init__(
        self,
        manifests: dict[str, str] | None = None,
        remediations: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self.manifests = manifests or {}
        self.remediations = remediations or {}
        self.rules: dict[str, Rule] = {}
        self.findings: list[Finding] = []
        self.components: list[Component] = []
        self._purls: dict[tuple[str, str | None], str] = {}

    def purl(self, package: str, version: str | None) -> str:
        """Return the package URL of `package` at `version`, computed once per pair."""
        key = (package, version)
        found = self._purls.get(key)
        if found is None:
            found = self._purls[key] = PackageURL(
                type=_ECOSYSTEM, name=package, version=version
            ).to_string()
        return found

    def add(
        self,
        *,
        vuln_id: str,
        package: str,
        version: str | None,
        spec: str | None,
        advisory: str | None,
        cves: list[str] | None = None,
        cvssv2: Any = None,
        cvssv3: Any = None,
        cvss_source: str | None = None,
        severity_word: str | None = None,
        fixed: Any = None,
        more_info: str | None = None,
        resources: Any = None,
        manifest: str | None = None,
        requirement: str | None = None,
        recommended: str | None = None,
        suppression: Suppression | None = None,
        properties: dict[str, Any],
    ) -> None:
        """Add one finding (and its rule, the first time its advisory id is seen)."""
        vuln_id = sys.intern(vuln_id)
        package = sys.intern(package)
        cves = cves or []
        fixed_versions = [str(v) for v in fixed or [] if v]
        ratings = _cvss(cvssv3, "3.0", cvss_source) + _cvss(cvssv2, "2.0", cvss_source)
        level = _severity(cvssv3, cvssv2, severity_word)
        if vuln_id not in self.rules:
            self.rules[vuln_id] = _rule(vuln_id, package, spec, advisory, cves, more_info, level)
        manifest = manifest or self.manifests.get(package.lower()) or self.manifests.get("")
        identifiers = [Identifier(type="safety_id", value=vuln_id, url=more_info)]
        identifiers.extend(Identifier(type="cve", value=cve) for cve in cves)
        installed = version or requirement or "(version unknown)"
        label = f"Safety {vuln_id} ({cves[0]})" if cves else f"Safety {vuln_id}"
        references = [more_info] if more_info else []
        references.extend(str(r) for r in resources or [] if r and str(r) not in references)
        self.findings.append(
            Finding(
                rule_id=vuln_id,
                title=f"{package} {installed}: {label}",
                description=advisory,
                severity=level,
                locations=[
                    PackageLocation(
                        name=package,
                        version=sys.intern(version) if version else None,
                        ecosystem=_ECOSYSTEM,
                        purl=self.purl(package, version),
                        manifest=sys.intern(manifest) if manifest else None,
                        message=f"{package} {installed} matches {spec}" if spec else None,
                    )
                ],
                identifiers=identifiers,
                cvss=ratings,
                fix=_fix(
                    package,
                    spec,
                    fixed_versions,
                    recommended or self.remediations.get((package.lower(), version or "")),
                ),
                references=references,
                status=FindingStatus.SUPPRESSED if suppression else FindingStatus.OPEN,
                suppressions=[suppression] if suppression else [],
                properties=properties,
            )
        )

    def scan(
        self,
        source: Source,
        *,
        version: str | None,
        when: object,
        target: str | None,
        properties: dict[str, Any],
        metrics: dict[str, float] | None = None,
    ) -> Scan:
        """Return the scan of everything added."""
        started = parse_time(when)
        return Scan(
            tool=Tool(
                name="Safety", version=version, vendor="Safety CLI", information_uri=_INFO_URI
            ),
            kind=ScanKind.DEPENDENCY,
            source=source.name,
            target=target,
            started_at=started,
            ended_at=started,
            metrics=metrics or {},
            rules=sorted(self.rules.values(), key=lambda r: r.id),
            findings=self.findings,
            components=self.components,
            properties=properties,
        )


def _looks_like_v1(doc: list[Any]) -> bool:
    """Return whether a JSON list is Safety 1.x output: lists of strings, or empty."""
    if not doc:
        # Safety 1.x writes `[]` when nothing is vulnerable.
        return True
    first = doc[0]
    return (
        isinstance(first, list)
        and 3 <= len(first) <= 8
        and all(isinstance(field, str) for field in first[:3])
    )


def _required(parser: Parser, source: Source, value: object, what: str) -> str:
    """Return `value` as a non-blank string, or raise a ParseError naming `what`."""
    text = as_str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is None:
        raise parser.error(source, f"{what} is missing or not a string")
    return text


def _cve_ids(value: object) -> list[str]:
    """Return the CVE ids in a ``CVE`` field: a string (maybe comma-separated) or a list."""
    items: Iterable[object] = value if isinstance(value, list) else [value]
    ids: list[str] = []
    for item in items:
        if isinstance(item, str):
            ids.extend(part.strip() for part in item.split(",") if part.strip())
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            ids.append(item["name"].strip())
    return ids


def _score(rating: object) -> float | None:
    """Return the ``base_score`` of a CVSS object, or None."""
    if not isinstance(rating, dict):
        return None
    return as_float(rating.get("base_score"))


def _severity(cvssv3: object, cvssv2: object, word: str | None) -> Severity:
    """Return the severity from CVSS v3, then v2, then a severity word, then the default."""
    if isinstance(cvssv3, dict):
        found = severity.lookup(severity.CVSS_V3_RATING, cvssv3.get("base_severity"))
        if found is Severity.UNKNOWN:
            found = severity.from_cvss(_score(cvssv3))
        if found is not Severity.UNKNOWN:
            return found
    found = severity.from_cvss_v2(_score(cvssv2))
    if found is Severity.UNKNOWN and word:
        found = severity.lookup(severity.CVSS_V3_RATING, word)
    return severity.SAFETY_DEFAULT if found is Severity.UNKNOWN else found


def _cvss(rating: object, default_version: str, source: str | None) -> list[Cvss]:
    """Return a one-item list with the model's Cvss for a Safety CVSS object, or []."""
    if not isinstance(rating, dict):
        return []
    vector = as_str(rating.get("vector_string"))
    version = default_version
    if vector:
        match = _V3_VERSION.match(vector)
        version = match.group(1) if match else version
    score = _score(rating)
    if vector is None and score is None:
        return []
    return [Cvss(version=version, vector=vector, score=score, source=source)]


def _rule(
    vuln_id: str,
    package: str,
    spec: str | None,
    advisory: str | None,
    cves: list[str],
    more_info: str | None,
    level: Severity,
) -> Rule:
    """Return the rule of a Safety advisory, from the first finding that names it."""
    affected = f"{package} {spec}" if spec else package
    short = f"Safety advisory {vuln_id}: {affected}" + (f" ({', '.join(cves)})" if cves else "")
    return Rule(
        id=vuln_id,
        name=f"safety-{vuln_id}",
        short_description=short,
        full_description=advisory or short,
        help_uri=more_info,
        tags=["security", "dependency", _ECOSYSTEM],
        severity=level,
    )


def _fix(package: str, spec: str | None, fixed: list[str], recommended: str | None) -> Fix | None:
    """Return how to fix: the fixed versions, and Safety's recommended upgrade when it gave one."""
    if recommended:
        advice = f"Upgrade {package} to {recommended} (the version Safety recommends)."
    elif fixed:
        advice = f"Upgrade {package} to one of: {', '.join(fixed)}."
    elif spec:
        advice = f"Upgrade {package} to a version outside {spec}."
    else:
        return None
    return Fix(fixed_versions=fixed, remediation=advice)


def _suppression(reason: object) -> Suppression:
    """Return the suppression of a vulnerability Safety was told to ignore."""
    text = as_str(reason) or "Ignored in Safety (no reason given)"
    return Suppression(kind="external", status="accepted", justification=text, source="safety")


def _scan_suppression(ignored: object) -> Suppression:
    """Return the suppression of an ignored ``scan`` vulnerability (``{code, reason, expires}``)."""
    if not isinstance(ignored, dict):
        return _suppression(None)
    code = as_str(ignored.get("code"))
    reason = as_str(ignored.get("reason")) or (f"Ignored in Safety ({code})" if code else None)
    return _suppression(reason)


def _manifests(doc: dict[str, Any], scanned: list[str]) -> dict[str, str]:
    """Return package name (lower case) -> the file that pinned it, as far as the report says.

    The key ``""`` holds the default: the one file scanned, when there is exactly one.
    """
    out: dict[str, str] = {"": scanned[0]} if len(scanned) == 1 else {}
    affected = doc.get("affected_packages")
    if isinstance(affected, dict):
        for name, info in affected.items():
            if isinstance(info, dict) and as_str(info.get("found")):
                out[str(name).lower()] = str(info["found"])
    packages = doc.get("scanned_packages")
    if isinstance(packages, dict):
        for name, info in packages.items():
            for req in info.get("requirements") or [] if isinstance(info, dict) else []:
                if isinstance(req, dict) and as_str(req.get("found")):
                    out[str(name).lower()] = str(req["found"])
    return out


def _check_remediations(value: object) -> dict[tuple[str, str], str]:
    """Return (package, installed version) -> recommended version from ``remediations``.

    2.x keys each package's advice directly; 2.0 previews and 3.x nest it per requirement.
    """
    out: dict[tuple[str, str], str] = {}
    if not isinstance(value, dict):
        return out
    for name, info in value.items():
        if not isinstance(info, dict):
            continue
        nested = info.get("requirements")
        entries = list(nested.values()) if isinstance(nested, dict) else [info]
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            version = as_str(entry.get("version") or entry.get("current_version")) or ""
            recommended = as_str(entry.get("recommended_version"))
            if recommended:
                out[(str(name).lower(), version)] = recommended
    return out


def _check_components(packages: object, builder: _Builder) -> list[Component]:
    """Return the inventory of ``scanned_packages``."""
    if not isinstance(packages, dict):
        return []
    components = []
    for name, info in packages.items():
        version = as_str(info.get("version")) if isinstance(info, dict) else None
        manifest = builder.manifests.get(str(name).lower()) or builder.manifests.get("")
        components.append(_component(str(name), version, manifest, builder))
    return components


def _component(
    name: str, version: str | None, manifest: str | None, builder: _Builder | None = None
) -> Component:
    """Return one inventory entry for a scanned Python package."""
    purl = (
        builder.purl(name, version)
        if builder
        else PackageURL(type=_ECOSYSTEM, name=name, version=version).to_string()
    )
    return Component(name=name, version=version, type="library", purl=purl, path=manifest)


def _meta_metrics(meta: dict[str, Any]) -> dict[str, float]:
    """Return the counters of ``report_meta`` as scan metrics."""
    return {
        f"safety.{key}": float(value)
        for key, value in sorted(meta.items())
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def _scan_files(
    parser: Parser, source: Source, results: dict[str, Any]
) -> Iterable[tuple[str | None, list[Any]]]:
    """Yield (file location, dependencies) of every file in a schema 3.0 report."""
    projects = results.get("projects") or []
    files = results.get("files") or []
    if not isinstance(projects, list) or not isinstance(files, list):
        raise parser.error(source, "'scan_results.projects' or 'scan_results.files' is not a list")
    for project in projects:
        project_files = project.get("files") or [] if isinstance(project, dict) else None
        if not isinstance(project_files, list):
            raise parser.error(source, "a project's 'files' is not a list")
        files = [*files, *project_files]
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("results"), dict):
            raise parser.error(source, "a scanned file has no 'results' object")
        dependencies = entry["results"].get("dependencies") or []
        if not isinstance(dependencies, list):
            raise parser.error(source, f"{entry.get('location')}: 'dependencies' is not a list")
        yield as_str(entry.get("location")), dependencies


def _cve_details(value: object) -> dict[tuple[str, str], dict[str, Any]]:
    """Return (package, advisory id) -> the ``--detailed-output`` entry for it."""
    if not isinstance(value, list):
        return {}
    return {
        (str(d.get("package")).lower(), str(d.get("safety_vulnerability_id"))): d
        for d in value
        if isinstance(d, dict)
    }


def _pinned_version(raw: str) -> str | None:
    """Return the version of a ``name==version`` requirement, or None when it is not pinned."""
    _, sep, version = raw.partition("==")
    version = version.split(";")[0].strip()
    return version if sep and version and not any(c in version for c in "<>=!~,*") else None


def _scan_recommended(remediation: object) -> str | None:
    """Return the recommended version of a schema 3.0 remediation, if any."""
    return as_str(remediation.get("recommended")) if isinstance(remediation, dict) else None


def _specifier(package: str, raw: str) -> str:
    """Return the version part of a requirement line such as ``paramiko>=2.4,<2.5``."""
    head = raw[: len(package)]
    return raw[len(package) :].strip() or raw if head.lower() == package.lower() else raw
