"""SARIF 2.1.0 from the findings model: one run per scan.

The log, runs, tools, rules and invocations are `sarif_om` objects. Results are written as plain
dicts of the same shape, one at a time straight to the output: building a `sarif_om.Result` tree
costs about 17 µs a finding, which on a 500k-finding report is most of the time budget.

What GitHub code scanning and the SARIF Multitool's ``Sarif;Ghas`` rules need is always present:
rule short and full descriptions and help text, ``security-severity``, a region on every
location, relative URIs, and ``partialFingerprints.primaryLocationLineHash``. Section numbers
(§) refer to the SARIF 2.1.0 specification.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import quote, urlsplit

import orjson
import sarif_om as om

from sarifkit._version import __version__
from sarifkit.errors import OutputError
from sarifkit.model import (
    CodeLocation,
    Confidence,
    Finding,
    FindingCategory,
    FindingStatus,
    Location,
    PackageLocation,
    Rule,
    Scan,
    Severity,
    WebLocation,
)
from sarifkit.severity import SARIF_LEVELS, SECURITY_SEVERITY
from sarifkit.writers.sarif_om_json import to_json

logger = logging.getLogger(__name__)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIFKIT_URI = "https://pypi.org/project/sarifkit/"
SRCROOT = "%SRCROOT%"
#: Base for absolute file paths, which GitHub cannot show as they are (Multitool GH1006).
ROOTPATH = "ROOTPATH"

# GitHub's limits (rule descriptions) and GitLab's (messages), whichever is tighter.
MAX_DESCRIPTION = 1024
MAX_MESSAGE = 2048
MAX_NAME = 255
#: GitHub keeps 1,000 locations a result and rejects more; the rest are counted in properties.
MAX_LOCATIONS = 1000
#: GitHub and GitLab take at most 20 runs a log; GitHub rejects over 25,000 results or rules a
#: run, and GitLab reads at most 5,000 results a run.
MAX_RUNS = 20
MAX_RESULTS_GITHUB = 25_000
MAX_RESULTS_GITLAB = 5_000
MAX_RULES = 25_000
_URI_SAFE = "/:@!$&'()*+,;=-._~"
#: Locations (plus one per result) serialised per orjson call while a run is written.
_BATCH_LOCATIONS = 100
_SUFFIX = " [truncated]"


def clip(text: str, limit: int) -> str:
    """Return `text` cut to `limit` characters, marked as cut when it was."""
    if len(text) <= limit:
        return text
    return text[: limit - len(_SUFFIX)].rstrip() + _SUFFIX


def source_date() -> datetime | None:
    """Return the time given by ``SOURCE_DATE_EPOCH``, for reproducible builds, or None."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if not raw or not raw.strip().isdigit():
        return None
    return datetime.fromtimestamp(int(raw.strip()), tz=UTC)


def _timestamp(value: datetime | None) -> str | None:
    """Return `value` (or ``SOURCE_DATE_EPOCH``) in SARIF's UTC format (§3.9), or None."""
    value = value or source_date()
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def severity_score(severity: Severity, scores: Iterable[float | None] = ()) -> float:
    """Return the 0-10 score of a finding: its highest CVSS score, else its severity's constant."""
    known = [s for s in scores if s is not None and 0.0 < s <= 10.0]
    return max(known) if known else SECURITY_SEVERITY[severity]


def security_severity(severity: Severity, scores: Iterable[float | None] = ()) -> str:
    """Return the ``security-severity`` string (one decimal) GitHub and GitLab read."""
    return f"{severity_score(severity, scores):.1f}"


def _cvss_scores(finding: Finding) -> list[float | None]:
    return [c.score for c in finding.cvss] if finding.cvss else []


