"""CycloneDX SBOMs in JSON and XML, spec versions 1.4 to 1.7 (older 1.x read as far as they go).

An SBOM gives two things. Its inventory, ``components[]`` with nested components flattened
depth-first, becomes `Scan.components` (name, version, type, purl, licenses from ``license.id``,
``license.name`` or ``expression``, and Trivy's ``aquasecurity:trivy:FilePath`` as the path).
Its ``vulnerabilities[]`` become findings: one per vulnerability per ``affects[]`` entry, the
``ref`` resolved to a component for the package location, so that nothing is lost when one
vulnerability touches several packages; a vulnerability without ``affects`` is located at the
SBOM's subject (``metadata.component``).

Severity comes from ``ratings[]``: the rating whose source is the vulnerability's own source, else
the worst rating (a rating with a score but no severity word is banded by its CVSS score). CVSS
ratings (methods CVSSv2, CVSSv3, CVSSv31, CVSSv4) go to `Finding.cvss`.

VEX ``analysis.state`` decides the status: ``not_affected`` and ``false_positive`` make the finding
SUPPRESSED, ``resolved`` and ``resolved_with_pedigree`` make it FIXED (the flaw was present and
has been remediated); each of those carries an external, accepted `Suppression` whose
justification holds the state, the justification code, the responses and the detail, so SARIF
consumers dismiss it too. ``exploitable`` and ``in_triage`` stay OPEN.

The tool is the first entry of ``metadata.tools``, in the legacy array form (1.4) or the
``tools.components[]`` form (1.5+, as Trivy writes it). A subject of type ``container`` makes the
scan a CONTAINER scan, anything else a DEPENDENCY scan. XML is read through `Source.xml`, which
refuses DTDs and entities, and is converted to the JSON shape so that one code path maps both.
See: https://cyclonedx.org/docs/1.7/json/ and https://cyclonedx.org/docs/1.7/xml/
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from sarifkit.parsers.base import (
    Parser,
    as_dict,
    as_float,
    as_int,
    as_str,
    drain,
    inventory_metrics,
    parse_time,
    purl_ecosystem,
)

from sarifkit import severity
from sarifkit.errors import InputError
from sarifkit.model import (
    Component,
    Confidence,
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

_XML_NAMESPACE = "http://cyclonedx.org/schema/bom/"
_FILE_PATH = "aquasecurity:trivy:FilePath"
_LAYER = "aquasecurity:trivy:LayerDiffID"
_CVSS_VERSIONS = {"cvssv2": "2.0", "cvssv3": "3.0", "cvssv31": "3.1", "cvssv4": "4.0"}
# VEX states that take a finding out of the count, and the status each gives it.
_CLOSED_STATES = {
    "not_affected": FindingStatus.SUPPRESSED,
    "false_positive": FindingStatus.SUPPRESSED,
    "resolved": FindingStatus.FIXED,
    "resolved_with_pedigree": FindingStatus.FIXED,
}
_SUMMARY_LENGTH = 160


class CycloneDxParser(Parser):
    """Reads a CycloneDX SBOM (JSON or XML): its component inventory and its vulnerabilities."""

    name = "cyclonedx"
    formats = "CycloneDX SBOM"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        if source.is_json():
            doc = source.json()
            return isinstance(doc, dict) and doc.get("bomFormat") == "CycloneDX"
        if not source.is_xml() or _XML_NAMESPACE.encode() not in source.data[:65536]:
            return False
        try:
            root = source.xml()
        except InputError:
            return False  # detection then reports the XML problem itself
        return str(root.tag).startswith("{" + _XML_NAMESPACE) and _local(root.tag) == "bom"

    def parse(self, source: Source) -> list[Scan]:
        if source.first_char == "<":
            reader = _XmlBom(source.xml())
            doc = reader.document()
            vulnerabilities: Iterable[Any] = reader.vulnerabilities()
            syntax = "xml"
        else:
            doc = source.json()
            if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
                raise self.error(source, "no 'bomFormat': 'CycloneDX'")
            vulnerabilities = drain(
                self._list(source, doc.get("vulnerabilities"), "vulnerabilities")
            )
            syntax = "json"
        spec = as_str(doc.get("specVersion"))
        if spec is None or not spec.startswith("1."):
            raise self.error(source, f"unsupported specVersion {spec!r} (reads 1.x)")
        return [self._scan(source, doc, vulnerabilities, spec, syntax)]

    def _scan(
        self, source: Source, doc: dict[str, Any], raw_vulns: Iterable[Any], spec: str, syntax: str
    ) -> Scan:
        metadata = self._dict(source, doc.get("metadata"), "metadata")
        subject = self._dict(source, metadata.get("component"), "metadata.component")
        kind = ScanKind.CONTAINER if subject.get("type") == "container" else ScanKind.DEPENDENCY
        target = _target(subject)
        inventory = _Inventory(source.name, target if kind is ScanKind.CONTAINER else None)
        top = self._list(source, doc.get("components"), "components")
        components = [self._component(source, raw, inventory) for raw in self._flatten(source, top)]
        subject_pkg = inventory.subject(subject, target or source.name)
        rules: dict[str, Rule] = {}
        findings: list[Finding] = []
        for number, raw in enumerate(raw_vulns):
            if not isinstance(raw, dict):
                raise self.error(source, f"vulnerabilities[{number}] is not an object")
            findings.extend(self._findings(source, raw, number, inventory, subject_pkg, rules))
        tool, tools = _tool(metadata.get("tools"))
        licenses = {lic for component in components for lic in component.licenses}
        timestamp = parse_time(metadata.get("timestamp"))
        properties: dict[str, Any] = {"specVersion": spec, "format": syntax}
        for key in ("serialNumber", "version"):
            if doc.get(key) is not None:
                properties[key] = doc[key]
        if len(tools) > 1:
            properties["tools"] = tools
        return Scan(
            tool=tool,
            kind=kind,
            source=source.name,
            target=target,
            started_at=timestamp,
            ended_at=timestamp,
            metrics=inventory_metrics(len(components), len(licenses), len(rules)),
            rules=sorted(rules.values(), key=lambda r: r.id),
            findings=findings,
            components=components,
            properties=properties,
        )

    def _component(self, source: Source, raw: dict[str, Any], inventory: _Inventory) -> Component:
        """Return the inventory entry for one component and register its bom-ref."""
        name = as_str(raw.get("name"))
        if name is None:
            raise self.error(source, f"a component has no 'name' (bom-ref {raw.get('bom-ref')!r})")
        props = _properties(raw.get("properties"))
        component = Component(
            name=name,
            version=as_str(raw.get("version")),
            type=_interned(raw.get("type")),
            purl=as_str(raw.get("purl")),
            licenses=_licenses(raw.get("licenses")),
            path=props.get(_FILE_PATH),
        )
        inventory.add(as_str(raw.get("bom-ref")), component, props.get(_LAYER))
        return component

    def _findings(
        self,
        source: Source,
        raw: dict[str, Any],
        number: int,
        inventory: _Inventory,
        subject: PackageLocation,
        rules: dict[str, Rule],
    ) -> list[Finding]:
        """Return one finding per affected component of one vulnerability."""
        vuln_source = as_dict(raw.get("source"))
        source_name = as_str(vuln_source.get("name"))
        vid = sys.intern(
            as_str(raw.get("id")) or as_str(raw.get("bom-ref")) or f"vulnerability-{number + 1}"
        )
        ratings = self._list(source, raw.get("ratings"), f"vulnerabilities[{number}].ratings")
        worst, rated_by = _severity(ratings, source_name)
        cwes = sorted({n for n in (_as_int(c) for c in raw.get("cwes") or []) if n})
        description = as_str(raw.get("description")) or as_str(raw.get("detail"))
        advisories = [
            url
            for url in (as_str(as_dict(a).get("url")) for a in raw.get("advisories") or [])
            if url
        ]
        if vid not in rules:
            rules[vid] = _rule(vid, description, cwes, advisories, vuln_source, worst)
        analysis = as_dict(raw.get("analysis"))
        state = as_str(analysis.get("state"))
        status = _CLOSED_STATES.get(state or "", FindingStatus.OPEN)
        suppressions = (
            [_suppression(state or "", analysis)] if status is not FindingStatus.OPEN else []
        )
        recommendation = as_str(raw.get("recommendation"))
        shared: dict[str, Any] = {
            "rule_id": vid,
            "description": description,
            "severity": worst,
            "confidence": Confidence.FALSE_POSITIVE
            if state == "false_positive"
            else Confidence.UNKNOWN,
            "identifiers": _identifiers(vid, raw, cwes, source_name),
            "cvss": _cvss(ratings),
            "fix": Fix(remediation=recommendation) if recommendation else None,
            "references": list(dict.fromkeys([*advisories, *_reference_urls(raw)])),
            "status": status,
            "suppressions": suppressions,
        }
        extras = _extras(raw, source_name, rated_by, ratings, analysis)
        affects = self._list(source, raw.get("affects"), f"vulnerabilities[{number}].affects")
        if not affects:
            return [
                Finding(
                    title=_title(vid, subject),
                    locations=[subject.model_copy()],
                    properties=extras,
                    **shared,
                )
            ]
        findings = []
        for affect in affects:
            affect = as_dict(affect)
            ref = as_str(affect.get("ref"))
            location = inventory.location(ref)
            props = dict(extras, bom_ref=ref)
            if affect.get("versions"):
                props["affected_versions"] = affect["versions"]
            findings.append(
                Finding(
                    title=_title(vid, location), locations=[location], properties=props, **shared
                )
            )
        return findings

    def _flatten(self, source: Source, top: list[Any]) -> Iterator[dict[str, Any]]:
        """Yield every component depth-first, parents before their nested ``components``."""
        # An explicit stack: nesting depth is the document's to choose, not the interpreter's.
        stack = list(reversed(top))
        while stack:
            raw = stack.pop()
            if not isinstance(raw, dict):
                raise self.error(source, "a component is not an object")
            nested = self._list(source, raw.get("components"), "components[].components")
            stack.extend(reversed(nested))
            yield raw

    def _list(self, source: Source, value: object, what: str) -> list[Any]:
        """Return `value` when it is a list, [] when absent; raise naming `what` otherwise."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(source, f"'{what}' is not a list")
        return value

    def _dict(self, source: Source, value: object, what: str) -> dict[str, Any]:
        """Return `value` when it is an object, {} when absent; raise naming `what` otherwise."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(source, f"'{what}' is not an object")
        return value


class _Inventory:
    """Package locations by bom-ref, for resolving ``affects[].ref`` to what it names."""

    def __init__(self, manifest: str, image: str | None) -> None:
        self.manifest = manifest
        self.image = image
        self.by_ref: dict[str, PackageLocation] = {}

    def add(self, ref: str | None, component: Component, layer: str | None) -> None:
        """Register `component` under its bom-ref (components without one cannot be affected)."""
        if ref is None:
            return
        self.by_ref[ref] = self._package(component, component.path, layer)

    def subject(self, raw: dict[str, Any], fallback: str) -> PackageLocation:
        """Return the location of the SBOM's subject, for vulnerabilities that affect no component."""
        component = Component(
            name=as_str(raw.get("name")) or fallback,
            version=as_str(raw.get("version")),
            purl=as_str(raw.get("purl")),
        )
        location = self._package(component, None, None)
        ref = as_str(raw.get("bom-ref"))
        if ref is not None:
            self.by_ref.setdefault(ref, location)
        return location

    def location(self, ref: str | None) -> PackageLocation:
        """Return a fresh location for `ref`; an unknown ref is kept as the package name."""
        known = self.by_ref.get(ref) if ref else None
        if known is not None:
            # A shallow copy (about 2 µs) rather than a new validated location (about 4 µs).
            return known.model_copy()
        logger.warning("%s: affects ref %r names no component", self.manifest, ref)
        name = ref or "unknown component"
        purl = ref if ref and ref.startswith("pkg:") else None
        return self._package(Component(name=name, purl=purl), None, None)

    def _package(
        self, component: Component, path: str | None, layer: str | None
    ) -> PackageLocation:
        return PackageLocation(
            name=component.name,
            version=component.version,
            ecosystem=purl_ecosystem(component.purl),
            purl=component.purl,
            manifest=path or self.manifest,
            image=self.image,
            layer=layer,
        )


