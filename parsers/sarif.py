"""SARIF 2.1.0 logs from any tool: Bandit ``-f sarif``, Trivy, OWASP ZAP, Semgrep, CodeQL, gitleaks...

Reads OASIS SARIF 2.1.0 (with errata01); other versions (1.0.0, the 2.0.0 drafts) are refused.
Each run becomes one `Scan`. Section numbers (§) refer to the SARIF 2.1.0 specification.

* **Rules** come from ``tool.driver.rules`` and every ``tool.extensions[].rules`` (CodeQL keeps
  its queries in extensions). A result finds its rule by ``ruleIndex``/``rule.index`` in the
  component that ``rule.toolComponent`` names (the driver when absent), else by ``ruleId`` or
  ``rule.id``; a hierarchical id ``A/B`` that no rule declares falls back to ``A`` (§3.27.5) and
  keeps ``A/B`` as the finding's rule id, with a rule copied from ``A``.
* **Severity**, first that applies: the result's ``properties.security-severity`` (a CVSS-like
  score, `severity.from_cvss`); a severity word in the result's properties (``severity``,
  Bandit's ``issue_severity``); the rule's ``properties.security-severity``; the result's
  ``level`` (`severity.SARIF_LEVEL`); its ``rank`` (0-100, read as a score times ten); the rule's
  ``defaultConfiguration.level``; else ``warning`` (medium), or ``none`` (info) when the
  result's ``kind`` is not ``fail`` (§3.27.10).
* **Kind**: ``pass``, ``notApplicable`` and ``informational`` results say no problem was found.
  They are kept, as info findings suppressed with the reason (so every result survives a
  conversion, and none counts towards the score or the gate); ``review`` and ``open`` stay open.
* **Status**: ``suppressions`` all ``accepted`` (or without a status) make a finding suppressed,
  with each justification; ``underReview`` or ``rejected`` leave it open (§3.27.23).
  ``baselineState`` is kept, and ``absent`` (gone since the baseline) marks the finding fixed.
* **Locations**: ``locations``, ``relatedLocations`` and every thread flow of ``codeFlows``. A
  relative ``uri`` stays relative (GitHub and GitLab want repository-relative paths) whatever
  its ``uriBaseId``, after the relative parts of a chain of ``originalUriBaseIds``; the run's
  bases are kept in the scan's properties and the primary location's base id in the finding's.
  A base that is the file system root (``file:///``) gives an absolute path; an http(s) base, or
  an absolute http(s) uri, gives a web location. Without a physical location, ``analysisTarget``
  or ``webRequest.target`` stands in; failing all, the raw locations are kept in properties.
  Trivy's package results (rules named ``*PackageVulnerability``) become package locations.
* **Identifiers**: the tool's rule id; CVE/GHSA/... ids from rule ids; CWE from tags
  (``external/cwe/cwe-79``, ``CWE-79: ...``, ``cwe-79``), from rule ``relationships`` and result
  ``taxa`` that point into a taxonomy named CWE; other taxa by their taxonomy's name.
* **Fingerprints**: ``fingerprints`` and ``partialFingerprints`` are kept in properties. Only
  sarifkit's own ``sarifkit/v1`` and a hex ``primaryLocationLineHash`` (a hash of the line's
  text, stable as code moves) become `Finding.fingerprint`; others (Semgrep writes "requires
  login" for every result without a login) are left to `sarifkit.fingerprint`.
* **Scan kind**: each result votes by its rule (CVE/GHSA-like ids and Trivy package rules:
  dependency, or container when the run names an image or the rule is an OS package one; Trivy
  ``Secret`` rules, ``secret`` tags and secret scanners: secret; Trivy ``Misconfiguration`` rules
  and IaC scanners: iac; a web location: dast; else sast); the most votes win, ties going to
  dast, container, dependency, secret, iac, sast. A run sarifkit wrote keeps its recorded kind.
* **Invocations**: ``toolExecutionNotifications`` and ``toolConfigurationNotifications`` become
  notifications, ``executionSuccessful`` (all of them) the scan's success, the earliest start and
  the latest end its times.
"""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from sarifkit.parsers.base import Parser, as_float, as_int, as_str, drain, parse_time

from sarifkit import severity
from sarifkit.model import (
    CodeLocation,
    Confidence,
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
    WebLocation,
)
from sarifkit.source import Source

logger = logging.getLogger(__name__)

_CWE_TAG = re.compile(r"^(?:external/cwe/)?cwe[-_: ]?0*(\d+)\b", re.IGNORECASE)
_CWE_ID = re.compile(r"^(?:cwe[-_: ]?)?0*(\d+)$", re.IGNORECASE)
_VULN_ID = re.compile(
    r"^(?:(CVE)-\d{4}-\d{4,}|(GHSA)(?:-[0-9a-z]{4}){3}|(PYSEC|RUSTSEC|GO|GMS|OSV)-\d{4}-[\w-]+)$",
    re.IGNORECASE,
)
_HEX_LINE_HASH = re.compile(r"^[0-9a-f]{8,64}(?::\d+)?$")
_ARGUMENT = re.compile(r"\{(\d+)\}")
_FIXED_VERSION = re.compile(r"^Fixed Version: *(.+?) *$", re.MULTILINE)
_VERSION = re.compile(r"^2\.1(?:\.|$)")

