"""GitLab security reports, schema 15.2.1: SAST, dependency, container, DAST and secret detection.

Each finding goes to one report type, chosen by its scan's kind and its first location:

| scan kind            | location            | report                          |
|----------------------|---------------------|---------------------------------|
| secret               | any                 | secret_detection                |
| dast                 | any                 | dast                            |
| container            | package (or none)   | container_scanning              |
| dependency           | package (or none)   | dependency_scanning             |
| container/dependency | code                | sast                            |
| sast, iac            | any                 | sast                            |
| license, coverage    | –                   | none (Code Quality carries them)|

Only open findings become vulnerabilities, one each. Scans routed to the same report type are
written as one report: its ``scan.scanner`` is the first scan's tool and the other tools are
named in ``scan.messages``. A report file is written for every report type some scan is routed
to, even with no vulnerabilities, so that GitLab sees that the scan ran. See
``gitlab_common`` for times, ids and limits.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from sarifkit.model import (
    CodeLocation,
    Finding,
    Location,
    PackageLocation,
    Rule,
    Scan,
    ScanKind,
    WebLocation,
)
from sarifkit.output import ensure_directory, write_bytes
from sarifkit.writers import gitlab_common as common
from sarifkit.writers.gitlab_common import Notes

logger = logging.getLogger(__name__)

SAST = "sast"
DEPENDENCY = "dependency_scanning"
CONTAINER = "container_scanning"
DAST = "dast"
SECRET = "secret_detection"

#: Report type -> file name, in the order reports are written.
FILE_NAMES = {
    SAST: "gl-sast-report.json",
    DEPENDENCY: "gl-dependency-scanning-report.json",
    CONTAINER: "gl-container-scanning-report.json",
    DAST: "gl-dast-report.json",
    SECRET: "gl-secret-detection-report.json",
}
_SCAN_KIND_REPORT: dict[ScanKind, str | None] = {
    ScanKind.SAST: SAST,
    ScanKind.IAC: SAST,
    ScanKind.DEPENDENCY: DEPENDENCY,
    ScanKind.CONTAINER: CONTAINER,
    ScanKind.DAST: DAST,
    ScanKind.SECRET: SECRET,
    ScanKind.LICENSE: None,
    ScanKind.COVERAGE: None,
}
#: Secret detection requires a commit sha; outside a GitLab pipeline there is none to give.
PLACEHOLDER_SHA = "0000000"
UNKNOWN = "unknown"


@dataclass
class _Report:
    """The scans and findings routed to one report type."""

    report_type: str
    scans: list[Scan] = field(default_factory=list)
    findings: list[tuple[Scan, Finding]] = field(default_factory=list)
    _ids: set[int] = field(default_factory=set)

    def add_scan(self, scan: Scan) -> None:
        """Add `scan` once (by identity: comparing pydantic models field by field is slow)."""
        if id(scan) not in self._ids:
            self._ids.add(id(scan))
            self.scans.append(scan)


def report_type_for(scan: Scan, finding: Finding) -> str | None:
    """Return the GitLab report type `finding` of `scan` belongs in, or None when none fits."""
    target = _SCAN_KIND_REPORT[scan.kind]
    if target in (DEPENDENCY, CONTAINER):
        first = finding.locations[0] if finding.locations else None
        # A misconfiguration found in a repository or image scan points at code, not a package.
        if isinstance(first, CodeLocation):
            return SAST
    return target


def route(scans: list[Scan], notes: Notes) -> dict[str, _Report]:
    """Return the report types `scans` fill, with their open findings, in `FILE_NAMES` order."""
    reports: dict[str, _Report] = {}
    skipped: dict[str, int] = {}
    for scan in scans:
        home = _SCAN_KIND_REPORT[scan.kind]
        if home is not None:
            reports.setdefault(home, _Report(home))
        for finding in scan.findings:
            if not finding.is_open:
                skipped[finding.status.value] = skipped.get(finding.status.value, 0) + 1
                continue
            if not finding.category.is_security:
                notes.add(
                    f"{finding.category.value} findings are not security findings; "
                    "Code Quality (--format codequality) carries them"
                )
                continue
            target = report_type_for(scan, finding)
            if target is None:
                notes.add(f"{scan.kind.value} findings have no GitLab security report type")
                continue
            report = reports.setdefault(target, _Report(target))
            report.add_scan(scan)
            report.findings.append((scan, finding))
        if home is not None:
            reports[home].add_scan(scan)
    for status, count in skipped.items():
        logger.debug("GitLab reports: left out %d %s finding(s)", count, status)
    return {kind: reports[kind] for kind in FILE_NAMES if kind in reports}


def build_reports(scans: list[Scan]) -> dict[str, dict[str, Any]]:
    """Return the GitLab security reports for `scans`, keyed by report type.

    Logs one warning per kind of thing the reports could not carry or had to cut.
    """
    notes = Notes("GitLab security reports")
    reports = {kind: _build_report(report, notes) for kind, report in route(scans, notes).items()}
    notes.log()
    return reports


def write_reports(scans: list[Scan], out_dir: str | Path) -> dict[Path, int]:
    """Write each GitLab report for `scans` into `out_dir`; return path -> vulnerability count."""
    directory = ensure_directory(out_dir)
    written: dict[Path, int] = {}
    for kind, report in build_reports(scans).items():
        path = directory / FILE_NAMES[kind]
        write_bytes(path, orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
        written[path] = len(report["vulnerabilities"])
    return written


def _build_report(report: _Report, notes: Notes) -> dict[str, Any]:
    """Return one report document: version, schema, scan and vulnerabilities."""
    taken: set[str] = set()
    rules = {id(scan): scan.rule_map() for scan in report.scans}
    vulnerabilities = [
        _vulnerability(report.report_type, scan, finding, rules[id(scan)], taken, notes)
        for scan, finding in report.findings
    ]
    schema_name = report.report_type.replace("_", "-")
    return {
        "version": common.SCHEMA_VERSION,
        "schema": common.SCHEMA_URL.format(name=schema_name),
        "scan": _scan_object(report, notes),
        "vulnerabilities": vulnerabilities,
    }


def _scan_object(report: _Report, notes: Notes) -> dict[str, Any]:
    """Return the ``scan`` object: analyzer sarifkit, scanner the first tool, times and status."""
    from sarifkit._version import __version__

    first = report.scans[0]
    start, end = common.scan_times(report.scans)
    scanner: dict[str, Any] = {
        "id": common.tool_slug(first.tool.name),
        "name": common.cut(first.tool.name, common.MAX_NAME, "scanner name", notes),
        "version": first.tool.version or UNKNOWN,
        "vendor": {"name": first.tool.vendor or first.tool.name},
    }
    if first.tool.information_uri:
        scanner["url"] = first.tool.information_uri
    scan: dict[str, Any] = {
        "analyzer": {**common.ANALYZER, "version": __version__},
        "scanner": scanner,
        "type": report.report_type,
        "start_time": start,
        "end_time": end,
        "status": "success" if all(s.successful for s in report.scans) else "failure",
    }
    messages = _messages(report.scans)
    if messages:
        scan["messages"] = messages
    if report.report_type == DAST:
        scan["scanned_resources"] = _scanned_resources(report)
    return scan


def _messages(scans: list[Scan]) -> list[dict[str, str]]:
    """Return scan messages: the other tools merged into this report, then tool errors."""
    messages = [
        {"level": "info", "value": f"Also from {_tool_label(scan)} ({scan.source})."}
        for scan in scans[1:]
    ]
    for scan in scans:
        for note in scan.notifications:
            text = f"{note.path}: {note.message}" if note.path else note.message
            level = {"error": "warn", "warning": "warn"}.get(note.level, "info")
            if text.strip():
                messages.append({"level": level, "value": text})
    return messages


def _tool_label(scan: Scan) -> str:
    return f"{scan.tool.name} {scan.tool.version}" if scan.tool.version else scan.tool.name


def _vulnerability(
    report_type: str,
    scan: Scan,
    finding: Finding,
    rules: dict[str, Rule],
    taken: set[str],
    notes: Notes,
) -> dict[str, Any]:
    """Return one vulnerability: id, name, severity, identifiers, location and extras."""
    rule = rules.get(finding.rule_id)
    # The rule's text describes the rule; the finding's own words say more about this place.
    # The rule's text is reached only for an empty title: the model allows one (library callers
    # build findings too), though no parser writes one; the rule then still describes it.
    description = (
        finding.description
        or finding.title
        or (rule.full_description if rule else None)
        or finding.rule_id
    )
    vuln: dict[str, Any] = {
        "id": common.vulnerability_id(report_type, finding, taken),
        "name": common.cut(finding.title, common.MAX_NAME, "vulnerability name", notes),
        "description": common.cut(description, common.MAX_DESCRIPTION, "description", notes),
        "severity": common.SEVERITIES[finding.severity],
        "identifiers": common.identifiers(finding, scan.tool.name, notes),
    }
    solution = common.solution(finding)
    if solution:
        vuln["solution"] = common.cut(solution, common.MAX_SOLUTION, "solution", notes)
    vectors = common.cvss_vectors(finding.cvss, notes)
    if vectors:
        vuln["cvss_vectors"] = vectors
    links = common.links(finding.references)
    if links:
        vuln["links"] = links
    _note_dropped(finding, report_type, notes)
    _LOCATIONS[report_type](vuln, scan, finding, notes)
    return vuln


def _note_dropped(finding: Finding, report_type: str, notes: Notes) -> None:
    """Count the parts of `finding` that GitLab's vulnerability object has no place for."""
    extra = len(finding.locations) - 1
    if extra > 0 and report_type != DAST:
        notes.add("further locations of findings were left out (GitLab keeps one location)")
    if finding.code_flows:
        notes.add("code flows were left out (GitLab reports have no place for them)")
    if finding.related_locations:
        notes.add("related locations were left out (GitLab reports have no place for them)")