def _severity(ratings: list[Any], source_name: str | None) -> tuple[Severity, str | None]:
    """Return the worst severity among the ratings by the vulnerability's own source, if it rated
    it, else the worst among all ratings, with the name of the rating's source.
    """
    best: tuple[Severity, str | None] = (Severity.UNKNOWN, None)
    own: tuple[Severity, str | None] = (Severity.UNKNOWN, None)
    wanted = source_name.lower() if source_name else None
    for raw in ratings:
        rating = as_dict(raw)
        rated_by = as_str(as_dict(rating.get("source")).get("name"))
        level = _rating_severity(rating)
        # A source may rate twice (CVSS v2 and v3.1, say); the worse of its ratings counts.
        if wanted and rated_by and rated_by.lower() == wanted and level.rank > own[0].rank:
            own = (level, rated_by)
        if level.rank > best[0].rank:
            best = (level, rated_by)
    return own if own[0] is not Severity.UNKNOWN else best


def _rating_severity(rating: dict[str, Any]) -> Severity:
    """Return a rating's severity word, or its CVSS score's band when it gives no word."""
    word = rating.get("severity")
    if word:
        return severity.lookup(severity.CYCLONEDX, word)
    method = str(rating.get("method") or "").lower()
    if method in _CVSS_VERSIONS or not method:
        return severity.from_cvss(as_float(rating.get("score")))
    return Severity.UNKNOWN