#: Result kinds that report the absence of a problem (§3.27.9).
_NOT_FAILURES = {
    "pass": "the rule was evaluated and passed",
    "notApplicable": "the rule does not apply",
    "informational": "an informational result, not a problem",
}
_BASELINE_STATES = frozenset({"new", "unchanged", "updated", "absent"})
_SUPPRESSION_STATUS = {
    "accepted": "accepted",
    "underReview": "under_review",
    "rejected": "rejected",
}
_NOTIFICATION_LEVELS = {"error": "error", "warning": "warning", "note": "note", "none": "note"}
#: Trivy's rule names (its result classes) that mean a vulnerable package.
_OS_PACKAGE_RULE = "OsPackageVulnerability"
_PACKAGE_RULES = frozenset({_OS_PACKAGE_RULE, "LanguageSpecificPackageVulnerability"})
#: Scanners whose every run is of one kind, by lower-cased driver name.
_TOOL_KINDS = {
    "gitleaks": "secret",
    "trufflehog": "secret",
    "detect-secrets": "secret",
    "ggshield": "secret",
    "checkov": "iac",
    "tfsec": "iac",
    "kics": "iac",
    "terrascan": "iac",
}
#: Tie-break order of the scan kind vote.
_KIND_ORDER = ("dast", "container", "dependency", "secret", "iac", "sast")
#: Result keys mapped onto the model; the others are kept in the finding's properties.
_MAPPED = frozenset(
    {
        "ruleId",
        "ruleIndex",
        "rule",
        "message",
        "level",
        "locations",
        "relatedLocations",
        "codeFlows",
        "suppressions",
        "baselineState",
        "taxa",
        "properties",
        "analysisTarget",
    }
)
#: Run keys kept in the scan's properties as they are.
_RUN_KEPT = (
    "automationDetails",
    "originalUriBaseIds",
    "versionControlProvenance",
    "columnKind",
    "language",
    "baselineGuid",
    "defaultSourceLanguage",
)
_SARIFKIT = "sarifkit"


class SarifParser(Parser):
    """Reads SARIF 2.1.0 logs written by any tool; one scan per run."""

    name = "sarif"
    formats = "SARIF 2.1.0"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        if not source.is_json():
            return False
        doc = source.json()
        if not isinstance(doc, dict) or "runs" not in doc:
            return False
        if "sarif" in str(doc.get("$schema") or "").lower():
            return True
        version = doc.get("version")
        if not isinstance(version, str):
            return False
        if _VERSION.match(version):
            return True
        # An older SARIF log: recognised so that the user hears its version is not supported.
        runs = doc["runs"]
        return (
            isinstance(runs, list)
            and bool(runs)
            and isinstance(runs[0], dict)
            and "tool" in runs[0]
        )

    def parse(self, source: Source) -> list[Scan]:
        doc = source.json()
        if not isinstance(doc, dict):
            raise self.error(source, "the log is not a JSON object")
        version = doc.get("version")
        if not isinstance(version, str) or not _VERSION.match(version):
            raise self.error(source, f"SARIF version {version!r} is not supported (only 2.1.0)")
        runs = doc.get("runs")
        if not isinstance(runs, list):
            raise self.error(source, "'runs' is not a list")
        scans = []
        for number, run in enumerate(runs):
            if not isinstance(run, dict):
                raise self.error(source, f"runs[{number}] is not an object")
            scans.append(_RunReader(self, source, number, run).scan())
        return scans


@dataclass(slots=True)
class _RuleInfo:
    """What every finding of one rule shares, worked out once per rule."""

    rule: Rule
    identifiers: list[Identifier]
    score: float | None
    default_level: str | None
    confidence: Confidence
    category: str
    cvss: list[Cvss]
    references: list[str]
    message_strings: dict[str, str] = field(default_factory=dict)
    package_rule: bool = False


