"""SonarQube web API JSON: ``api/issues/search``, ``api/hotspots/search``, ``api/measures/component``.

Read as SonarQube 9.9 LTS to 2025.x and SonarCloud return them; the MQR fields of 10.2+
(``impacts``, ``cleanCodeAttribute``, ``issueStatus``) are used when present.

**Issues and hotspots** become SAST findings of the tool "SonarQube"; one response (one page) is
one scan. Pages of one project's search, given as several files or a directory, are merged by
`SonarQubeParser.combine` in ``paging.pageIndex`` order, keeping each issue key once. A scan that
holds fewer issues than ``paging.total`` says the search matched gets a warning notification.

* Paths: an issue's ``component`` (``<projectKey>:<path>``) is looked up in ``components[]`` for
  its ``path``; failing that, the ``<project>:`` prefix is stripped. A project-level issue (its
  component is the project) is placed at ``.``.
* Lines and columns: ``textRange`` start/end lines, and its 0-based offsets plus one as 1-based
  columns (end exclusive); otherwise ``line``; a file-level issue has neither.
* Flows: a flow with one location becomes a related location; a flow with several becomes a code
  flow. SonarQube lists a flow from the primary location back to where it starts (the plugin
  API's ``NewIssue.addFlow``); SARIF thread flows run in execution order, so their steps are
  reversed.
* Category: ``type`` VULNERABILITY, BUG, CODE_SMELL (or, without ``type``, the first impacted
  quality of SECURITY, RELIABILITY, MAINTAINABILITY) gives vulnerability, bug or code smell; an
  issue with neither is a code smell, as most rules are; hotspots are hotspots. Only
  vulnerabilities and hotspots are security findings.
* Severity: the worst ``impacts[]`` severity of software quality SECURITY if the issue has one,
  else its worst impact of any quality, else the legacy ``severity`` (tables ``SONAR_IMPACT``
  and ``SONAR`` in `sarifkit.severity`). Hotspots: ``vulnerabilityProbability``
  (``SONAR_HOTSPOT``).
* Status: resolution FALSE-POSITIVE or WONTFIX (10.x: issueStatus FALSE_POSITIVE or ACCEPTED)
  is a suppression whose justification names the verdict and the last comment; status CLOSED or
  resolution FIXED or REMOVED is fixed (and ``baseline_state`` "absent"); the rest are open.
  Hotspots: REVIEWED + SAFE is suppressed, REVIEWED + FIXED is fixed, TO_REVIEW and
  REVIEWED + ACKNOWLEDGED are open.
* Identifiers: the rule key (``sonarqube_rule``), CWE numbers from tags and rule
  ``securityStandards`` (``cwe:89``, ``cwe-89``; a bare ``cwe`` tag carries none), OWASP Top 10
  from tags ``owasp-a1`` (2017) and ``owaspTop10-2021:a3``; for hotspots, the main CWE of their
  ``securityCategory``.
* ``effort``/``debt`` ("2h1min"; a day is 8 hours, SonarQube's default) are kept and also given
  as ``effort_minutes`` in the finding's properties; ``effortTotal`` becomes the scan metric
  ``effort_total`` (minutes).
* Rules come from ``rules[]`` when the response has it, otherwise from the issues' rule keys;
  SonarSource rules link to ``rules.sonarsource.com``.

**Measures** become a scan with no findings and metrics named by SonarQube's metric keys, which
are stable across versions: ``coverage``, ``line_coverage``, ``branch_coverage``,
``duplicated_lines_density`` (percent 0-100), ``bugs``, ``vulnerabilities``, ``code_smells``,
``security_hotspots``, ``violations`` (counts), ``sqale_index`` (technical debt, minutes),
``ncloc`` (lines), the ``*_rating`` metrics (1.0 = A to 5.0 = E) and any other numeric measure.
A ``new_*`` metric with no value of its own takes its new-code period value. Non-numeric
measures (``alert_status``, the quality gate's OK or ERROR, say) go to
``properties["measures"]``. The scan's kind is COVERAGE when it has a ``coverage`` measure, else
SAST. The figures are the asked-for component's: a project's, or one file's.
"""