def _cvss(ratings: list[Any]) -> list[Cvss]:
    """Return the CVSS ratings, in the order given."""
    found = []
    for raw in ratings:
        rating = as_dict(raw)
        version = _CVSS_VERSIONS.get(str(rating.get("method") or "").lower())
        score = as_float(rating.get("score"))
        vector = as_str(rating.get("vector"))
        if version is None or (score is None and vector is None):
            continue
        found.append(
            Cvss(
                version=version,
                vector=vector,
                score=score,
                source=as_str(as_dict(rating.get("source")).get("name")),
            )
        )
    return found


def _identifiers(
    vid: str, raw: dict[str, Any], cwes: list[int], source_name: str | None
) -> list[Identifier]:
    """Return the vulnerability's id, its aliases from ``references[]``, and its CWEs."""
    found = [Identifier(type=_id_type(vid, source_name), value=vid)]
    seen = {vid}
    for ref in raw.get("references") or []:
        ref = as_dict(ref)
        alias = as_str(ref.get("id"))
        if alias is None or alias in seen:
            continue
        seen.add(alias)
        ref_source = as_dict(ref.get("source"))
        found.append(
            Identifier(
                type=_id_type(alias, as_str(ref_source.get("name"))),
                value=alias,
                url=as_str(ref_source.get("url")),
            )
        )
    found.extend(Identifier.cwe(n) for n in cwes)
    return found