class _RunReader:
    """Reads one run; holds the run-wide lookups (rules, bases, artifacts, taxonomies)."""

    def __init__(self, parser: SarifParser, source: Source, number: int, run: dict[str, Any]):
        self.parser = parser
        self.source = source
        self.where = f"runs[{number}]"
        self.run = run
        tool = run.get("tool")
        driver = tool.get("driver") if isinstance(tool, dict) else None
        if not isinstance(driver, dict) or not as_str(driver.get("name")):
            raise parser.error(source, f"{self.where}.tool.driver has no name")
        self.driver: dict[str, Any] = driver
        extensions = tool.get("extensions") if isinstance(tool, dict) else None
        self.extensions: list[dict[str, Any]] = [e for e in extensions or [] if isinstance(e, dict)]
        self.tool_name = str(driver["name"]).strip()
        self.slug = re.sub(r"[^a-z0-9]+", "_", self.tool_name.lower()).strip("_") or "sarif"
        props = run.get("properties")
        self.run_props: dict[str, Any] = props if isinstance(props, dict) else {}
        self.image = as_str(self.run_props.get("imageName"))
        self.converted_by_sarifkit = _conversion_tool(run) == _SARIFKIT
        self.bases = run.get("originalUriBaseIds") or {}
        artifacts = run.get("artifacts")
        self.artifacts: list[Any] = artifacts if isinstance(artifacts, list) else []
        self.taxonomies = [t for t in run.get("taxonomies") or [] if isinstance(t, dict)]
        self.global_strings = _message_strings(driver.get("globalMessageStrings"))
        self.flow_locations = run.get("threadFlowLocations") or []
        self._uri_cache: dict[tuple[str, str | None], tuple[bool, str]] = {}
        self._base_cache: dict[str, tuple[str, str | None]] = {}
        self.by_id: dict[str, dict[str, Any]] = {}
        self.infos: dict[str, _RuleInfo] = {}
        self._declare_rules()

    # ----- rules -----

    def _components(self) -> Iterator[list[Any]]:
        yield _rules_of(self.driver)
        for extension in self.extensions:
            yield _rules_of(extension)

    def _declare_rules(self) -> None:
        """Register every rule of the driver and extensions, in order; the first id wins."""
        for rules in self._components():
            for descriptor in rules:
                if not isinstance(descriptor, dict):
                    continue
                rule_id = as_str(descriptor.get("id"))
                if rule_id is None or rule_id in self.by_id:
                    continue
                self.by_id[rule_id] = descriptor
                self.infos[rule_id] = self._rule_info(rule_id, descriptor)

    def _component_rules(self, ref: dict[str, Any]) -> list[Any]:
        """Return the rules of the tool component a reporting descriptor reference names."""
        component = ref.get("toolComponent")
        if not isinstance(component, dict):
            return _rules_of(self.driver)
        index = as_int(component.get("index"))
        if index is not None and 0 <= index < len(self.extensions):
            return _rules_of(self.extensions[index])
        name, guid = component.get("name"), component.get("guid")
        for extension in self.extensions:
            if (name and extension.get("name") == name) or (guid and extension.get("guid") == guid):
                return _rules_of(extension)
        return _rules_of(self.driver)

    def _rule_for(self, result: dict[str, Any], number: int) -> _RuleInfo:
        """Return the rule a result names, declaring one when the run does not."""
        rule_id = as_str(result.get("ruleId"))
        if rule_id is not None and rule_id in self.infos:
            return self.infos[rule_id]
        ref = result.get("rule")
        ref = ref if isinstance(ref, dict) else {}
        rule_id = rule_id or as_str(ref.get("id"))
        index = as_int(result.get("ruleIndex"))
        if index is None or index < 0:
            index = as_int(ref.get("index"))
        descriptor: dict[str, Any] | None = None
        if index is not None and index >= 0:
            rules = self._component_rules(ref)
            if index < len(rules) and isinstance(rules[index], dict):
                descriptor = rules[index]
            elif rule_id is None:
                raise self.parser.error(
                    self.source,
                    f"{self.where}.results[{number}]: ruleIndex {index} names no rule "
                    f"(the component has {len(rules)}) and there is no ruleId",
                )
        if rule_id is None:
            rule_id = as_str(descriptor.get("id")) if descriptor else None
        if rule_id is None:
            # SARIF allows a result without a rule (§3.27.5); sarifkit needs an id to group by.
            rule_id = f"{self.slug}-result"
        info = self.infos.get(rule_id)
        if info is None:
            info = self._undeclared(rule_id, descriptor)
            self.infos[rule_id] = info
        return info

    def _undeclared(self, rule_id: str, descriptor: dict[str, Any] | None) -> _RuleInfo:
        """Return the rule for an id the run does not declare: from its base id, or bare."""
        if descriptor is None:
            base = rule_id
            while descriptor is None and "/" in base:
                base = base.rpartition("/")[0]
                descriptor = self.by_id.get(base)
        if descriptor is None:
            logger.debug("%s: %s: rule %s is not declared", self.source.name, self.where, rule_id)
            return self._rule_info(rule_id, {})
        info = self._rule_info(rule_id, descriptor)
        base_id = as_str(descriptor.get("id"))
        if base_id and base_id != rule_id:
            info.rule.properties["baseRuleId"] = base_id
        return info

    def _rule_info(self, rule_id: str, descriptor: dict[str, Any]) -> _RuleInfo:
        """Return what the findings of a rule share, from its reporting descriptor (§3.49)."""
        props = descriptor.get("properties")
        props = props if isinstance(props, dict) else {}
        tags = [t for t in props.get("tags") or [] if isinstance(t, str)]
        name = as_str(descriptor.get("name"))
        score = _score(props.get("security-severity"))
        config = descriptor.get("defaultConfiguration")
        default_level = as_str(config.get("level")) if isinstance(config, dict) else None
        cwes = _cwes_from_tags(tags) | self._cwes_from_relationships(descriptor)
        help_ = descriptor.get("help")
        help_uri = as_str(descriptor.get("helpUri"))
        kept = {k: v for k, v in props.items() if k not in ("tags", "security-severity")}
        if score is not None:
            # Kept as the tool wrote it: the writer lets the rule's properties override its own.
            raw = props["security-severity"]
            kept["security-severity"] = raw.strip() if isinstance(raw, str) else f"{score:.1f}"
        rule = Rule(
            id=sys.intern(rule_id),
            name=name,
            short_description=_text(descriptor.get("shortDescription")),
            full_description=_text(descriptor.get("fullDescription")),
            help_text=as_str(help_.get("text")) if isinstance(help_, dict) else None,
            help_markdown=as_str(help_.get("markdown")) if isinstance(help_, dict) else None,
            help_uri=help_uri,
            tags=tags,
            cwes=sorted(cwes),
            severity=self._rule_severity(score, default_level),
            properties=kept,
        )
        references = [help_uri] if help_uri and help_uri.startswith(("http://", "https://")) else []
        references.extend(
            r for r in props.get("references") or [] if isinstance(r, str) and r not in references
        )
        return _RuleInfo(
            rule=rule,
            identifiers=self._rule_identifiers(rule),
            score=score,
            default_level=default_level,
            confidence=_confidence(props.get("precision"), props.get("confidence"))
            or Confidence.UNKNOWN,
            category=self._category(rule),
            cvss=_trivy_cvss(props),
            references=references,
            message_strings=_message_strings(descriptor.get("messageStrings")),
            package_rule=name in _PACKAGE_RULES,
        )

    @staticmethod
    def _rule_severity(score: float | None, level: str | None) -> Severity | None:
        if score is not None:
            return severity.from_cvss(score)
        return severity.lookup(severity.SARIF_LEVEL, level) if level else None

    def _rule_identifiers(self, rule: Rule) -> list[Identifier]:
        """Return the rule's identifiers: its vulnerability id or the tool's id, then CWEs."""
        vuln = _vuln_identifier(rule.id)
        first = vuln or Identifier(type=f"{self.slug}_rule_id", value=rule.id, url=rule.help_uri)
        return [first, *(Identifier.cwe(cwe) for cwe in rule.cwes)]

    def _category(self, rule: Rule) -> str:
        """Return the kind of scan a rule's findings point to (see the module docstring)."""
        by_tool = _TOOL_KINDS.get(self.tool_name.lower())
        if by_tool:
            return by_tool
        if rule.name in _PACKAGE_RULES or _VULN_ID.match(rule.id):
            container = rule.name == _OS_PACKAGE_RULE or self.image or "imageID" in self.run_props
            return "container" if container else "dependency"
        if rule.name == "Secret" or any(t.lower() in ("secret", "secrets") for t in rule.tags):
            return "secret"
        if rule.name == "Misconfiguration":
            return "iac"
        return "sast"

    def _taxonomy(self, ref: object) -> dict[str, Any] | None:
        """Return the taxonomy a reference's ``toolComponent`` points to, if the run has it."""
        if not isinstance(ref, dict):
            return None
        index = as_int(ref.get("index"))
        if index is not None and 0 <= index < len(self.taxonomies):
            return self.taxonomies[index]
        for taxonomy in self.taxonomies:
            for key in ("guid", "name"):
                if ref.get(key) and taxonomy.get(key) == ref.get(key):
                    return taxonomy
        return {"name": ref["name"]} if isinstance(ref.get("name"), str) else None

    def _cwes_from_relationships(self, descriptor: dict[str, Any]) -> set[int]:
        cwes: set[int] = set()
        for relationship in descriptor.get("relationships") or []:
            target = relationship.get("target") if isinstance(relationship, dict) else None
            if isinstance(target, dict):
                cwe = self._taxon_cwe(target)
                if cwe is not None:
                    cwes.add(cwe)
        return cwes

    def _taxon_cwe(self, target: dict[str, Any]) -> int | None:
        """Return the CWE number a taxon reference names, if it points into a CWE taxonomy."""
        taxonomy = self._taxonomy(target.get("toolComponent"))
        if taxonomy is None or "cwe" not in str(taxonomy.get("name") or "").lower():
            return None
        match = _CWE_ID.match(str(target.get("id") or ""))
        return int(match.group(1)) if match else None

    # ----- the scan -----

    def scan(self) -> Scan:
        """Return the run as a scan."""
        results = self.run.get("results")
        if results is None:
            results = []
        if not isinstance(results, list):
            raise self.parser.error(self.source, f"{self.where}.results is not a list")
        votes: Counter[str] = Counter()
        findings = []
        for number, raw in enumerate(drain(results)):
            if not isinstance(raw, dict):
                raise self.parser.error(
                    self.source, f"{self.where}.results[{number}] is not an object"
                )
            finding, category = self._finding(raw, number)
            findings.append(finding)
            votes[category] += 1
        started, ended, successful, notifications = self._invocations()
        recorded = self.run_props if self.converted_by_sarifkit else {}
        return Scan(
            tool=Tool(
                name=self.tool_name,
                version=as_str(self.driver.get("semanticVersion"))
                or as_str(self.driver.get("version")),
                vendor=as_str(self.driver.get("organization")),
                information_uri=as_str(self.driver.get("informationUri")),
            ),
            kind=self._kind(votes, recorded.get("kind")),
            source=self.source.name,
            target=as_str(recorded.get("target")) or self.image,
            started_at=started,
            ended_at=ended,
            successful=successful,
            notifications=notifications,
            metrics=_metrics(recorded.get("metrics")),
            rules=[info.rule for info in self.infos.values()],
            findings=findings,
            properties=self._scan_properties(recorded),
        )

    def _kind(self, votes: Counter[str], recorded: object) -> ScanKind:
        """Return the scan kind: the one sarifkit recorded, else the most voted (ties by order)."""
        if isinstance(recorded, str) and recorded in ScanKind._value2member_map_:
            return ScanKind(recorded)
        if not votes:
            votes.update(info.category for info in self.infos.values())
        if not votes:
            return ScanKind.SAST
        best = max(_KIND_ORDER, key=lambda k: (votes.get(k, 0), -_KIND_ORDER.index(k)))
        return ScanKind(best)

    def _scan_properties(self, recorded: dict[str, Any]) -> dict[str, Any]:
        """Return the run's own properties and the run fields the model has no place for."""
        if recorded:
            tool_props = recorded.get("tool")
            return dict(tool_props) if isinstance(tool_props, dict) else {}
        props: dict[str, Any] = {}
        if self.run_props:
            props["properties"] = self.run_props
        props.update((key, self.run[key]) for key in _RUN_KEPT if key in self.run)
        for key in ("fullName", "guid"):
            if key in self.driver:
                props[f"driver.{key}"] = self.driver[key]
        if self.extensions:
            props["extensions"] = [
                {k: e[k] for k in ("name", "version", "semanticVersion", "guid") if k in e}
                for e in self.extensions
            ]
        return props

    def _invocations(self) -> tuple[Any, Any, bool, list[Notification]]:
        """Return start, end, success and notifications over every invocation (§3.20)."""
        starts, ends, successful = [], [], True
        notifications: list[Notification] = []
        for invocation in self.run.get("invocations") or []:
            if not isinstance(invocation, dict):
                continue
            if invocation.get("executionSuccessful") is False:
                successful = False
            starts.append(parse_time(invocation.get("startTimeUtc")))
            ends.append(parse_time(invocation.get("endTimeUtc")))
            for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
                notifications.extend(
                    self._notification(n) for n in invocation.get(key) or [] if isinstance(n, dict)
                )
        known_starts = [t for t in starts if t is not None]
        known_ends = [t for t in ends if t is not None]
        return (
            min(known_starts, default=None),
            max(known_ends, default=None),
            successful,
            notifications,
        )

    def _notification(self, raw: dict[str, Any]) -> Notification:
        descriptor = raw.get("descriptor")
        message = _text(raw.get("message")) or (
            as_str(descriptor.get("id")) if isinstance(descriptor, dict) else None
        )
        path, line = None, None
        for location in raw.get("locations") or []:
            loc = self._location(location, None) if isinstance(location, dict) else None
            if isinstance(loc, CodeLocation):
                path, line = loc.path, loc.start_line
            elif isinstance(loc, WebLocation):
                path = loc.url
            if path:
                break
        return Notification(
            level=_NOTIFICATION_LEVELS.get(str(raw.get("level") or "warning"), "warning"),  # type: ignore[arg-type]
            message=message or "notification without a message",
            path=path,
            line=line,
        )

    # ----- findings -----

    def _finding(self, raw: dict[str, Any], number: int) -> tuple[Finding, str]:
        """Return the finding for one result (§3.27) and its vote for the scan kind."""
        info = self._rule_for(raw, number)
        message = raw.get("message")
        if not isinstance(message, dict):
            # The schema requires a message object on every result (§3.27.11).
            raise self.parser.error(
                self.source, f"{self.where}.results[{number}] has no message text"
            )
        # An empty or unresolvable message is still a valid result: name it after its rule.
        title = (
            self._message(message, info)
            or info.rule.short_description
            or info.rule.name
            or info.rule.id
        )
        kind = str(raw.get("kind") or "fail")
        props = raw.get("properties")
        props = props if isinstance(props, dict) else {}
        locations = self._locations(raw.get("locations"), raw, info.package_rule)
        if not locations:
            locations = self._fallback_locations(raw)
        suppressions, status = _suppressions(raw.get("suppressions"))
        if kind in _NOT_FAILURES:
            suppressions.append(
                Suppression(
                    kind="external",
                    status="accepted",
                    justification=f"SARIF result kind '{kind}': {_NOT_FAILURES[kind]}",
                    source=_SARIFKIT,
                )
            )
            status = FindingStatus.SUPPRESSED
        baseline = raw.get("baselineState")
        baseline = baseline if baseline in _BASELINE_STATES else None
        if baseline == "absent" and status is FindingStatus.OPEN:
            status = FindingStatus.FIXED
        finding = Finding(
            rule_id=info.rule.id,
            title=title,
            severity=self._severity(raw, props, info, kind),
            confidence=_confidence(props.get("confidence"), props.get("issue_confidence"))
            or info.confidence,
            locations=locations,
            related_locations=self._locations(raw.get("relatedLocations"), None),
            code_flows=self._code_flows(raw.get("codeFlows")),
            identifiers=self._identifiers(raw, props, info),
            cvss=list(info.cvss),
            fix=_trivy_fix(title) if info.package_rule else None,
            references=list(info.references),
            fingerprint=_stable_fingerprint(raw),
            status=status,
            suppressions=suppressions,
            baseline_state=baseline,
            properties=self._properties(raw, props, locations),
        )
        if self.converted_by_sarifkit:
            _restore_sarifkit_fields(finding, props)
        primary = locations[0] if locations else None
        return finding, "dast" if isinstance(primary, WebLocation) else info.category

    def _message(self, message: object, info: _RuleInfo) -> str | None:
        """Return a message's text, formatting ``id`` + ``arguments`` from the rule (§3.11)."""
        if not isinstance(message, dict):
            return None
        text = as_str(message.get("text")) or as_str(message.get("markdown"))
        if text is not None:
            return text
        message_id = message.get("id")
        if not isinstance(message_id, str):
            return None
        template = info.message_strings.get(message_id) or self.global_strings.get(message_id)
        if template is None:
            return None
        arguments = message.get("arguments") or []
        return _ARGUMENT.sub(
            lambda m: (
                str(arguments[int(m.group(1))]) if int(m.group(1)) < len(arguments) else m.group(0)
            ),
            template,
        )

    def _severity(
        self, raw: dict[str, Any], props: dict[str, Any], info: _RuleInfo, kind: str
    ) -> Severity:
        """Return a result's severity, in the order the module docstring gives."""
        # TODO: invocations[].ruleConfigurationOverrides (a per-run level for a rule) are not
        # applied; no scanner in scope writes them, and they would need a lookup per result.
        if kind in _NOT_FAILURES:
            return Severity.INFO
        score = _score(props.get("security-severity")) if props else None
        if score is not None:
            return severity.from_cvss(score)
        for key in ("severity", "issue_severity"):
            word = props.get(key) if props else None
            found = severity.lookup(severity.SARIF_PROPERTY, word) if word else Severity.UNKNOWN
            if found is not Severity.UNKNOWN:
                return found
        if info.score is not None:
            return severity.from_cvss(info.score)
        level = raw.get("level")
        if isinstance(level, str):
            return severity.lookup(severity.SARIF_LEVEL, level)
        rank = raw.get("rank")
        if isinstance(rank, int | float) and not isinstance(rank, bool) and 0 <= rank <= 100:
            return severity.from_cvss(rank / 10)
        if info.default_level:
            return severity.lookup(severity.SARIF_LEVEL, info.default_level)
        return Severity.MEDIUM if kind == "fail" else Severity.INFO

    def _identifiers(
        self, raw: dict[str, Any], props: dict[str, Any], info: _RuleInfo
    ) -> list[Identifier]:
        """Return the rule's identifiers plus the CWEs and taxa the result adds itself."""
        identifiers = list(info.identifiers)
        tags = props.get("tags") if props else None
        taxa = raw.get("taxa")
        if not tags and not taxa:
            return identifiers
        known = {(i.type, i.value) for i in identifiers}
        extra: list[Identifier] = []
        if isinstance(tags, list):
            extra.extend(Identifier.cwe(c) for c in sorted(_cwes_from_tags(tags)))
        for taxon in taxa if isinstance(taxa, list) else []:
            if isinstance(taxon, dict):
                extra.extend(self._taxon_identifier(taxon))
        for identifier in extra:
            if (identifier.type, identifier.value) not in known:
                known.add((identifier.type, identifier.value))
                identifiers.append(identifier)
        return identifiers

    def _taxon_identifier(self, taxon: dict[str, Any]) -> list[Identifier]:
        cwe = self._taxon_cwe(taxon)
        if cwe is not None:
            return [Identifier.cwe(cwe)]
        taxonomy = self._taxonomy(taxon.get("toolComponent"))
        value = as_str(taxon.get("id"))
        if taxonomy is None or value is None:
            return []
        kind = re.sub(r"[^a-z0-9]+", "_", str(taxonomy.get("name") or "taxon").lower()).strip("_")
        return [Identifier(type=kind or "taxon", value=value)]

    def _properties(
        self, raw: dict[str, Any], props: dict[str, Any], locations: list[Location]
    ) -> dict[str, Any]:
        """Return the result's property bag plus its fields the model has no place for."""
        if self.converted_by_sarifkit:
            # sarifkit wrote the tool's own leftovers under "tool", and derived the rest.
            tool_props = props.get("tool")
            return dict(tool_props) if isinstance(tool_props, dict) else {}
        kept = dict(props)
        for key, value in raw.items():
            if key not in _MAPPED:
                kept[key if key not in kept else f"sarif.{key}"] = value
        primary = _first_location(raw.get("locations"))
        base = self._artifact_location(_artifact(primary)).get("uriBaseId") if primary else None
        if isinstance(base, str):
            kept["uriBaseId"] = sys.intern(base)
        if not locations and raw.get("locations"):
            kept["locations"] = raw["locations"]
        return kept

    # ----- locations -----

    def _locations(
        self, raws: object, result: dict[str, Any] | None, package: bool = False
    ) -> list[Location]:
        locations: list[Location] = []
        for raw in raws if isinstance(raws, list) else []:
            if isinstance(raw, dict):
                location = self._location(raw, result, package)
                if location is not None:
                    locations.append(location)
        return locations

    def _code_flows(self, flows: object) -> list[list[Location]]:
        """Return one list of locations per thread flow of every code flow (§3.36, §3.37)."""
        out: list[list[Location]] = []
        for flow in flows if isinstance(flows, list) else []:
            threads = flow.get("threadFlows") if isinstance(flow, dict) else None
            for thread in threads if isinstance(threads, list) else []:
                steps = thread.get("locations") if isinstance(thread, dict) else None
                steps = steps if isinstance(steps, list) else []
                locations = [loc for s in steps if (loc := self._flow_step(s)) is not None]
                if locations:
                    out.append(locations)
        return out

    def _flow_step(self, step: object) -> Location | None:
        if not isinstance(step, dict):
            return None
        location = step.get("location")
        index = as_int(step.get("index"))
        if location is None and index is not None and 0 <= index < len(self.flow_locations):
            shared = self.flow_locations[index]
            location = shared.get("location") if isinstance(shared, dict) else None
        return self._location(location, None) if isinstance(location, dict) else None

    def _fallback_locations(self, raw: dict[str, Any]) -> list[Location]:
        """Return a location from ``analysisTarget`` or ``webRequest.target`` (§3.27.7, §3.46)."""
        target = raw.get("analysisTarget")
        if isinstance(target, dict):
            location = self._location({"physicalLocation": {"artifactLocation": target}}, raw)
            if location is not None:
                return [location]
        request = raw.get("webRequest")
        url = as_str(request.get("target")) if isinstance(request, dict) else None
        if url:
            method = as_str(request.get("method")) if isinstance(request, dict) else None
            return [WebLocation(url=url, method=method)]
        return []

    def _location(
        self, raw: dict[str, Any], result: dict[str, Any] | None, package: bool = False
    ) -> Location | None:
        """Return the model location of a SARIF location (§3.28), or None without an artifact.

        `result` gives web locations their request's method; `package` asks for Trivy's package
        locations.
        """
        physical = raw.get("physicalLocation")
        if not isinstance(physical, dict):
            return None
        artifact = self._artifact_location(physical.get("artifactLocation"))
        uri = as_str(artifact.get("uri")) if artifact else None
        if uri is None:
            return None
        base = artifact.get("uriBaseId")
        is_web, where = self._resolve(uri, base if isinstance(base, str) else None)
        message = _text(raw.get("message"))
        region = physical.get("region")
        region = region if isinstance(region, dict) else {}
        snippet = _text(region.get("snippet"))
        props = raw.get("properties")
        props = props if isinstance(props, dict) else {}
        if is_web:
            return _web_location(as_str(props.get("url")) or where, props, result, snippet, message)
        if isinstance(props.get("package"), str):
            return _described_package(where, props, message)
        if package and message:
            found = _package_location(where, message, self.image)
            if found is not None:
                return found
        start_line = as_int(region.get("startLine"))
        end_line = as_int(region.get("endLine"))
        return CodeLocation(
            path=where,
            start_line=start_line,
            # §3.30.6: a region without an end line ends on its start line.
            end_line=end_line if end_line is not None else start_line,
            start_column=as_int(region.get("startColumn")),
            end_column=as_int(region.get("endColumn")),
            snippet=snippet,
            message=message,
        )

    def _artifact_location(self, artifact: object) -> dict[str, Any]:
        """Return an artifact location, taking its uri from ``run.artifacts`` when it has none."""
        if not isinstance(artifact, dict):
            return {}
        if "uri" in artifact:
            return artifact
        index = as_int(artifact.get("index"))
        if index is not None and 0 <= index < len(self.artifacts):
            entry = self.artifacts[index]
            location = entry.get("location") if isinstance(entry, dict) else None
            if isinstance(location, dict):
                return location
        return artifact

    def _resolve(self, uri: str, base_id: str | None) -> tuple[bool, str]:
        """Return (is a web URL, the URL or path) for a uri and its base id; cached per run."""
        key = (uri, base_id)
        cached = self._uri_cache.get(key)
        if cached is None:
            cached = self._uri_cache[key] = self._resolve_uncached(uri, base_id)
        return cached

    def _resolve_uncached(self, uri: str, base_id: str | None) -> tuple[bool, str]:
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https") and parts.netloc:
            return True, uri
        if parts.scheme == "file":
            return False, sys.intern(_file_path(parts.path))
        # A one-letter "scheme" is a Windows drive (C:/src/app.py), not a scheme.
        if len(parts.scheme) > 1:
            return False, sys.intern(uri)
        prefix, absolute = self._base(base_id) if base_id else ("", None)
        relative = prefix + uri
        if absolute is not None:
            base_parts = urlsplit(absolute)
            if base_parts.scheme in ("http", "https"):
                return True, urljoin(absolute, relative)
            if base_parts.scheme == "file" and base_parts.path in ("", "/"):
                return False, sys.intern("/" + unquote(relative).lstrip("/"))
        return False, sys.intern(unquote(relative))

    def _base(self, base_id: str) -> tuple[str, str | None]:
        """Return (relative prefix, absolute base URI or None) for a base id (§3.14.14)."""
        cached = self._base_cache.get(base_id)
        if cached is not None:
            return cached
        prefix, absolute, seen = "", None, set()
        current: str | None = base_id
        bases = self.bases if isinstance(self.bases, dict) else {}
        while current and current not in seen:
            seen.add(current)
            entry = bases.get(current)
            uri = as_str(entry.get("uri")) if isinstance(entry, dict) else None
            if uri is None:
                break
            if urlsplit(uri).scheme:
                absolute = uri
                break
            prefix = (uri if uri.endswith("/") else uri + "/") + prefix
            parent = entry.get("uriBaseId") if isinstance(entry, dict) else None
            current = parent if isinstance(parent, str) else None
        self._base_cache[base_id] = (prefix, absolute)
        return prefix, absolute