from __future__ import annotations

import logging
import re
import sys
from functools import lru_cache
from typing import Any

from sarifkit.parsers.base import Parser, as_float, as_int, as_str, drain

from sarifkit import severity
from sarifkit.fingerprint import assign_fingerprints, digest
from sarifkit.model import (
    CodeLocation,
    Finding,
    FindingCategory,
    FindingStatus,
    Identifier,
    Notification,
    Rule,
    Scan,
    ScanKind,
    Severity,
    Suppression,
    Tool,
)
from sarifkit.source import Source

logger = logging.getLogger(__name__)

ISSUES_API = "api/issues/search"
HOTSPOTS_API = "api/hotspots/search"
MEASURES_API = "api/measures/component"

_TOOL_NAME = "SonarQube"
_VENDOR = "SonarSource"
_INFO_URI = "https://www.sonarsource.com/products/sonarqube/"
_PROJECT_PATH = "."
_PAGING_NOTE = "the search matched"
#: SonarQube's default working day (``sonar.technicalDebt.hoursInDay``) for "1d" efforts.
_HOURS_PER_DAY = 8
_EFFORT_PART = re.compile(r"(\d+)\s*(d|h|min)")
_CWE = re.compile(r"^cwe[-:_ ]?(\d+)$", re.IGNORECASE)
_OWASP_2017 = re.compile(r"^(?:owasp-|owasptop10:)a(\d{1,2})$", re.IGNORECASE)
_OWASP_2021 = re.compile(r"^owasptop10-2021:a(\d{1,2})$", re.IGNORECASE)
_SONAR_RULE = re.compile(r"^([A-Za-z.]+):S(\d+)$")
# Rule repositories whose rules are documented on rules.sonarsource.com, by language page.
_RULE_PAGES = {
    "java": "java",
    "javasecurity": "java",
    "python": "python",
    "pythonsecurity": "python",
    "javascript": "javascript",
    "jssecurity": "javascript",
    "typescript": "typescript",
    "tssecurity": "typescript",
    "php": "php",
    "phpsecurity": "php",
    "csharpsquid": "csharp",
    "roslyn.sonaranalyzer.security.cs": "csharp",
    "vbnet": "vbnet",
    "go": "go",
    "kotlin": "kotlin",
    "ruby": "ruby",
    "scala": "scala",
    "swift": "swift",
    "css": "css",
    "Web": "html",
    "docker": "docker",
    "kubernetes": "kubernetes",
    "terraform": "terraform",
    "cloudformation": "cloudformation",
    "secrets": "secrets",
    "c": "c",
    "cpp": "cpp",
    "objc": "objective-c",
}
# The weakness each hotspot security category is chiefly about; "others" and broad categories
# (auth, insecure-conf, permission...) have no single CWE and get none.
_CATEGORY_CWE = {
    "sql-injection": 89,
    "command-injection": 78,
    "path-traversal-injection": 22,
    "ldap-injection": 90,
    "xpath-injection": 643,
    "rce": 94,
    "dos": 400,
    "ssrf": 918,
    "csrf": 352,
    "xss": 79,
    "log-injection": 117,
    "http-response-splitting": 113,
    "open-redirect": 601,
    "xxe": 611,
    "object-injection": 502,
}
# Issue keys mapped onto model fields or only meaningful to the web UI's current user.
_ISSUE_MAPPED = frozenset(
    {
        "rule",
        "message",
        "messageFormattings",
        "textRange",
        "line",
        "flows",
        "transitions",
        "actions",
    }
)
_HOTSPOT_MAPPED = frozenset(
    {"ruleKey", "message", "messageFormattings", "textRange", "line", "flows"}
)