def _id_type(value: str, source_name: str | None) -> str:
    """Return the identifier namespace: cve, ghsa, else the source's name in lower case."""
    upper = value.upper()
    if upper.startswith("CVE-"):
        return "cve"
    if upper.startswith("GHSA-"):
        return "ghsa"
    return sys.intern(source_name.lower()) if source_name else "cyclonedx"


def _reference_urls(raw: dict[str, Any]) -> list[str]:
    """Return the URLs of the sources of ``references[]`` (aliases in other databases)."""
    urls = []
    for ref in raw.get("references") or []:
        url = as_str(as_dict(as_dict(ref).get("source")).get("url"))
        if url:
            urls.append(url)
    return urls


def _suppression(state: str, analysis: dict[str, Any]) -> Suppression:
    """Return the suppression a closing VEX state stands for, its reason in one sentence."""
    reason = state
    justification = as_str(analysis.get("justification"))
    if justification:
        reason += f" ({justification})"
    responses = [str(r) for r in analysis.get("response") or [] if r]
    if responses:
        reason += f"; response: {', '.join(responses)}"
    detail = as_str(analysis.get("detail"))
    if detail:
        reason += f": {detail}"
    return Suppression(
        kind="external", status="accepted", justification=reason, source="cyclonedx-vex"
    )


def _extras(
    raw: dict[str, Any],
    source_name: str | None,
    rated_by: str | None,
    ratings: list[Any],
    analysis: dict[str, Any],
) -> dict[str, Any]:
    """Return the vulnerability's fields the model has no place for."""
    extras: dict[str, Any] = {}
    if source_name:
        extras["vulnerability_source"] = source_name
    if rated_by:
        extras["severity_source"] = rated_by
    if ratings:
        extras["ratings"] = ratings
    if analysis:
        extras["analysis"] = analysis
    for key in ("bom-ref", "created", "published", "updated", "workaround"):
        if raw.get(key):
            extras[key.replace("-", "_")] = raw[key]
    if raw.get("description") and raw.get("detail"):
        extras["detail"] = raw["detail"]
    return extras