def _first(finding: Finding, kind: type[Location]) -> Any:
    """Return the finding's first location of class `kind`, or None."""
    return next((loc for loc in finding.locations if isinstance(loc, kind)), None)


def _code_location(vuln: dict[str, Any], scan: Scan, finding: Finding, notes: Notes) -> None:
    """Set a SAST location: file and lines (a package or URL stands in when there is no code)."""
    code: CodeLocation | None = _first(finding, CodeLocation)
    location: dict[str, Any] = {}
    if code is not None:
        start, end = common.line_range(code.start_line, code.end_line)
        location = {"file": code.path, "start_line": start, "end_line": end}
        if code.snippet:
            vuln["raw_source_code_extract"] = code.snippet
    elif finding.locations:
        location = {"file": _place(finding.locations[0], scan), "start_line": 1, "end_line": 1}
    else:
        location = {"file": scan.target or scan.source}
    vuln["location"] = location


def _place(location: Location, scan: Scan) -> str:
    """Return the file that best stands for a non-code location."""
    if isinstance(location, PackageLocation):
        return location.manifest or location.path or location.image or scan.source
    if isinstance(location, WebLocation):
        return location.url
    return location.path


def _package(
    finding: Finding, notes: Notes, what: str
) -> tuple[PackageLocation | None, dict[str, Any]]:
    """Return the finding's package location and GitLab's ``dependency`` object for it."""
    pkg: PackageLocation | None = _first(finding, PackageLocation)
    if pkg is None:
        notes.add(f"{what} findings had no package; 'unknown' was written")
        return None, {"package": {"name": UNKNOWN}, "version": UNKNOWN}
    return pkg, {"package": {"name": pkg.name}, "version": pkg.version or UNKNOWN}