class _UriMapper:
    """Maps paths and URLs to relative URIs with base ids, registering the bases a run needs."""

    def __init__(self) -> None:
        self.bases: dict[str, str] = {}
        self._sites: dict[str, str] = {}
        self._paths: dict[str, tuple[str, str]] = {}
        self._urls: dict[str, tuple[str, str]] = {}
        self._artifacts: dict[str, dict[str, str]] = {}

    def register(self, finding: Finding) -> None:
        """Register the bases `finding` needs, so the run can declare them before results."""
        # Only the locations written need a base: a ZAP alert may list 100k instances.
        shown = _shown(finding.locations)
        if finding.related_locations:
            shown = [*shown, *_shown(finding.related_locations)]
        for loc in shown:
            if isinstance(loc, WebLocation):
                self.url(loc.url)
            elif isinstance(loc, CodeLocation):
                self.path(loc.path)
            else:
                self.path(loc.manifest or loc.path or loc.image or loc.name)
        for flow in finding.code_flows:
            for loc in flow:
                if isinstance(loc, CodeLocation):
                    self.path(loc.path)

    def artifact(self, path: str) -> dict[str, str]:
        """Return the artifact location (§3.4) of a file path, one shared dict per path.

        Results only serialise it, so the thousands of findings in one file share it.
        """
        cached = self._artifacts.get(path)
        if cached is None:
            uri, base = self.path(path)
            cached = self._artifacts[path] = {"uri": uri, "uriBaseId": base}
        return cached

    def path(self, path: str) -> tuple[str, str]:
        """Return (relative uri, base id) for a file path."""
        cached = self._paths.get(path)
        if cached is None:
            cached = self._paths[path] = self._path(path)
        return cached

    def _path(self, path: str) -> tuple[str, str]:
        text = path.replace("\\", "/")
        if text.startswith("file://"):
            text = text[len("file://") :]
        if text.startswith("/"):
            self.bases[ROOTPATH] = "file:///"
            return _no_scheme(quote(text.lstrip("/"), safe=_URI_SAFE)) or ".", ROOTPATH
        while text.startswith("./"):
            text = text[2:]
        return _no_scheme(quote(text, safe=_URI_SAFE)) or ".", SRCROOT

    def url(self, url: str) -> tuple[str, str]:
        """Return (relative uri, base id) for a web URL, with one base per scheme, host and port."""
        cached = self._urls.get(url)
        if cached is None:
            cached = self._urls[url] = self._url(url)
        return cached

    def _url(self, url: str) -> tuple[str, str]:
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            return self.path(url)
        site = f"{parts.scheme}://{parts.netloc}/"
        base = self._sites.get(site)
        if base is None:
            base = f"SITE{len(self._sites) + 1}"
            self._sites[site] = base
            self.bases[base] = site
        relative = parts.path.lstrip("/")
        if parts.query:
            relative += "?" + parts.query
        return quote(relative, safe=_URI_SAFE + "?%") or ".", base


def _shown(locations: list[Location]) -> list[Location]:
    """Return the locations a result shows: the first `MAX_LOCATIONS`, without a copy if all."""
    return locations if len(locations) <= MAX_LOCATIONS else locations[:MAX_LOCATIONS]


def _no_scheme(uri: str) -> str:
    """Return a relative URI whose first segment holds no colon, which would read as a scheme.

    Package names such as ``org.eclipse.sisu:org.eclipse.sisu.plexus`` stand in for paths; as
    they are, SARIF1004 takes them for absolute URIs (RFC 3986 §4.2).
    """
    head, sep, tail = uri.partition("/")
    return head.replace(":", "%3A") + sep + tail if ":" in head else uri


def _region(
    start: int | None, end: int | None, col: int | None, end_col: int | None
) -> dict[str, Any]:
    """Return a region that satisfies §3.30 and GitHub: a start line always, ends only if sane."""
    start_line = start if start and start > 0 else 1
    region: dict[str, Any] = {"startLine": start_line}
    end_line = end if end and end >= start_line else start_line
    if end_line != start_line:
        region["endLine"] = end_line
    if col and col > 0:
        region["startColumn"] = col
        if end_col and (end_line != start_line or end_col >= col):
            region["endColumn"] = end_col
    return region