class SonarQubeParser(Parser):
    """Reads SonarQube web API responses: issues and hotspots as findings, measures as metrics."""

    name = "sonarqube"
    formats = "SonarQube web API JSON"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        return source.is_json() and _api(source.json()) is not None

    def parse(self, source: Source) -> list[Scan]:
        doc = source.json()
        api = _api(doc)
        if api is None:
            raise self.error(source, "no 'issues', 'hotspots' or 'component.measures'")
        if api == MEASURES_API:
            return [self._measures(source, doc)]
        return [self._search(source, doc, api)]

    @classmethod
    def combine(cls, scans: list[Scan]) -> list[Scan]:
        """Return `scans` with the pages of each project's issue or hotspot search merged."""
        groups: dict[tuple[str, str | None], list[Scan]] = {}
        for scan in scans:
            if scan.properties.get("api") in (ISSUES_API, HOTSPOTS_API):
                groups.setdefault((scan.properties["api"], scan.target), []).append(scan)
        # A page with no issues names no project: it joins the one search of the same page size
        # and total, or else the only search of its API; failing both it stays alone (and empty).
        for (api, target), pages in list(groups.items()):
            if target is not None:
                continue
            searches = [key for key in groups if key[0] == api and key[1] is not None]
            alike = [
                key for key in searches if _search_shape(groups[key][0]) == _search_shape(pages[0])
            ]
            home = alike if len(alike) == 1 else searches
            if len(home) == 1:
                groups[home[0]].extend(pages)
                del groups[(api, target)]
        merged = {id(pages[0]): _merge(pages) for pages in groups.values()}
        members = {id(scan) for pages in groups.values() for scan in pages[1:]}
        return [merged.get(id(scan), scan) for scan in scans if id(scan) not in members]

    def _search(self, source: Source, doc: dict[str, Any], api: str) -> Scan:
        """Return the scan of one issues or hotspots page."""
        hotspots = api == HOTSPOTS_API
        noun = "hotspot" if hotspots else "issue"
        items = doc["hotspots" if hotspots else "issues"]
        context = _Context(
            _Paths(self._list(source, doc, "components"), _project_key(doc, items)),
            _rule_meta(self._list(source, doc, "rules")),
        )
        build = context.hotspot if hotspots else context.issue
        findings = []
        for index, raw in enumerate(drain(items)):
            if not isinstance(raw, dict):
                raise self.error(source, f"{noun} {index} is not an object")
            try:
                findings.append(build(raw))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                key = raw.get("key") or index
                raise self.error(source, f"{noun} {key}: {_describe(exc)}") from None
        scan = Scan(
            tool=Tool(name=_TOOL_NAME, vendor=_VENDOR, information_uri=_INFO_URI),
            kind=ScanKind.SAST,
            source=source.name,
            target=context.paths.project,
            metrics=_effort_total(doc),
            rules=sorted(context.rules.values(), key=lambda r: r.id),
            findings=findings,
            properties={"api": api, "pages": [{"source": source.name, **_paging(doc)}]},
        )
        scan.notifications = _paging_notes(scan)
        logger.debug("%s: %d %s(s) for %s", source.name, len(findings), noun, scan.target)
        return scan

    def _measures(self, source: Source, doc: dict[str, Any]) -> Scan:
        """Return the metrics scan of a component's measures."""
        component = doc["component"]
        metrics: dict[str, float] = {}
        others: dict[str, Any] = {}
        for index, measure in enumerate(component["measures"]):
            if not isinstance(measure, dict) or not isinstance(measure.get("metric"), str):
                raise self.error(source, f"measure {index} has no 'metric' name")
            metric = sys.intern(measure["metric"])
            value = _measure_value(measure)
            if value is not None:
                metrics[metric] = value
            elif measure.get("value") is not None:
                others[metric] = measure["value"]
        properties: dict[str, Any] = {
            "api": MEASURES_API,
            "component": {
                key: component[key]
                for key in ("key", "name", "qualifier", "language", "path")
                if key in component
            },
        }
        if others:
            properties["measures"] = others
        if isinstance(doc.get("period"), dict):
            properties["period"] = doc["period"]
        return Scan(
            tool=Tool(name=_TOOL_NAME, vendor=_VENDOR, information_uri=_INFO_URI),
            kind=ScanKind.COVERAGE if "coverage" in metrics else ScanKind.SAST,
            source=source.name,
            target=as_str(component.get("key")),
            metrics=dict(sorted(metrics.items())),
            properties=properties,
        )

    def _list(self, source: Source, doc: dict[str, Any], key: str) -> list[Any]:
        """Return the optional list `key` of the response, refusing anything but a list."""
        value = doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(source, f"'{key}' is not a list")
        return value