def _dependency_location(vuln: dict[str, Any], scan: Scan, finding: Finding, notes: Notes) -> None:
    """Set a dependency-scanning location: the manifest file and the package."""
    pkg, dependency = _package(finding, notes, "dependency")
    manifest = (pkg.manifest or pkg.path) if pkg else None
    vuln["location"] = {"file": manifest or scan.target or scan.source, "dependency": dependency}


def _container_location(vuln: dict[str, Any], scan: Scan, finding: Finding, notes: Notes) -> None:
    """Set a container-scanning location: image, operating system and package."""
    pkg, dependency = _package(finding, notes, "container")
    image = (pkg.image if pkg else None) or scan.target
    system = (pkg.operating_system if pkg else None) or _scan_os(scan, pkg)
    if not image:
        notes.add("container findings named no image; 'unknown' was written")
    if not system:
        notes.add("container findings named no operating system; 'unknown' was written")
    vuln["location"] = {
        "dependency": dependency,
        "operating_system": system or UNKNOWN,
        "image": image or UNKNOWN,
    }


def _scan_os(scan: Scan, pkg: PackageLocation | None) -> str | None:
    """Return the image's operating system from the scan's inventory or the package URL."""
    # SBOMs name the operating system once, as a component, rather than on every package.
    for component in scan.components:
        if component.type == "operating-system":
            return f"{component.name} {component.version or ''}".strip()
    if pkg is not None and pkg.purl and "distro=" in pkg.purl:
        return pkg.purl.split("distro=", 1)[1].split("&", 1)[0] or None
    return None