# ----- module helpers -----


def _rules_of(component: dict[str, Any]) -> list[Any]:
    rules = component.get("rules")
    return rules if isinstance(rules, list) else []


def _text(message: object) -> str | None:
    """Return the text of a message or multiformat message string (§3.11, §3.12)."""
    if not isinstance(message, dict):
        return None
    return as_str(message.get("text")) or as_str(message.get("markdown"))


def _message_strings(strings: object) -> dict[str, str]:
    if not isinstance(strings, dict):
        return {}
    out = {}
    for key, value in strings.items():
        text = _text(value)
        if text is not None:
            out[key] = text
    return out


def _score(value: object) -> float | None:
    """Return a ``security-severity`` as a number from 0 to 10, or None when it is not one."""
    score = as_float(value)
    return score if score is not None and 0.0 <= score <= 10.0 else None


def _confidence(*words: object) -> Confidence | None:
    """Return the confidence of the first word in `severity.SARIF_CONFIDENCE`, if any."""
    for word in words:
        if isinstance(word, str):
            found = severity.SARIF_CONFIDENCE.get(word.strip().lower())
            if found is not None:
                return found
    return None


def _cwes_from_tags(tags: list[Any]) -> set[int]:
    cwes = set()
    for tag in tags:
        match = _CWE_TAG.match(tag) if isinstance(tag, str) else None
        if match:
            cwes.add(int(match.group(1)))
    return cwes