class _Paths:
    """Resolves component keys to file paths, from ``components[]`` or the project prefix."""

    def __init__(self, components: list[Any], project: str | None) -> None:
        self.project = project
        self._paths: dict[str, str] = {}
        self._projects = {project} if project else set()
        for component in components:
            if not isinstance(component, dict) or not isinstance(component.get("key"), str):
                continue
            if component.get("qualifier") == "TRK":
                self._projects.add(component["key"])
            if isinstance(component.get("path"), str) and component["path"]:
                self._paths[component["key"]] = sys.intern(component["path"])

    def path(self, component: object) -> str:
        """Return the file path of the component key `component`."""
        if not isinstance(component, str) or not component:
            raise ValueError("no 'component'")
        found = self._paths.get(component)
        if found is None:
            found = self._paths[component] = sys.intern(self._strip(component))
        return found

    def _strip(self, component: str) -> str:
        if component in self._projects:
            return _PROJECT_PATH
        # Longest first, so that "org:app" wins over "org" whatever the set's order.
        for project in sorted(self._projects, key=lambda key: (-len(key), key)):
            if component.startswith(project + ":"):
                return component[len(project) + 1 :]
        return component


class _Context:
    """What one page's findings share: paths, the response's rule data, the rules built so far."""

    def __init__(self, paths: _Paths, meta: dict[str, dict[str, Any]]) -> None:
        self.paths = paths
        self.meta = meta
        self.rules: dict[str, Rule] = {}
        self._rule_ids: dict[str, list[Identifier]] = {}

    def issue(self, raw: dict[str, Any]) -> Finding:
        """Return the finding of one issue."""
        rule_id = sys.intern(str(raw["rule"]))
        path = self.paths.path(raw["component"])
        if rule_id not in self.rules:
            self._add_rule(rule_id, _issue_rule(rule_id, self.meta.get(rule_id), raw))
        status, suppressions = _issue_status(raw)
        properties = {k: v for k, v in raw.items() if k not in _ISSUE_MAPPED}
        minutes = _effort_minutes(raw.get("effort") or raw.get("debt"))
        if minutes is not None:
            properties["effort_minutes"] = minutes
        finding = self._finding(
            raw, rule_id, path, status, suppressions, properties, _severity(raw)
        )
        finding.category = _issue_category(raw)
        return finding

    def hotspot(self, raw: dict[str, Any]) -> Finding:
        """Return the finding of one security hotspot."""
        category = as_str(raw.get("securityCategory")) or "others"
        rule_id = sys.intern(as_str(raw.get("ruleKey")) or f"hotspot:{category}")
        path = self.paths.path(raw["component"])
        if rule_id not in self.rules:
            self._add_rule(rule_id, _hotspot_rule(rule_id, category, self.meta.get(rule_id)))
        status, suppressions = _hotspot_status(raw)
        properties = {k: v for k, v in raw.items() if k not in _HOTSPOT_MAPPED}
        level = severity.lookup(severity.SONAR_HOTSPOT, raw.get("vulnerabilityProbability"))
        finding = self._finding(raw, rule_id, path, status, suppressions, properties, level)
        finding.category = FindingCategory.HOTSPOT
        return finding

    def _finding(
        self,
        raw: dict[str, Any],
        rule_id: str,
        path: str,
        status: FindingStatus,
        suppressions: list[Suppression],
        properties: dict[str, Any],
        level: Severity,
    ) -> Finding:
        """Return a finding with the location, flows and identifiers issues and hotspots share."""
        related, flows = _flows(raw.get("flows"), self.paths, path)
        rule = self.rules[rule_id]
        line_hash = as_str(raw.get("hash"))
        return Finding(
            rule_id=rule_id,
            title=as_str(raw.get("message")) or rule.name or rule_id,
            severity=level,
            locations=[_location(path, raw.get("textRange"), as_int(raw.get("line")))],
            related_locations=related,
            code_flows=flows,
            identifiers=_merge_identifiers(self._rule_ids[rule_id], raw.get("tags")),
            references=[rule.help_uri] if rule.help_uri else [],
            # SonarQube's `hash` digests the flagged line's text: a fingerprint that survives moves.
            fingerprint=digest(("sonarqube", rule_id, path, line_hash)) if line_hash else "",
            status=status,
            suppressions=suppressions,
            baseline_state="absent" if status is FindingStatus.FIXED else None,
            properties=properties,
        )

    def _add_rule(self, rule_id: str, rule: Rule) -> None:
        self.rules[rule_id] = rule
        ids = [Identifier(type="sonarqube_rule", value=rule_id, url=rule.help_uri)]
        ids.extend(Identifier(type="cwe", value=f"CWE-{cwe}") for cwe in rule.cwes)
        ids.extend(_owasp(rule.properties.get("securityStandards")))
        ids.extend(_owasp(rule.tags))
        self._rule_ids[rule_id] = _unique(ids)