def _location(location: Location, uris: _UriMapper) -> dict[str, Any]:
    """Return one SARIF location (§3.28) for a model location."""
    message: str | None = location.message
    props: dict[str, Any] | None = None
    if isinstance(location, CodeLocation):
        artifact = uris.artifact(location.path)
        region = _region(
            location.start_line, location.end_line, location.start_column, location.end_column
        )
        if location.snippet:
            region["snippet"] = {"text": location.snippet}
        if location.image:
            props = {"image": location.image}
    elif isinstance(location, PackageLocation):
        artifact = uris.artifact(
            location.manifest or location.path or location.image or location.name
        )
        region = {"startLine": 1}
        props = {
            key: value
            for key, value in (
                ("package", location.name),
                ("version", location.version),
                ("ecosystem", location.ecosystem),
                ("purl", location.purl),
                ("image", location.image),
                ("operatingSystem", location.operating_system),
                ("layer", location.layer),
            )
            if value
        }
        message = message or f"{location.name}@{location.version or '?'}"
    else:
        uri, base = uris.url(location.url)
        artifact = {"uri": uri, "uriBaseId": base}
        region = {"startLine": 1}
        if location.evidence:
            region["snippet"] = {"text": clip(location.evidence, MAX_MESSAGE)}
        props = {
            key: value
            for key, value in (
                ("url", location.url),
                ("method", location.method),
                ("param", location.param),
                ("attack", location.attack),
                ("otherInfo", location.other_info),
            )
            if value
        }
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    if message:
        out["message"] = {"text": clip(message, MAX_MESSAGE)}
    if props:
        out["properties"] = props
    return out


def _result(
    finding: Finding, rule_index: int, uris: _UriMapper, fallback: list[Location]
) -> dict[str, Any]:
    """Return one SARIF result (§3.27) for a finding; `fallback` stands in for no location."""
    fingerprint, _, occurrence = finding.fingerprint.partition(":")
    locations = _shown(finding.locations) or fallback
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": SARIF_LEVELS[finding.severity],
        "message": {"text": clip(finding.title, MAX_MESSAGE)},
        "locations": [_location(loc, uris) for loc in locations],
        "partialFingerprints": {
            "primaryLocationLineHash": f"{fingerprint[:16]}:{occurrence or 1}",
            "sarifkit/v1": finding.fingerprint,
        },
        # GitLab ranks by `rank` before the rule's security-severity (§3.27.24: 0.0 to 100.0).
        "rank": _rank(finding),
    }
    if finding.related_locations:
        related = []
        for number, loc in enumerate(finding.related_locations[:MAX_LOCATIONS], start=1):
            entry = _location(loc, uris)
            entry["id"] = number
            related.append(entry)
        result["relatedLocations"] = related
    if finding.code_flows:
        result["codeFlows"] = [
            {"threadFlows": [{"locations": [{"location": _location(loc, uris)} for loc in flow]}]}
            for flow in finding.code_flows
            if flow
        ]
    for web in locations:
        if isinstance(web, WebLocation):
            result["webRequest"] = {
                "target": web.url,
                **({"method": web.method} if web.method else {}),
            }
            break
    if finding.suppressions:
        result["suppressions"] = [
            {
                "kind": "inSource" if s.kind == "in_source" else "external",
                "status": {"under_review": "underReview"}.get(s.status, s.status),
                **(
                    {"justification": clip(s.justification, MAX_MESSAGE)} if s.justification else {}
                ),
            }
            for s in finding.suppressions
        ]
    if finding.baseline_state:
        result["baselineState"] = finding.baseline_state
    result["properties"] = _result_properties(
        finding, max(0, len(finding.locations) - MAX_LOCATIONS)
    )
    return result


#: The `rank` of a finding without CVSS scores, per severity: worked out once, not per result.
_RANKS = {severity: round(SECURITY_SEVERITY[severity] * 10, 1) for severity in Severity}


def _rank(finding: Finding) -> float:
    """Return a result's ``rank`` (§3.27.24): its `severity_score` out of 100."""
    if not finding.cvss:
        return _RANKS[finding.severity]
    return round(severity_score(finding.severity, _cvss_scores(finding)) * 10, 1)