def _vuln_identifier(rule_id: str) -> Identifier | None:
    """Return a CVE, GHSA or other advisory identifier when the rule id is one."""
    match = _VULN_ID.match(rule_id)
    if match is None:
        return None
    kind = next(g for g in match.groups() if g).lower()
    if kind == "cve":
        return Identifier(
            type="cve", value=rule_id.upper(), url=f"https://nvd.nist.gov/vuln/detail/{rule_id}"
        )
    if kind == "ghsa":
        return Identifier(
            type="ghsa", value=rule_id, url=f"https://github.com/advisories/{rule_id}"
        )
    return Identifier(type=kind, value=rule_id)


def _trivy_cvss(props: dict[str, Any]) -> list[Cvss]:
    """Return the CVSS ratings Trivy writes into a rule's properties."""
    out = []
    for prefix, score_key, default_version in (
        ("cvssv40", "cvssv40_baseScore", "4.0"),
        ("cvssv3", "cvssv3_baseScore", "3.0"),
        ("cvssv2", "cvssv2_score", "2.0"),
    ):
        vector = as_str(props.get(f"{prefix}_vector"))
        score = _score(props.get(score_key))
        if vector is None and score is None:
            continue
        version = default_version
        if vector and vector.startswith("CVSS:"):
            version = vector[5:].partition("/")[0]
        out.append(Cvss(version=version, vector=vector, score=score))
    return out