_TYPE_CATEGORY = {
    "VULNERABILITY": FindingCategory.VULNERABILITY,
    "BUG": FindingCategory.BUG,
    "CODE_SMELL": FindingCategory.CODE_SMELL,
    "SECURITY_HOTSPOT": FindingCategory.HOTSPOT,
}
# Without the legacy `type` (deprecated in 10.x), the impacted software quality tells the same.
_QUALITY_CATEGORY = {
    "SECURITY": FindingCategory.VULNERABILITY,
    "RELIABILITY": FindingCategory.BUG,
    "MAINTAINABILITY": FindingCategory.CODE_SMELL,
}


def _issue_category(raw: dict[str, Any]) -> FindingCategory:
    """Return an issue's category from its `type`, else from the qualities its impacts hit."""
    found = _TYPE_CATEGORY.get(str(raw.get("type") or "").upper())
    if found is not None:
        return found
    impacts = raw.get("impacts")
    if not isinstance(impacts, list):
        impacts = []
    qualities = {str(i.get("softwareQuality")).upper() for i in impacts if isinstance(i, dict)}
    for quality in ("SECURITY", "RELIABILITY", "MAINTAINABILITY"):
        if quality in qualities:
            return _QUALITY_CATEGORY[quality]
    return FindingCategory.CODE_SMELL


def _api(doc: object) -> str | None:
    """Return which web API `doc` is a response of, or None when it is none of them."""
    if not isinstance(doc, dict):
        return None
    paged = (
        isinstance(doc.get("paging"), dict)
        or isinstance(doc.get("components"), list)
        or {"p", "ps", "total"} <= doc.keys()
    )
    if isinstance(doc.get("issues"), list) and paged:
        return ISSUES_API
    if isinstance(doc.get("hotspots"), list) and paged:
        return HOTSPOTS_API
    component = doc.get("component")
    if isinstance(component, dict) and isinstance(component.get("measures"), list):
        return MEASURES_API
    return None


def _describe(exc: Exception) -> str:
    """Return a short account of a structural problem met while reading one issue."""
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def _project_key(doc: dict[str, Any], items: list[Any]) -> str | None:
    """Return the project key: the first item's ``project``, else the TRK component's key."""
    for item in items[:1]:
        if isinstance(item, dict) and as_str(item.get("project")):
            return str(item["project"]).strip()
    for component in doc.get("components") or []:
        if isinstance(component, dict) and component.get("qualifier") == "TRK":
            return as_str(component.get("key"))
    return None


def _rule_meta(rules: list[Any]) -> dict[str, dict[str, Any]]:
    """Return the response's ``rules[]`` entries by key."""
    return {str(rule["key"]): rule for rule in rules if isinstance(rule, dict) and rule.get("key")}


def _rule_uri(rule_id: str, language: object) -> str | None:
    """Return the rules.sonarsource.com page of a SonarSource rule (``python:S5332``), if any."""
    match = _SONAR_RULE.match(rule_id)
    if match is None:
        return None
    page = _RULE_PAGES.get(match.group(1)) or _RULE_PAGES.get(str(language))
    return f"https://rules.sonarsource.com/{page}/RSPEC-{match.group(2)}/" if page else None