def _result_properties(finding: Finding, dropped_locations: int) -> dict[str, Any]:
    """Return the result's property bag: sarifkit's own fields, then the tool's leftovers."""
    # Enum members are str subclasses that orjson writes as their values.
    props: dict[str, Any] = {"severity": finding.severity}
    if finding.category is not FindingCategory.VULNERABILITY:
        props["category"] = finding.category
    if finding.confidence is not Confidence.UNKNOWN:
        props["confidence"] = finding.confidence
    if finding.status is not FindingStatus.OPEN:
        props["status"] = finding.status
    if finding.description:
        props["description"] = finding.description
    if finding.identifiers:
        props["identifiers"] = [
            {"type": i.type, "value": i.value, "url": i.url}
            if i.url
            else {"type": i.type, "value": i.value}
            for i in finding.identifiers
        ]
    if finding.cvss:
        props["cvss"] = [
            {key: value for key, value in c.__dict__.items() if value is not None}
            for c in finding.cvss
        ]
    if finding.fix:
        props["fix"] = finding.fix.model_dump(exclude_none=True, exclude_defaults=True)
    if finding.references:
        props["references"] = finding.references
    if dropped_locations:
        props["locationsNotShown"] = dropped_locations
    if finding.properties:
        props["tool"] = finding.properties
    return props


#: GitHub's ``problem.severity`` for rules that are not security rules.
_PROBLEM_SEVERITY = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "recommendation",
    Severity.INFO: "recommendation",
    Severity.UNKNOWN: "warning",
}


class _RuleFindings:
    """What a rule's descriptor needs of its findings: the first, their severities and scores."""

    __slots__ = ("first", "scores", "severities")

    def __init__(self, first: Finding) -> None:
        self.first = first
        self.severities: set[Severity] = set()
        self.scores: list[float | None] = []

    def add(self, finding: Finding) -> None:
        self.severities.add(finding.severity)
        if finding.cvss:
            self.scores.extend(_cvss_scores(finding))


def _rule_descriptor(rule: Rule, found: _RuleFindings | None) -> om.ReportingDescriptor:
    """Return the reporting descriptor (§3.49) for `rule`, its severity taken from its findings."""
    first = found.first if found else None
    severities = found.severities if found else {rule.severity or Severity.UNKNOWN}
    worst = max(severities, key=lambda s: s.rank)
    scores = found.scores if found else []
    short = rule.short_description or (first.title if first else None) or rule.name or rule.id
    full = rule.full_description or (first.description if first else None) or short
    help_text = rule.help_text or _help_text(full, rule.help_uri)
    # GitHub treats a rule with `security-severity` or the `security` tag as a security alert;
    # quality and license rules get `problem.severity` instead.
    security = first is None or first.category.is_security
    tags = list(dict.fromkeys(["security", *rule.tags] if security else rule.tags))
    for cwe in rule.cwes:
        tags.extend(t for t in (f"external/cwe/cwe-{cwe}", f"cwe-{cwe}") if t not in tags)
    properties: dict[str, Any] = {"tags": tags[:20]}
    if security:
        properties["security-severity"] = security_severity(worst, scores)
    else:
        properties["problem.severity"] = _PROBLEM_SEVERITY[worst]
    if rule.properties:
        properties.update(rule.properties)
    name = rule.name if rule.name and rule.name != rule.id else None
    return om.ReportingDescriptor(
        id=rule.id,
        name=clip(name, MAX_NAME) if name else None,
        short_description=om.MultiformatMessageString(text=clip(short, MAX_DESCRIPTION)),
        full_description=om.MultiformatMessageString(text=clip(full, MAX_DESCRIPTION)),
        help=om.MultiformatMessageString(
            text=clip(help_text, MAX_MESSAGE),
            markdown=clip(rule.help_markdown or _help_markdown(full, rule.help_uri), MAX_MESSAGE),
        ),
        help_uri=rule.help_uri if _is_absolute_uri(rule.help_uri) else None,
        default_configuration=om.ReportingConfiguration(level=SARIF_LEVELS[worst]),
        properties=properties,
    )


def _help_text(description: str, uri: str | None) -> str:
    return f"{description}\n\nMore information: {uri}" if uri else description


def _help_markdown(description: str, uri: str | None) -> str:
    return f"{description}\n\n[More information]({uri})" if uri else description


def _is_absolute_uri(uri: str | None) -> bool:
    return bool(uri) and urlsplit(uri or "").scheme in ("http", "https")