def _trivy_fix(message: str) -> Fix | None:
    """Return the fixed versions from a Trivy result message's "Fixed Version:" line."""
    match = _FIXED_VERSION.search(message)
    if match is None:
        return None
    return Fix(fixed_versions=[v.strip() for v in match.group(1).split(",") if v.strip()])


def _web_location(
    url: str,
    props: dict[str, Any],
    result: dict[str, Any] | None,
    snippet: str | None,
    message: str | None,
) -> WebLocation:
    """Return a web location; ZAP and sarifkit put the attack and evidence in its properties."""
    request = result.get("webRequest") if result else None
    method = as_str(props.get("method")) or (
        as_str(request.get("method")) if isinstance(request, dict) else None
    )
    return WebLocation(
        url=url,
        method=method,
        param=as_str(props.get("param")),
        attack=as_str(props.get("attack")),
        evidence=as_str(props.get("evidence")) or snippet,
        other_info=as_str(props.get("otherInfo")),
        message=message,
    )


def _described_package(path: str, props: dict[str, Any], message: str | None) -> PackageLocation:
    """Return the package a location's properties describe (as sarifkit writes them)."""
    image = as_str(props.get("image"))
    return PackageLocation(
        name=sys.intern(str(props["package"])),
        version=as_str(props.get("version")),
        ecosystem=as_str(props.get("ecosystem")),
        purl=as_str(props.get("purl")),
        image=image,
        operating_system=as_str(props.get("operatingSystem")),
        layer=as_str(props.get("layer")),
        path=path if image else None,
        manifest=None if image else path,
        message=message,
    )