def _issue_rule(rule_id: str, meta: dict[str, Any] | None, first: dict[str, Any]) -> Rule:
    """Return an issue rule from its ``rules[]`` entry, or from the first issue that names it."""
    meta = meta or {}
    name = as_str(meta.get("name"))
    tags = [str(t) for t in (*(meta.get("sysTags") or ()), *(meta.get("tags") or ()))]
    kind = as_str(meta.get("type")) or as_str(first.get("type"))
    if kind:
        tags.insert(0, kind.lower().replace("_", "-"))
    standards = [str(s) for s in meta.get("securityStandards") or ()]
    cwes = sorted({n for text in (*tags, *standards) if (n := _cwe_number(text))})
    properties = {
        key: meta[key]
        for key in ("lang", "langName", "status", "severity", "type", "securityStandards")
        if key in meta
    }
    return Rule(
        id=rule_id,
        name=name,
        short_description=name,
        help_uri=_rule_uri(rule_id, meta.get("lang")),
        tags=list(dict.fromkeys(tags)),
        cwes=cwes,
        properties=properties,
    )


def _hotspot_rule(rule_id: str, category: str, meta: dict[str, Any] | None) -> Rule:
    """Return a hotspot rule: the ``ruleKey`` when given, else one rule per security category."""
    words = category.replace("-", " ")
    name = as_str((meta or {}).get("name")) or f"Security hotspot: {words}"
    cwe = _CATEGORY_CWE.get(category)
    return Rule(
        id=rule_id,
        name=name,
        short_description=name,
        full_description=f"Security-sensitive code to review (SonarQube category: {words}).",
        help_uri=_rule_uri(rule_id, None),
        tags=["security-hotspot", category],
        cwes=[cwe] if cwe else [],
        properties={"securityCategory": category},
    )


def _cwe_number(text: str) -> int | None:
    match = _CWE.match(text.strip())
    return int(match.group(1)) if match else None


def _owasp(values: object) -> list[Identifier]:
    """Return OWASP Top 10 identifiers for tags (``owasp-a1``) and standards (``owaspTop10-2021:a3``)."""
    found = []
    for value in values if isinstance(values, list) else ():
        text = str(value).strip()
        if match := _OWASP_2021.match(text):
            found.append(Identifier(type="owasp", value=f"A{int(match.group(1)):02d}:2021"))
        elif match := _OWASP_2017.match(text):
            found.append(Identifier(type="owasp", value=f"A{int(match.group(1))}:2017"))
    return found


def _merge_identifiers(rule_ids: list[Identifier], tags: object) -> list[Identifier]:
    """Return the rule's identifiers plus any CWE or OWASP ones the issue's own tags add."""
    if not tags or not isinstance(tags, list):
        return list(rule_ids)
    extra = [Identifier(type="cwe", value=f"CWE-{n}") for t in tags if (n := _cwe_number(str(t)))]
    extra.extend(_owasp(tags))
    return _unique([*rule_ids, *extra]) if extra else list(rule_ids)


def _unique(identifiers: list[Identifier]) -> list[Identifier]:
    seen: dict[tuple[str, str], Identifier] = {}
    for identifier in identifiers:
        seen.setdefault((identifier.type, identifier.value), identifier)
    return list(seen.values())


def _severity(raw: dict[str, Any]) -> Severity:
    """Return an issue's severity: worst SECURITY impact, else worst impact, else ``severity``."""
    impacts = raw.get("impacts")
    if isinstance(impacts, list) and impacts:
        pairs = [
            (i.get("softwareQuality"), severity.lookup(severity.SONAR_IMPACT, i.get("severity")))
            for i in impacts
            if isinstance(i, dict)
        ]
        security = [level for quality, level in pairs if quality == "SECURITY"]
        chosen = severity.worst(security or [level for _, level in pairs])
        if chosen is not Severity.UNKNOWN:
            return chosen
    return severity.lookup(severity.SONAR, raw.get("severity"))


def _upper(value: object) -> str:
    return str(value).strip().upper() if value is not None else ""