def _categories(scans: list[Scan]) -> list[str]:
    """Return one distinct ``automationDetails.id`` category per scan (GitHub refuses repeats)."""
    seen: dict[str, int] = {}
    categories = []
    for scan in scans:
        base = f"{scan.tool.name.lower().replace(' ', '-')}-{scan.kind.value}"
        count = seen.get(base, 0) + 1
        seen[base] = count
        categories.append(f"{base}/" if count == 1 else f"{base}-{count}/")
    return categories


def write_sarif(scans: list[Scan], out: IO[bytes]) -> None:
    """Write a SARIF 2.1.0 log with one run per scan to the binary stream `out`.

    Raises `OutputError` when the log would hold more runs than GitHub and GitLab accept.
    """
    scans = check_limits(scans)
    out.write(b'{"$schema":"' + SARIF_SCHEMA.encode() + b'","version":"2.1.0","runs":[')
    for number, (scan, category) in enumerate(zip(scans, _categories(scans), strict=True)):
        if number:
            out.write(b",")
        _write_run(scan, category, out)
    out.write(b"]}\n")


def check_limits(scans: list[Scan]) -> list[Scan]:
    """Return `scans` fitted to the upload limits, warning about what exceeds them.

    Over `MAX_RUNS` scans, scans of the same tool and kind are merged into one run (see
    `sarifkit.merge`); if that is still too many, `OutputError` is raised. Runs over the
    results-per-run limits, and messages or descriptions that are cut, are logged as warnings.
    """
    if len(scans) > MAX_RUNS:
        from sarifkit.merge import merge_scans

        merged = merge_scans(scans)
        if len(merged) > MAX_RUNS:
            raise OutputError(
                f"SARIF output: {len(merged)} runs of distinct tools and kinds is over the "
                f"{MAX_RUNS} runs a log may hold for GitHub and GitLab; split the inputs"
            )
        logger.warning(
            "SARIF output: %d scans is over the %d runs GitHub and GitLab accept in one log; "
            "scans of the same tool and kind were merged into %d runs",
            len(scans),
            MAX_RUNS,
            len(merged),
        )
        scans = merged
    for scan in scans:
        _check_run_limits(scan)
    return scans


def _check_run_limits(scan: Scan) -> None:
    """Warn when one run exceeds GitHub's or GitLab's per-run limits, or texts get cut."""
    name = f"run of {scan.tool.name} ({scan.source})"
    results = len(scan.findings)
    if results > MAX_RESULTS_GITHUB:
        logger.warning(
            "SARIF output: %s has %d results; GitHub rejects a run of over %d results and "
            "GitLab reads at most %d",
            name,
            results,
            MAX_RESULTS_GITHUB,
            MAX_RESULTS_GITLAB,
        )
    elif results > MAX_RESULTS_GITLAB:
        logger.warning(
            "SARIF output: %s has %d results; GitLab reads at most %d results a run",
            name,
            results,
            MAX_RESULTS_GITLAB,
        )
    if len(scan.rules) > MAX_RULES:
        logger.warning(
            "SARIF output: %s has %d rules; GitHub and GitLab accept at most %d",
            name,
            len(scan.rules),
            MAX_RULES,
        )
    # One walk for both counts: on a large report each walk is mostly memory traffic.
    long_messages = many_locations = 0
    for finding in scan.findings:
        long_messages += len(finding.title) > MAX_MESSAGE
        many_locations += len(finding.locations) > MAX_LOCATIONS
    if long_messages:
        logger.warning(
            "SARIF output: %s: %d result messages over %d characters were cut "
            "(GitLab skips results with longer ones)",
            name,
            long_messages,
            MAX_MESSAGE,
        )
    if many_locations:
        logger.warning(
            "SARIF output: %s: %d results had over %d locations; the rest are counted in "
            "properties.locationsNotShown",
            name,
            many_locations,
            MAX_LOCATIONS,
        )