def _package_location(path: str, message: str, image: str | None) -> PackageLocation | None:
    """Return the package a Trivy location message names ("<target>: <package>@<version>")."""
    _, _, package = message.rpartition(": ")
    name, _, version = package.rpartition("@")
    if not name or not version or " " in package:
        return None
    return PackageLocation(
        name=sys.intern(name),
        version=version,
        image=image,
        path=path if image else None,
        manifest=None if image else path,
        message=message,
    )


def _suppressions(raws: object) -> tuple[list[Suppression], FindingStatus]:
    """Return the suppressions (§3.35) and whether they suppress: all must be accepted."""
    out = []
    for raw in raws if isinstance(raws, list) else []:
        if not isinstance(raw, dict):
            continue
        status = _SUPPRESSION_STATUS.get(str(raw.get("status") or "accepted"), "under_review")
        out.append(
            Suppression(
                kind="in_source" if raw.get("kind") == "inSource" else "external",
                status=status,  # type: ignore[arg-type]
                justification=as_str(raw.get("justification")),
            )
        )
    suppressed = bool(out) and all(s.status == "accepted" for s in out)
    return out, FindingStatus.SUPPRESSED if suppressed else FindingStatus.OPEN


def _stable_fingerprint(raw: dict[str, Any]) -> str:
    """Return sarifkit's own or a line-hash fingerprint from the result, else ""."""
    partial = raw.get("partialFingerprints")
    if not isinstance(partial, dict):
        return ""
    own = partial.get("sarifkit/v1")
    if isinstance(own, str) and own:
        return own
    line_hash = partial.get("primaryLocationLineHash")
    if isinstance(line_hash, str) and _HEX_LINE_HASH.match(line_hash):
        return line_hash
    return ""