def _issue_status(raw: dict[str, Any]) -> tuple[FindingStatus, list[Suppression]]:
    """Return whether an issue still counts, and the suppression when a reviewer said it need not."""
    status = _upper(raw.get("status"))
    resolution = _upper(raw.get("resolution"))
    # 10.x adds issueStatus (simpleStatus in some builds), which says the same in one word.
    newer = _upper(raw.get("issueStatus") or raw.get("simpleStatus"))
    if resolution == "FALSE-POSITIVE" or (not resolution and newer == "FALSE_POSITIVE"):
        return FindingStatus.SUPPRESSED, [_suppression("marked as false positive", raw)]
    if resolution == "WONTFIX" or (not resolution and newer == "ACCEPTED"):
        return FindingStatus.SUPPRESSED, [_suppression("accepted (won't fix)", raw)]
    if status == "CLOSED" or resolution in ("FIXED", "REMOVED") or newer in ("FIXED", "CLOSED"):
        return FindingStatus.FIXED, []
    return FindingStatus.OPEN, []


def _hotspot_status(raw: dict[str, Any]) -> tuple[FindingStatus, list[Suppression]]:
    """Return whether a hotspot still counts: reviewed as safe is suppressed, fixed is fixed."""
    if _upper(raw.get("status")) == "REVIEWED":
        resolution = _upper(raw.get("resolution"))
        if resolution == "SAFE":
            return FindingStatus.SUPPRESSED, [_suppression("reviewed as safe", raw)]
        if resolution == "FIXED":
            return FindingStatus.FIXED, []
    return FindingStatus.OPEN, []


def _suppression(verdict: str, raw: dict[str, Any]) -> Suppression:
    """Return the suppression for a reviewer's verdict, quoting their last comment if any."""
    text = f"SonarQube: {verdict}"
    comments = raw.get("comments")
    if isinstance(comments, list) and comments and isinstance(comments[-1], dict):
        last = comments[-1]
        comment = as_str(last.get("markdown")) or as_str(last.get("htmlText"))
        if comment:
            who = as_str(last.get("login"))
            text += f" ({who}: {comment})" if who else f" ({comment})"
    return Suppression(kind="external", status="accepted", justification=text, source="SonarQube")


def _location(
    path: str, text_range: object, line: int | None, message: str | None = None
) -> CodeLocation:
    """Return a code location from a ``textRange`` (0-based offsets) or a bare ``line``."""
    if text_range is None:
        return CodeLocation(path=path, start_line=line, end_line=line, message=message)
    if not isinstance(text_range, dict):
        raise ValueError("'textRange' is not an object")
    start = as_int(text_range.get("startLine")) or line
    start_offset = as_int(text_range.get("startOffset"))
    end_offset = as_int(text_range.get("endOffset"))
    return CodeLocation(
        path=path,
        start_line=start,
        end_line=as_int(text_range.get("endLine")) or start,
        start_column=start_offset + 1 if start_offset is not None else None,
        end_column=end_offset + 1 if end_offset is not None else None,
        message=message,
    )


def _flows(
    flows: object, paths: _Paths, path: str
) -> tuple[list[CodeLocation], list[list[CodeLocation]]]:
    """Return (related locations, code flows): one-step flows are the former, longer the latter."""
    if not flows:
        return [], []
    if not isinstance(flows, list):
        raise ValueError("'flows' is not a list")
    related: list[CodeLocation] = []
    code_flows: list[list[CodeLocation]] = []
    for flow in flows:
        steps = [
            _location(
                paths.path(step["component"]) if step.get("component") else path,
                step.get("textRange"),
                None,
                as_str(step.get("msg")),
            )
            for step in (flow.get("locations") or [])
        ]
        if len(steps) == 1:
            related.append(steps[0])
        elif steps:
            code_flows.append(steps[::-1])
    return related, code_flows


@lru_cache(maxsize=1024)
def _effort_minutes_cached(text: str) -> int | None:
    parts = _EFFORT_PART.findall(text)
    if not parts:
        return None
    per_unit = {"d": _HOURS_PER_DAY * 60, "h": 60, "min": 1}
    return sum(int(number) * per_unit[unit] for number, unit in parts)


