"""SPDX JSON SBOMs, versions 2.2 and 2.3 (other 2.x versions read the same way).

``packages[]`` is the inventory: each becomes a `Component` with its version, purl (the
``externalRefs`` entry of ``referenceType`` purl), purpose (2.3's ``primaryPackagePurpose``) and
licenses (``licenseConcluded`` then ``licenseDeclared``; NOASSERTION and NONE mean "unknown" and
are skipped; an expression is kept whole). Every package counts, the described root one too.

SPDX has no vulnerability list, but a package may carry ``externalRefs`` of
``referenceCategory`` SECURITY (``cpe22Type``, ``cpe23Type``, ``advisory``, ``fix``, ``url``,
``swid``). Each CVE or GHSA id that such a reference's locator names becomes one finding for
that package (one per package per id, however many references name it). Severity is
UNKNOWN unless the reference's comment gives one (``severity: high``). CPE references name no
vulnerability and make no finding.

The tool is the first ``Tool:`` entry of ``creationInfo.creators`` ("Tool: trivy-0.45" gives
trivy 0.45), the vendor the first ``Organization:`` entry. Scans are DEPENDENCY scans.
See: https://spdx.github.io/spdx-spec/v2.3/package-information/ (§7.21 external references)
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from sarifkit.parsers.base import (
    Parser,
    as_str,
    drain,
    inventory_metrics,
    parse_time,
    purl_ecosystem,
)

from sarifkit.model import (
    Component,
    Finding,
    Identifier,
    PackageLocation,
    Rule,
    Scan,
    ScanKind,
    Severity,
    Tool,
)
from sarifkit.severity import CYCLONEDX, lookup
from sarifkit.source import Source

logger = logging.getLogger(__name__)

_NO_LICENSE = frozenset({"NOASSERTION", "NONE", ""})
_VULNERABILITY_ID = re.compile(
    r"\b(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b", re.IGNORECASE
)
# Comments are free text; only an explicit "severity: <word>" is taken as a severity.
_SEVERITY_IN_COMMENT = re.compile(
    r"\bseverity\s*[:=]\s*(critical|high|medium|moderate|low|info|none)\b", re.IGNORECASE
)
_VERSION_SUFFIX = re.compile(r"^(?P<name>.+?)[-_ ]v?(?P<version>\d[\w.+~-]*|dev)$")


class SpdxParser(Parser):
    """Reads an SPDX 2.x JSON SBOM: its package inventory and its security references."""

    name = "spdx"
    formats = "SPDX JSON SBOM"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        if not source.is_json():
            return False
        doc = source.json()
        return (
            isinstance(doc, dict)
            and isinstance(doc.get("spdxVersion"), str)
            and doc["spdxVersion"].startswith("SPDX-")
        )

    def parse(self, source: Source) -> list[Scan]:
        doc = source.json()
        if not isinstance(doc, dict):
            raise self.error(source, "the document is not an object")
        version = as_str(doc.get("spdxVersion")) or ""
        if not version.startswith("SPDX-2."):
            raise self.error(source, f"unsupported spdxVersion {version!r} (reads SPDX-2.x)")
        packages = doc.get("packages") or []
        if not isinstance(packages, list):
            raise self.error(source, "'packages' is not a list")
        creation = doc.get("creationInfo") or {}
        if not isinstance(creation, dict):
            raise self.error(source, "'creationInfo' is not an object")
        components: list[Component] = []
        findings: list[Finding] = []
        rules: dict[str, Rule] = {}
        for number, raw in enumerate(drain(packages)):
            component = self._component(source, raw, number)
            components.append(component)
            findings.extend(self._findings(source, raw, number, component, rules))
        created = parse_time(creation.get("created"))
        licenses = {lic for component in components for lic in component.licenses}
        properties: dict[str, Any] = {"spdxVersion": version}
        for key in ("SPDXID", "documentNamespace", "dataLicense"):
            if doc.get(key):
                properties[key] = doc[key]
        scan = Scan(
            tool=_tool(creation.get("creators")),
            kind=ScanKind.DEPENDENCY,
            source=source.name,
            target=as_str(doc.get("name")),
            started_at=created,
            ended_at=created,
            metrics=inventory_metrics(len(components), len(licenses), len(rules)),
            rules=sorted(rules.values(), key=lambda r: r.id),
            findings=findings,
            components=components,
            properties=properties,
        )
        return [scan]

    def _component(self, source: Source, raw: object, number: int) -> Component:
        """Return the inventory entry for one package."""
        if not isinstance(raw, dict):
            raise self.error(source, f"packages[{number}] is not an object")
        name = as_str(raw.get("name"))
        if name is None:
            raise self.error(source, f"packages[{number}] has no 'name'")
        refs = raw.get("externalRefs") or []
        if not isinstance(refs, list):
            raise self.error(source, f"packages[{number}].externalRefs is not a list")
        purpose = as_str(raw.get("primaryPackagePurpose"))
        return Component(
            name=name,
            version=as_str(raw.get("versionInfo")),
            type=sys.intern(purpose.lower()) if purpose else None,
            purl=_purl(refs),
            licenses=_licenses(raw),
            path=as_str(raw.get("packageFileName")),
        )

    def _findings(
        self,
        source: Source,
        raw: dict[str, Any],
        number: int,
        component: Component,
        rules: dict[str, Rule],
    ) -> list[Finding]:
        """Return one finding per CVE/GHSA id that the package's SECURITY references name."""
        named: dict[str, _Named] = {}
        for ref in raw.get("externalRefs") or []:
            if not isinstance(ref, dict) or _category(ref) != "SECURITY":
                continue
            locator = as_str(ref.get("referenceLocator")) or ""
            comment = as_str(ref.get("comment")) or ""
            # Only the locator names what the reference is about; comments are free text.
            for match in _VULNERABILITY_ID.finditer(locator):
                vid = _normalise(match.group(1))
                entry = named.setdefault(vid, _Named())
                entry.add(ref, locator, comment)
        if not named:
            return []
        location = PackageLocation(
            name=component.name,
            version=component.version,
            ecosystem=purl_ecosystem(component.purl),
            purl=component.purl,
            manifest=source.name,
        )
        findings = []
        for vid, entry in named.items():
            if vid not in rules:
                rules[vid] = _rule(vid, entry)
            findings.append(_finding(vid, entry, location.model_copy(), raw, number))
        return findings