def _first_location(locations: object) -> dict[str, Any] | None:
    if isinstance(locations, list) and locations and isinstance(locations[0], dict):
        return locations[0]
    return None


def _artifact(location: dict[str, Any]) -> dict[str, Any]:
    physical = location.get("physicalLocation")
    artifact = physical.get("artifactLocation") if isinstance(physical, dict) else None
    return artifact if isinstance(artifact, dict) else {}


def _file_path(path: str) -> str:
    """Return the local path of a ``file:`` URI's path, without the slash before a drive."""
    text = unquote(path)
    if len(text) > 2 and text[0] == "/" and text[2] == ":" and text[1].isalpha():
        return text[1:]
    return text


def _restore_sarifkit_fields(finding: Finding, props: dict[str, Any]) -> None:
    """Take back the model fields sarifkit's SARIF writer keeps in a result's property bag."""
    if isinstance(props.get("identifiers"), list):
        finding.identifiers = [Identifier(**i) for i in props["identifiers"]]
    if isinstance(props.get("cvss"), list):
        finding.cvss = [Cvss(**c) for c in props["cvss"]]
    if isinstance(props.get("fix"), dict):
        finding.fix = Fix(**props["fix"])
    if isinstance(props.get("references"), list):
        finding.references = [str(r) for r in props["references"]]
    finding.description = as_str(props.get("description"))
    status = props.get("status")
    if isinstance(status, str) and status in FindingStatus._value2member_map_:
        finding.status = FindingStatus(status)
    category = props.get("category")
    if isinstance(category, str) and category in FindingCategory._value2member_map_:
        finding.category = FindingCategory(category)


def _conversion_tool(run: dict[str, Any]) -> str | None:
    conversion = run.get("conversion")
    tool = conversion.get("tool") if isinstance(conversion, dict) else None
    driver = tool.get("driver") if isinstance(tool, dict) else None
    return as_str(driver.get("name")) if isinstance(driver, dict) else None


def _metrics(metrics: object) -> dict[str, float]:
    if not isinstance(metrics, dict):
        return {}
    return {
        str(k): float(v)
        for k, v in metrics.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