def _write_run(scan: Scan, category: str, out: IO[bytes]) -> None:
    """Write one run: its skeleton first, then each result as it is built."""
    # One walk over the findings gathers what the skeleton needs (rules, URI bases): on a large
    # report every walk costs a tenth of a second or more in memory traffic alone.
    by_rule: dict[str, _RuleFindings] = {}
    uris = _UriMapper()
    unlocated = False
    for finding in scan.findings:
        found = by_rule.get(finding.rule_id)
        if found is None:
            found = by_rule[finding.rule_id] = _RuleFindings(finding)
        found.add(finding)
        uris.register(finding)
        unlocated = unlocated or not finding.locations
    rules = scan.rule_map()
    rule_ids = [rule.id for rule in scan.rules]
    # A finding whose rule the parser did not declare still needs a descriptor (GH2012).
    rule_ids.extend(rid for rid in by_rule if rid not in rules)
    index = {rid: number for number, rid in enumerate(rule_ids)}
    descriptors = [
        _rule_descriptor(rules.get(rid) or Rule(id=rid), by_rule.get(rid)) for rid in rule_ids
    ]
    # GitHub refuses a result without a location (Multitool GH1015): a finding whose report names
    # no place points at the report itself.
    fallback: list[Location] = [
        CodeLocation(path=scan.source, message="The report gives no location for this finding.")
    ]
    if unlocated:
        uris.path(scan.source)
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name=scan.tool.name,
                version=scan.tool.version,
                organization=scan.tool.vendor,
                information_uri=scan.tool.information_uri,
                rules=descriptors,
            )
        ),
        invocations=[_invocation(scan)],
        automation_details=om.RunAutomationDetails(id=category),
        conversion=om.Conversion(
            tool=om.Tool(
                driver=om.ToolComponent(
                    name="sarifkit", version=__version__, information_uri=SARIFKIT_URI
                )
            )
        ),
        original_uri_base_ids={
            base: om.ArtifactLocation(uri=uri) for base, uri in sorted(uris.bases.items())
        }
        or None,
        column_kind="unicodeCodePoints",
        properties=_run_properties(scan),
    )
    skeleton = orjson.dumps(to_json(run))
    out.write(skeleton[:-1] + b',"results":[')
    # Results are built and serialised a small batch at a time: one orjson call per batch costs
    # less than one per result, and a small batch stays in the CPU cache (1000 results at a time
    # was slower). Batches are cut by locations, as one ZAP result may hold a thousand.
    batch: list[dict[str, Any]] = []
    size = 0
    written = False
    for finding in scan.findings:
        batch.append(_result(finding, index[finding.rule_id], uris, fallback))
        size += 1 + len(finding.locations)
        if size >= _BATCH_LOCATIONS:
            written = _write_results(batch, written, out)
            batch = []
            size = 0
    if batch:
        _write_results(batch, written, out)
    out.write(b"]}")


def _write_results(batch: list[dict[str, Any]], after_others: bool, out: IO[bytes]) -> bool:
    """Write `batch` as items of the results array, after a comma if others came before."""
    if after_others:
        out.write(b",")
    out.write(memoryview(orjson.dumps(batch))[1:-1])  # the items, without the brackets
    return True


def _invocation(scan: Scan) -> om.Invocation:
    """Return the invocation (§3.20): success, times, and the tool's own notifications."""
    notifications = [
        om.Notification(
            level=n.level,
            message=om.Message(
                text=f"{n.path}: {n.message}" if n.path and n.path not in n.message else n.message
            ),
        )
        for n in scan.notifications
    ]
    return om.Invocation(
        execution_successful=scan.successful,
        start_time_utc=_timestamp(scan.started_at),
        end_time_utc=_timestamp(scan.ended_at or scan.started_at),
        tool_execution_notifications=notifications or None,
    )


def _run_properties(scan: Scan) -> dict[str, Any]:
    """Return the run's property bag: what was scanned, the metrics, the tool's extras."""
    props: dict[str, Any] = {"kind": scan.kind.value, "source": scan.source}
    if scan.target:
        props["target"] = scan.target
    if scan.metrics:
        props["metrics"] = dict(sorted(scan.metrics.items()))
    if scan.components:
        props["componentCount"] = len(scan.components)
    if scan.properties:
        props["tool"] = scan.properties
    return props
