"""Comparing findings with a previous SARIF log: SARIF's ``baselineState`` (§3.27.24).

Each current finding is matched with a result of the previous log by, in order:

1. sarifkit's fingerprint (``partialFingerprints["sarifkit/v1"]``, written by sarifkit's SARIF
   writer), which hashes the tool, the rule and the flagged line's text but no line number;
2. ``partialFingerprints.primaryLocationLineHash`` as sarifkit writes it;
3. the rule id, the file and the flagged line's text (``region.snippet``), for logs that other
   tools wrote.

A matched finding is ``unchanged``, or ``updated`` when its severity or its message changed
(a new line number alone is not a change: the same code moved). An unmatched finding is
``new``. Previous results that nothing matched are ``absent``: they come back as findings with
status ``fixed`` (so no score or gate counts them), added to the scan of the same tool and kind
(or a new scan), so that the SARIF writer reports them with ``baselineState: "absent"``.
GitLab's reports leave them out, as they do every finding that is not open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sarifkit import severity as sev
from sarifkit.errors import InputError
from sarifkit.model import (
    CodeLocation,
    Finding,
    FindingStatus,
    Location,
    PackageLocation,
    Scan,
    ScanKind,
    Severity,
    Tool,
    WebLocation,
)
from sarifkit.source import Source

logger = logging.getLogger(__name__)

FINGERPRINT_KEY = "sarifkit/v1"
LINE_HASH_KEY = "primaryLocationLineHash"


class _Previous:
    """One result of the previous log, with what matching and `absent` findings need."""

    __slots__ = ("matched", "result", "run")

    def __init__(self, result: dict[str, Any], run: dict[str, Any]) -> None:
        self.result = result
        self.run = run
        self.matched = False


def apply_baseline(scans: list[Scan], previous: str | Path) -> list[Finding]:
    """Set ``baseline_state`` on every finding of `scans` against the SARIF log `previous`.

    Returns the previous results that are gone, which are also added to `scans` (see the
    module docstring). Raises `InputError` when `previous` is not a readable SARIF log.
    """
    source = Source.read(previous)
    runs = _runs(source)
    index: dict[str, list[_Previous]] = {}
    entries: list[_Previous] = []
    for run in runs:
        for result in run.get("results") or []:
            if isinstance(result, dict) and result.get("baselineState") != "absent":
                entry = _Previous(result, run)
                entries.append(entry)
                for key in _previous_keys(result):
                    index.setdefault(key, []).append(entry)
    counts = {"new": 0, "unchanged": 0, "updated": 0}
    for scan in scans:
        for finding in scan.findings:
            match = _match(finding, index)
            if match is None:
                finding.baseline_state = "new"
            else:
                finding.baseline_state = "updated" if _changed(finding, match) else "unchanged"
            counts[finding.baseline_state] += 1
    absent = _absent(scans, entries, source.name)
    logger.debug(
        "baseline %s: %d new, %d unchanged, %d updated, %d absent",
        source.name,
        counts["new"],
        counts["unchanged"],
        counts["updated"],
        len(absent),
    )
    return absent


def _runs(source: Source) -> list[dict[str, Any]]:
    """Return the runs of the previous log, or raise `InputError` when it is not SARIF."""
    doc = source.json()
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not isinstance(runs, list):
        raise InputError(f"{source.name}: not a SARIF log (no 'runs' list) to use as a baseline")
    return [run for run in runs if isinstance(run, dict)]


def _norm_path(path: str) -> str:
    """Return a path in one comparable form: unquoted, forward slashes, no ``./`` or ``/``."""
    text = unquote(path).replace("\\", "/")
    text = text.removeprefix("file://")
    while text.startswith("./"):
        text = text[2:]
    return text.lstrip("/")


def _snippet_key(rule_id: str, path: str, snippet: str | None) -> str | None:
    if not snippet or not snippet.strip():
        return None
    return f"loc:{rule_id}|{_norm_path(path)}|{' '.join(snippet.split())}"


def _previous_keys(result: dict[str, Any]) -> Iterator[str]:
    """Yield the matching keys of a previous result, strongest first."""
    prints = result.get("partialFingerprints") or {}
    if isinstance(prints, dict):
        if prints.get(FINGERPRINT_KEY):
            yield f"v1:{prints[FINGERPRINT_KEY]}"
        if prints.get(LINE_HASH_KEY):
            yield f"plh:{prints[LINE_HASH_KEY]}"
    physical = _physical(result)
    uri = (physical.get("artifactLocation") or {}).get("uri")
    snippet = ((physical.get("region") or {}).get("snippet") or {}).get("text")
    key = _snippet_key(str(result.get("ruleId") or ""), str(uri or ""), snippet)
    if uri and key:
        yield key


def _current_keys(finding: Finding) -> Iterator[str]:
    """Yield the matching keys of a current finding, in the order of `_previous_keys`."""
    if finding.fingerprint:
        yield f"v1:{finding.fingerprint}"
        base, _, occurrence = finding.fingerprint.partition(":")
        yield f"plh:{base[:16]}:{occurrence or 1}"
    first = finding.locations[0] if finding.locations else None
    if isinstance(first, CodeLocation):
        key = _snippet_key(finding.rule_id, first.path, first.snippet)
        if key:
            yield key


def _match(finding: Finding, index: dict[str, list[_Previous]]) -> _Previous | None:
    """Return the first unmatched previous result sharing a key with `finding`, marked matched."""
    for key in _current_keys(finding):
        for entry in index.get(key, ()):
            if not entry.matched:
                entry.matched = True
                return entry
    return None


def _changed(finding: Finding, previous: _Previous) -> bool:
    """Return whether the finding's severity or message differs from the previous result's."""
    result = previous.result
    props = result.get("properties") or {}
    old_severity = props.get("severity") if isinstance(props, dict) else None
    if old_severity is not None:
        if old_severity != finding.severity.value:
            return True
    elif result.get("level") and result["level"] != sev.SARIF_LEVELS[finding.severity]:
        return True
    old_text = (result.get("message") or {}).get("text")
    # The writer clips messages, so compare only as much as it kept.
    return bool(old_text) and not _same_text(str(old_text), finding.title)


def _same_text(old: str, new: str) -> bool:
    if old == new:
        return True
    stem = old.removesuffix(" [truncated]")
    return stem != old and new.startswith(stem)


def _absent(scans: list[Scan], entries: list[_Previous], name: str) -> list[Finding]:
    """Return the unmatched previous results as findings, added to the scans they belong to."""
    absent: list[Finding] = []
    for entry in entries:
        if not entry.matched:
            finding = _finding(entry)
            _home(scans, entry.run, name).findings.append(finding)
            absent.append(finding)
    return absent


def _home(scans: list[Scan], run: dict[str, Any], name: str) -> Scan:
    """Return the scan of the previous run's tool and kind, creating one if there is none."""
    driver = ((run.get("tool") or {}).get("driver")) or {}
    tool = str(driver.get("name") or "unknown")
    props = run.get("properties") or {}
    kind_value = props.get("kind") if isinstance(props, dict) else None
    kinds = {k.value: k for k in ScanKind}
    kind = kinds.get(str(kind_value), ScanKind.SAST)
    same_tool = [s for s in scans if s.tool.name.lower() == tool.lower()]
    for scan in same_tool:
        if scan.kind is kind:
            return scan
    if same_tool:
        return same_tool[0]
    scan = Scan(tool=Tool(name=tool, version=driver.get("version")), kind=kind, source=name)
    scans.append(scan)
    return scan