class _Named:
    """What the SECURITY references of one package say about one vulnerability id."""

    __slots__ = ("references", "severity", "types")

    def __init__(self) -> None:
        self.references: list[str] = []
        self.types: list[str] = []
        self.severity = Severity.UNKNOWN

    def add(self, ref: dict[str, Any], locator: str, comment: str) -> None:
        """Record one reference that names the id."""
        kind = as_str(ref.get("referenceType")) or "unknown"
        if kind not in self.types:
            self.types.append(sys.intern(kind))
        if locator.startswith(("https://", "http://")) and locator not in self.references:
            self.references.append(locator)
        given = _SEVERITY_IN_COMMENT.search(comment)
        if given:
            word = given.group(1).lower()
            level = lookup(CYCLONEDX, "medium" if word == "moderate" else word)
            if level.rank > self.severity.rank:
                self.severity = level


def _finding(
    vid: str, entry: _Named, location: PackageLocation, raw: dict[str, Any], number: int
) -> Finding:
    version = f" {location.version}" if location.version else ""
    return Finding(
        rule_id=vid,
        title=f"{vid} in {location.name}{version}",
        severity=entry.severity,
        locations=[location],
        identifiers=[Identifier(type=vid.split("-", 1)[0].lower(), value=vid)],
        references=list(entry.references),
        properties={
            "spdx_id": raw.get("SPDXID"),
            "package_index": number,
            "reference_types": list(entry.types),
        },
    )


def _rule(vid: str, entry: _Named) -> Rule:
    return Rule(
        id=vid,
        short_description=f"{vid}: named by an SPDX security reference",
        full_description=f"{vid}, named by a SECURITY external reference of the SBOM's package.",
        help_uri=entry.references[0] if entry.references else None,
        tags=["vulnerability"],
    )


def _normalise(vid: str) -> str:
    """Return a CVE id in upper case, a GHSA id as GitHub writes it (GHSA- and lower case)."""
    if vid.upper().startswith("CVE-"):
        return vid.upper()
    return "GHSA-" + vid[5:].lower()


def _category(ref: dict[str, Any]) -> str:
    # SPDX 2.3 spells PACKAGE-MANAGER and PACKAGE_MANAGER both ways; normalise the same way.
    return str(ref.get("referenceCategory") or "").upper().replace("_", "-")


def _purl(refs: list[Any]) -> str | None:
    for ref in refs:
        if isinstance(ref, dict) and ref.get("referenceType") == "purl":
            return as_str(ref.get("referenceLocator"))
    return None


def _licenses(raw: dict[str, Any]) -> list[str]:
    """Return the concluded then the declared license, skipping NOASSERTION, NONE and repeats."""
    found: list[str] = []
    for key in ("licenseConcluded", "licenseDeclared"):
        value = as_str(raw.get(key))
        if value and value.upper() not in _NO_LICENSE and value not in found:
            found.append(sys.intern(value))
    return found


def _tool(creators: object) -> Tool:
    """Return the tool of the first ``Tool:`` creator, its vendor the first ``Organization:``."""
    entries = [str(c) for c in creators] if isinstance(creators, list) else []
    tools = [c.partition(":")[2].strip() for c in entries if c.startswith("Tool:")]
    orgs = [c.partition(":")[2].strip() for c in entries if c.startswith("Organization:")]
    vendor = orgs[0] if orgs and orgs[0] else None
    if not tools or not tools[0]:
        return Tool(name="SPDX", vendor=vendor)
    match = _VERSION_SUFFIX.match(tools[0])
    if match is None:
        return Tool(name=tools[0], vendor=vendor)
    return Tool(name=match.group("name"), version=match.group("version"), vendor=vendor)