def _rule(
    vid: str,
    description: str | None,
    cwes: list[int],
    advisories: list[str],
    vuln_source: dict[str, Any],
    worst: Severity,
) -> Rule:
    """Return the rule for a vulnerability id, from the first vulnerability that names it."""
    web = [u for u in advisories if u.startswith(("https://", "http://"))]
    help_uri = web[0] if web else as_str(vuln_source.get("url"))
    return Rule(
        id=vid,
        short_description=_summary(description, vid),
        full_description=description or vid,
        help_uri=help_uri,
        tags=["vulnerability", *(f"external/cwe/cwe-{n}" for n in cwes)],
        cwes=cwes,
        severity=worst,
    )


def _summary(description: str | None, vid: str) -> str:
    """Return the vulnerability id and the start of its description, as a one-line summary."""
    if not description:
        return vid
    line = description.strip().splitlines()[0]
    if len(line) > _SUMMARY_LENGTH:
        line = line[:_SUMMARY_LENGTH].rsplit(" ", 1)[0] + "..."
    return f"{vid}: {line}"


def _title(vid: str, location: PackageLocation) -> str:
    version = f" {location.version}" if location.version else ""
    return f"{vid} in {location.name}{version}"


def _tool(tools: object) -> tuple[Tool, list[str]]:
    """Return the first tool of ``metadata.tools`` (either form), and every tool's name."""
    entries: list[Any] = []
    if isinstance(tools, list):  # 1.4 and earlier: [{vendor, name, version}]
        entries = tools
    elif isinstance(tools, dict):  # 1.5+: {components: [...], services: [...]}
        entries = [*(tools.get("components") or []), *(tools.get("services") or [])]
    described = [as_dict(e) for e in entries if as_str(as_dict(e).get("name"))]
    names = [f"{e['name']} {e.get('version') or ''}".strip() for e in described]
    if not described:
        return Tool(name="CycloneDX"), names
    first = described[0]
    vendor = (
        as_str(first.get("vendor"))
        or as_str(as_dict(first.get("manufacturer")).get("name"))
        or as_str(as_dict(first.get("supplier")).get("name"))
        or as_str(first.get("publisher"))
        or as_str(first.get("group"))
    )
    return Tool(name=str(first["name"]), version=as_str(first.get("version")), vendor=vendor), names


def _target(subject: dict[str, Any]) -> str | None:
    name = as_str(subject.get("name"))
    version = as_str(subject.get("version"))
    return f"{name}@{version}" if name and version else name


def _licenses(raw: object) -> list[str]:
    """Return a component's licenses: SPDX ids, free-text names and expressions, in order."""
    found: list[str] = []
    for entry in raw if isinstance(raw, list) else []:
        entry = as_dict(entry)
        license_ = as_dict(entry.get("license"))
        value = (
            as_str(entry.get("expression"))
            or as_str(license_.get("id"))
            or as_str(license_.get("name"))
        )
        if value and value not in found:
            found.append(sys.intern(value))
    return found


def _properties(raw: object) -> dict[str, str]:
    """Return ``properties[]`` as a dict, keeping the first value of a repeated name."""
    found: dict[str, str] = {}
    for prop in raw if isinstance(raw, list) else []:
        prop = as_dict(prop)
        name, value = as_str(prop.get("name")), as_str(prop.get("value"))
        if name and value and name not in found:
            found[name] = value
    return found


def _interned(value: object) -> str | None:
    text = as_str(value)
    return sys.intern(text) if text else None


def _as_int(value: object) -> int | None:
    number = as_float(value)
    return int(number) if number is not None and number.is_integer() else None


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