def _physical(result: dict[str, Any]) -> dict[str, Any]:
    locations = result.get("locations") or [{}]
    first = locations[0] if isinstance(locations[0], dict) else {}
    physical = first.get("physicalLocation") or {}
    return physical if isinstance(physical, dict) else {}


def _finding(entry: _Previous) -> Finding:
    """Return a previous result as an absent finding."""
    result = entry.result
    rule_id = str(result.get("ruleId") or (result.get("rule") or {}).get("id") or "unknown")
    props = result.get("properties") or {}
    word = props.get("severity") if isinstance(props, dict) else None
    severities = {s.value: s for s in Severity}
    severity = severities.get(str(word)) or sev.lookup(
        sev.SARIF_LEVEL, result.get("level") or "warning"
    )
    prints = result.get("partialFingerprints") or {}
    locations = [
        loc
        for raw in (result.get("locations") or [])[:1000]
        if isinstance(raw, dict) and (loc := _location(raw, entry.run)) is not None
    ]
    return Finding(
        rule_id=rule_id,
        title=str((result.get("message") or {}).get("text") or rule_id),
        severity=severity,
        locations=locations,
        fingerprint=str(prints.get(FINGERPRINT_KEY) or prints.get(LINE_HASH_KEY) or ""),
        status=FindingStatus.FIXED,
        baseline_state="absent",
    )


def _location(raw: dict[str, Any], run: dict[str, Any]) -> Location | None:
    """Return a model location for a previous SARIF location (as sarifkit's writer shapes it)."""
    physical = raw.get("physicalLocation") or {}
    artifact = physical.get("artifactLocation") or {}
    uri = artifact.get("uri")
    props = raw.get("properties") or {}
    if not uri:
        return None
    if props.get("url"):
        return WebLocation(url=props["url"], method=props.get("method"), param=props.get("param"))
    base_id = artifact.get("uriBaseId")
    bases = run.get("originalUriBaseIds") or {}
    base = str((bases.get(base_id) or {}).get("uri") or "") if base_id else ""
    path = unquote(str(uri))
    if base.startswith("file:///"):
        path = "/" + path
    elif base.startswith(("http://", "https://")):
        return WebLocation(url=base + str(uri))
    if props.get("package"):
        return PackageLocation(
            name=str(props["package"]),
            version=props.get("version"),
            ecosystem=props.get("ecosystem"),
            purl=props.get("purl"),
            image=props.get("image"),
            operating_system=props.get("operatingSystem"),
            manifest=path,
        )
    region = physical.get("region") or {}
    return CodeLocation(
        path=path,
        start_line=region.get("startLine"),
        end_line=region.get("endLine") or region.get("startLine"),
        snippet=(region.get("snippet") or {}).get("text"),
    )