def _effort_minutes(value: object) -> int | None:
    """Return SonarQube's effort text ("2h1min", "1d") in minutes, or None if it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _effort_minutes_cached(value) if isinstance(value, str) else None


def _effort_total(doc: dict[str, Any]) -> dict[str, float]:
    """Return the search's total remediation effort, in minutes, as a metric."""
    minutes = _effort_minutes(doc.get("effortTotal", doc.get("debtTotal")))
    return {"effort_total": float(minutes)} if minutes is not None else {}


def _paging(doc: dict[str, Any]) -> dict[str, int]:
    """Return the page's index, size and the search's total from ``paging`` or p/ps/total."""
    raw = doc.get("paging")
    paging: dict[str, Any] = raw if isinstance(raw, dict) else {}
    values = {
        "pageIndex": paging.get("pageIndex", doc.get("p")),
        "pageSize": paging.get("pageSize", doc.get("ps")),
        "total": paging.get("total", doc.get("total")),
    }
    return {key: number for key, value in values.items() if (number := as_int(value)) is not None}


def _paging_notes(scan: Scan) -> list[Notification]:
    """Return the scan's notifications, with a warning if its pages miss part of the search."""
    kept = [n for n in scan.notifications if not n.message.startswith(_PAGING_NOTE)]
    totals = [page["total"] for page in scan.properties.get("pages", []) if "total" in page]
    total = max(totals, default=0)
    if total > len(scan.findings):
        noun = "hotspots" if scan.properties.get("api") == HOTSPOTS_API else "issues"
        kept.append(
            Notification(
                level="warning",
                message=f"{_PAGING_NOTE} {total} {noun} but the report holds "
                f"{len(scan.findings)}: give every page of the search to convert them all",
            )
        )
    return kept


def _search_shape(scan: Scan) -> tuple[object, object]:
    """Return the page size and total of a page's search, which its other pages share."""
    pages = scan.properties.get("pages") or [{}]
    return pages[0].get("pageSize"), pages[0].get("total")


def _page_order(scan: Scan) -> int:
    pages = scan.properties.get("pages") or [{}]
    index = pages[0].get("pageIndex")
    return index if isinstance(index, int) else sys.maxsize


def _merge(pages: list[Scan]) -> Scan:
    """Return one scan holding every page's findings once (by issue key), rules and metrics."""
    if len(pages) == 1:
        return pages[0]
    pages = sorted(pages, key=_page_order)
    seen: set[str] = set()
    findings: list[Finding] = []
    rules: dict[str, Rule] = {}
    metrics: dict[str, float] = {}
    for page in pages:
        for finding in page.findings:
            key = finding.properties.get("key")
            if isinstance(key, str):
                if key in seen:
                    continue
                seen.add(key)
            # Occurrence counters were given per page; they are given again over the whole.
            finding.fingerprint = finding.fingerprint.partition(":")[0]
            findings.append(finding)
        for rule in page.rules:
            rules.setdefault(rule.id, rule)
        for name, value in page.metrics.items():
            # Totals such as effortTotal are the whole search's on every page: not summed.
            metrics[name] = max(value, metrics.get(name, value))
    dropped = sum(len(page.findings) for page in pages) - len(findings)
    logger.debug(
        "merged %d pages of %s: %d duplicate(s) dropped", len(pages), pages[0].target, dropped
    )
    merged = pages[0].model_copy(
        update={
            "findings": findings,
            "rules": sorted(rules.values(), key=lambda r: r.id),
            "metrics": metrics,
            "notifications": [n for page in pages for n in page.notifications],
            "properties": {
                **pages[0].properties,
                "pages": [p for page in pages for p in page.properties.get("pages", [])],
            },
        }
    )
    merged.notifications = _paging_notes(merged)
    assign_fingerprints(merged)
    return merged


def _measure_value(measure: dict[str, Any]) -> float | None:
    """Return a measure's numeric value; a ``new_*`` metric falls back to its period value."""
    value = as_float(measure.get("value"))
    if value is None and str(measure.get("metric")).startswith("new_"):
        period = measure.get("period")
        if not isinstance(period, dict) and isinstance(measure.get("periods"), list):
            period = next(iter(measure["periods"]), None)
        if isinstance(period, dict):
            value = as_float(period.get("value"))
    return value