def _secret_location(vuln: dict[str, Any], scan: Scan, finding: Finding, notes: Notes) -> None:
    """Set a secret-detection location: file, lines and the commit ($CI_COMMIT_SHA)."""
    code: CodeLocation | None = _first(finding, CodeLocation)
    sha = os.environ.get("CI_COMMIT_SHA", "").strip() or PLACEHOLDER_SHA
    location: dict[str, Any] = {}
    if code is not None:
        start, end = common.line_range(code.start_line, code.end_line)
        location = {"file": code.path, "start_line": start, "end_line": end}
    elif finding.locations:
        location = {"file": _place(finding.locations[0], scan)}
    location["commit"] = {"sha": sha}
    # The flagged line would repeat the secret itself, so no raw_source_code_extract here.
    vuln["location"] = location


def _dast_location(vuln: dict[str, Any], scan: Scan, finding: Finding, notes: Notes) -> None:
    """Set a DAST location (host, method, path, parameter), evidence and further instances."""
    web: WebLocation | None = _first(finding, WebLocation)
    if web is None:
        vuln["location"] = {}
        return
    parts = urlsplit(web.url)
    location: dict[str, Any] = {
        "hostname": f"{parts.scheme}://{parts.netloc}" if parts.netloc else web.url,
        "method": (web.method or "GET").upper(),
        "path": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
    }
    if web.param:
        location["param"] = web.param
    vuln["location"] = location
    evidence = _evidence(web, notes)
    if evidence:
        vuln["evidence"] = evidence
    others = [
        loc.url for loc in finding.locations if isinstance(loc, WebLocation) and loc.url != web.url
    ]
    if others:
        vuln["details"] = {
            "instances": {
                "name": "Other instances",
                "type": "list",
                "items": [{"type": "url", "href": url} for url in dict.fromkeys(others)],
            }
        }


def _evidence(web: WebLocation, notes: Notes) -> dict[str, Any]:
    """Return DAST evidence: the summary and the HTTP request and response when given."""
    evidence: dict[str, Any] = {}
    summary = web.evidence or web.other_info
    if summary:
        evidence["summary"] = summary
    if web.request:
        request = _http_request(web.request, web, notes)
        if request:
            evidence["request"] = request
    if web.response:
        response = _http_response(web.response, notes)
        if response:
            evidence["response"] = response
    return evidence


def _split_http(message: str) -> tuple[str, list[dict[str, str]], str]:
    """Split a raw HTTP message into its first line, headers and body."""
    text = message.replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip():
            headers.append({"name": name.strip(), "value": value.strip()})
    return lines[0].strip(), headers, body


def _http_request(raw: str, web: WebLocation, notes: Notes) -> dict[str, Any] | None:
    """Return GitLab's request object for a raw HTTP request, or None when it is not one."""
    first, headers, body = _split_http(raw)
    words = first.split()
    if len(words) < 2 or not (words[0].isalpha() and words[0].isupper()):
        return None
    url = words[1]
    if url.startswith("/"):
        parts = urlsplit(web.url)
        url = f"{parts.scheme}://{parts.netloc}{url}" if parts.netloc else url
    elif "://" not in url:
        return None
    request: dict[str, Any] = {"headers": headers, "method": words[0], "url": url}
    if body:
        request["body"] = common.cut(body, common.MAX_HTTP_BODY, "HTTP body", notes)
    return request


def _http_response(raw: str, notes: Notes) -> dict[str, Any] | None:
    """Return GitLab's response object for a raw HTTP response, or None when it is not one."""
    first, headers, body = _split_http(raw)
    words = first.split(maxsplit=2)
    if len(words) < 2 or not words[0].upper().startswith("HTTP/") or not words[1].isdigit():
        return None
    response: dict[str, Any] = {
        "headers": headers,
        "reason_phrase": words[2] if len(words) > 2 else "",
        "status_code": int(words[1]),
    }
    if body:
        response["body"] = common.cut(body, common.MAX_HTTP_BODY, "HTTP body", notes)
    return response


def _scanned_resources(report: _Report) -> list[dict[str, str]]:
    """Return the distinct URLs (with methods) that the DAST findings' instances name."""
    seen: dict[tuple[str, str], None] = {}
    for scan in report.scans:
        for finding in scan.findings:
            for loc in finding.locations:
                if isinstance(loc, WebLocation):
                    seen.setdefault(((loc.method or "GET").upper(), loc.url), None)
    if not seen:
        targets = [s.target for s in report.scans if s.target]
        seen = {("GET", target): None for target in targets}
    return [{"method": method, "url": url, "type": "url"} for method, url in sorted(seen)]


_LOCATIONS = {
    SAST: _code_location,
    DEPENDENCY: _dependency_location,
    CONTAINER: _container_location,
    DAST: _dast_location,
    SECRET: _secret_location,
}