class _XmlBom:
    """Converts a CycloneDX XML document to the JSON form's shape, field by field."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.ns = str(root.tag).partition("}")[0] + "}"

    def document(self) -> dict[str, Any]:
        """Return the document without its vulnerabilities (see `vulnerabilities`)."""
        root = self.root
        metadata = root.find(self.ns + "metadata")
        return {
            "bomFormat": "CycloneDX",
            "specVersion": self.ns.rstrip("}").rpartition("/")[2],
            "serialNumber": root.get("serialNumber"),
            "version": as_int(root.get("version")),
            "metadata": self._metadata(metadata) if metadata is not None else {},
            "components": self._components(root),
        }

    def vulnerabilities(self) -> Iterator[dict[str, Any]]:
        """Yield each vulnerability in the JSON form's shape, one at a time."""
        for el in self.root.iterfind(f"{self.ns}vulnerabilities/{self.ns}vulnerability"):
            yield self._vulnerability(el)

    def _text(self, el: Any, name: str) -> str | None:
        child = el.find(self.ns + name)
        return as_str(child.text) if child is not None else None

    def _all(self, el: Any, path: str) -> list[Any]:
        return list(el.iterfind("/".join(self.ns + part for part in path.split("/"))))

    def _fields(self, el: Any, names: Iterable[str]) -> dict[str, Any]:
        return {name: value for name in names if (value := self._text(el, name)) is not None}

    def _metadata(self, el: Any) -> dict[str, Any]:
        tools = el.find(self.ns + "tools")
        subject = el.find(self.ns + "component")
        return {
            "timestamp": self._text(el, "timestamp"),
            "tools": self._tools(tools) if tools is not None else None,
            "component": self._component(subject) if subject is not None else None,
        }

    def _tools(self, el: Any) -> Any:
        legacy = self._all(el, "tool")
        if legacy:
            return [self._fields(t, ("vendor", "name", "version")) for t in legacy]
        return {
            "components": [self._component(c) for c in self._all(el, "components/component")],
            "services": [self._component(s) for s in self._all(el, "services/service")],
        }

    def _components(self, el: Any) -> list[dict[str, Any]]:
        return [self._component(c) for c in self._all(el, "components/component")]

    def _component(self, el: Any) -> dict[str, Any]:
        out = self._fields(el, ("group", "name", "version", "purl", "publisher", "author"))
        out["type"] = el.get("type")
        out["bom-ref"] = el.get("bom-ref")
        for party in ("manufacturer", "supplier"):
            name = self._text(el, f"{party}/{self.ns}name")
            if name:
                out[party] = {"name": name}
        licenses = el.find(self.ns + "licenses")
        if licenses is not None:
            out["licenses"] = self._licenses(licenses)
        out["properties"] = [
            {"name": p.get("name"), "value": as_str(p.text)}
            for p in self._all(el, "properties/property")
        ]
        nested = self._components(el)
        if nested:
            out["components"] = nested
        return out

    def _licenses(self, el: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for child in el:
            tag = _local(child.tag)
            if tag == "expression" and as_str(child.text):
                found.append({"expression": as_str(child.text)})
            elif tag == "license":
                found.append({"license": self._fields(child, ("id", "name"))})
        return found

    def _source(self, el: Any) -> dict[str, Any]:
        source = el.find(self.ns + "source")
        return self._fields(source, ("name", "url")) if source is not None else {}

    def _vulnerability(self, el: Any) -> dict[str, Any]:
        out: dict[str, Any] = self._fields(
            el,
            ("id", "description", "detail", "recommendation", "workaround")
            + ("created", "published", "updated"),
        )
        if el.get("bom-ref"):
            out["bom-ref"] = el.get("bom-ref")
        out["source"] = self._source(el)
        out["references"] = [
            {"id": self._text(r, "id"), "source": self._source(r)}
            for r in self._all(el, "references/reference")
        ]
        out["ratings"] = [self._rating(r) for r in self._all(el, "ratings/rating")]
        out["cwes"] = [as_str(c.text) for c in self._all(el, "cwes/cwe")]
        out["advisories"] = [
            self._fields(a, ("title", "url")) for a in self._all(el, "advisories/advisory")
        ]
        analysis = el.find(self.ns + "analysis")
        if analysis is not None:
            out["analysis"] = self._fields(analysis, ("state", "justification", "detail"))
            responses = [as_str(r.text) for r in self._all(analysis, "responses/response")]
            if responses:
                out["analysis"]["response"] = responses
        out["affects"] = [
            {
                "ref": self._text(target, "ref"),
                "versions": [
                    self._fields(v, ("version", "range", "status"))
                    for v in self._all(target, "versions/version")
                ],
            }
            for target in self._all(el, "affects/target")
        ]
        return out

    def _rating(self, el: Any) -> dict[str, Any]:
        rating: dict[str, Any] = self._fields(el, ("severity", "method", "vector"))
        score = as_float(self._text(el, "score"))
        if score is not None:
            rating["score"] = score
        source = self._source(el)
        if source:
            rating["source"] = source
        return rating
