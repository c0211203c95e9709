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

The previous log is read through a checked reader (`_Reader`): a field of the wrong JSON type
(``"message": "hi"``, ``"startLine": "abc"``, ``"results": {}``) raises `InputError` naming the
file and the field, so the CLI prints one line and exits 2, as for any bad input.
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
from sarifkit.writers.sarif import MAX_LOCATIONS

logger = logging.getLogger(__name__)

FINGERPRINT_KEY = "sarifkit/v1"
LINE_HASH_KEY = "primaryLocationLineHash"
_AT_FINGERPRINT = f".partialFingerprints.{FINGERPRINT_KEY}"
_AT_LINE_HASH = f".partialFingerprints.{LINE_HASH_KEY}"


class _Run:
    """What matching and `absent` findings need of one previous run: its tool, kind and bases."""

    __slots__ = ("bases", "kind", "tool", "version")

    def __init__(
        self, tool: str, version: str | None, kind: ScanKind, bases: dict[str, str]
    ) -> None:
        self.tool = tool
        self.version = version
        self.kind = kind
        self.bases = bases


class _Place:
    """One location of a previous result, its fields checked."""

    __slots__ = ("base_id", "end_line", "props", "snippet", "start_line", "uri")

    def __init__(
        self,
        uri: str | None,
        base_id: str | None,
        start_line: int | None,
        end_line: int | None,
        snippet: str | None,
        props: dict[str, str],
    ) -> None:
        self.uri = uri
        self.base_id = base_id
        self.start_line = start_line
        self.end_line = end_line
        self.snippet = snippet
        self.props = props


class _Previous:
    """One result of the previous log, with what matching and `absent` findings need."""

    __slots__ = (
        "fingerprint",
        "level",
        "line_hash",
        "matched",
        "message",
        "places",
        "rule_id",
        "run",
        "severity",
    )

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.rule_id = ""
        self.message: str | None = None
        self.level: str | None = None
        self.severity: str | None = None
        self.fingerprint: str | None = None
        self.line_hash: str | None = None
        self.places: list[_Place] = []
        self.matched = False


def apply_baseline(scans: list[Scan], previous: str | Path) -> list[Finding]:
    """Set ``baseline_state`` on every finding of `scans` against the SARIF log `previous`.

    Returns the previous results that are gone, which are also added to `scans` (see the
    module docstring). Raises `InputError` when `previous` is not a readable SARIF log.
    """
    name, entries = _read_baseline(previous)
    index: dict[str, list[_Previous]] = {}
    for entry in entries:
        for key in _previous_keys(entry):
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
    absent = _absent(scans, entries, name)
    logger.debug(
        "baseline %s: %d new, %d unchanged, %d updated, %d absent",
        name,
        counts["new"],
        counts["unchanged"],
        counts["updated"],
        len(absent),
    )
    return absent


def _read_baseline(path: str | Path) -> tuple[str, list[_Previous]]:
    """Return the name of the SARIF log at `path` and its results that are not ``absent``.

    Every field the comparison reads is checked against the type SARIF 2.1.0 gives it; a log
    that breaks one raises `InputError` naming the file and the field (``runs[0].results[3]
    .message is a string, not an object``). Property bags are free-form in SARIF, so a property of another
    type than sarifkit writes there is ignored rather than refused.
    """
    source = Source.read(path)
    doc = source.json()
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not isinstance(runs, list):
        raise InputError(f"{source.name}: not a SARIF log (no 'runs' list) to use as a baseline")
    reader = _Reader(source.name)
    entries: list[_Previous] = []
    for number, raw_run in enumerate(runs):
        where = f"runs[{number}]"
        run_doc = reader.obj(raw_run, where)
        run = reader.run(run_doc, where)
        results = reader.array(run_doc.get("results"), f"{where}.results")
        for position, raw in enumerate(results):
            entry = reader.result(raw, run, f"{where}.results[{position}]")
            if entry is not None:
                entries.append(entry)
    source.release()
    return source.name, entries


_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", int: "an integer"}
_JSON_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}
#: Location properties sarifkit's SARIF writer sets, read back for absent findings: SARIF name
#: -> model field name.
_PLACE_PROPS = {
    **{key: key for key in ("url", "method", "param", "package", "version", "ecosystem")},
    **{key: key for key in ("purl", "image")},
    "operatingSystem": "operating_system",
}


class _Reader:
    """Reads the parts of a SARIF log the baseline needs, checking each field's type.

    Each check takes the place of its value as `where` plus `field`, joined only for an error:
    a large baseline has millions of fields and almost never a bad one.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, value: object, wanted: type) -> InputError:
        """Return the error for `where` holding `value` instead of a `wanted` value."""
        got = _JSON_NAMES.get(type(value), type(value).__name__)
        return InputError(
            f"{self.name}: not a SARIF 2.1.0 baseline: {where} is {got}, not {_TYPE_NAMES[wanted]}"
        )

    def obj(self, value: object, where: str, field: str = "") -> dict[str, Any]:
        """Return `value` as an object; None (absent) is an empty one."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where + field, value, dict)
        return value

    def array(self, value: object, where: str, field: str = "") -> list[Any]:
        """Return `value` as an array; None (absent) is an empty one."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where + field, value, list)
        return value

    def text(self, value: object, where: str, field: str = "") -> str | None:
        """Return `value` as a string, or None when absent or empty."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(where + field, value, str)
        return value or None

    def line(self, value: object, where: str, field: str = "") -> int | None:
        """Return `value` as a line number; SARIF's are integers from 1 (others read as none)."""
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where + field, value, int)
        return value if value > 0 else None

    def run(self, run: dict[str, Any], where: str) -> _Run:
        """Return the tool, kind and uri bases of one run."""
        driver = self.obj(
            self.obj(run.get("tool"), where, ".tool").get("driver"), where, ".tool.driver"
        )
        props = self.obj(run.get("properties"), where, ".properties")
        kinds = {k.value: k for k in ScanKind}
        kind = kinds.get(str(props.get("kind")), ScanKind.SAST)
        bases: dict[str, str] = {}
        raw_bases = self.obj(run.get("originalUriBaseIds"), where, ".originalUriBaseIds")
        for base_id, raw in raw_bases.items():
            at = f"{where}.originalUriBaseIds.{base_id}"
            uri = self.text(self.obj(raw, at).get("uri"), at, ".uri")
            bases[str(base_id)] = uri or ""
        return _Run(
            tool=self.text(driver.get("name"), where, ".tool.driver.name") or "unknown",
            version=self.text(driver.get("version"), where, ".tool.driver.version"),
            kind=kind,
            bases=bases,
        )

    def result(self, raw: object, run: _Run, where: str) -> _Previous | None:
        """Return one result's checked fields, or None for a result that is already absent."""
        result = self.obj(raw, where)
        if self.text(result.get("baselineState"), where, ".baselineState") == "absent":
            return None
        entry = _Previous(run)
        rule = self.obj(result.get("rule"), where, ".rule")
        entry.rule_id = (
            self.text(result.get("ruleId"), where, ".ruleId")
            or self.text(rule.get("id"), where, ".rule.id")
            or ""
        )
        message = self.obj(result.get("message"), where, ".message")
        entry.message = self.text(message.get("text"), where, ".message.text")
        entry.level = self.text(result.get("level"), where, ".level")
        props = self.obj(result.get("properties"), where, ".properties")
        entry.severity = _scalar(props.get("severity"))
        prints = self.obj(result.get("partialFingerprints"), where, ".partialFingerprints")
        entry.fingerprint = self.text(prints.get(FINGERPRINT_KEY), where, _AT_FINGERPRINT)
        entry.line_hash = self.text(prints.get(LINE_HASH_KEY), where, _AT_LINE_HASH)
        locations = self.array(result.get("locations"), where, ".locations")
        # An absent finding keeps as many locations as the SARIF writer would write again.
        entry.places = [
            self.place(raw_location, f"{where}.locations[{number}]")
            for number, raw_location in enumerate(locations[:MAX_LOCATIONS])
        ]
        return entry

    def place(self, raw: object, where: str) -> _Place:
        """Return one location's checked fields."""
        location = self.obj(raw, where)
        physical = self.obj(location.get("physicalLocation"), where, ".physicalLocation")
        at = f"{where}.physicalLocation"
        artifact = self.obj(physical.get("artifactLocation"), at, ".artifactLocation")
        region = self.obj(physical.get("region"), at, ".region")
        snippet = self.obj(region.get("snippet"), at, ".region.snippet")
        props = self.obj(location.get("properties"), where, ".properties")
        kept: dict[str, str] = {}
        for key, value in props.items():
            name = _PLACE_PROPS.get(key)
            text = _scalar(value) if name else None
            if name and text:
                kept[name] = text
        return _Place(
            uri=self.text(artifact.get("uri"), at, ".artifactLocation.uri"),
            base_id=self.text(artifact.get("uriBaseId"), at, ".artifactLocation.uriBaseId"),
            start_line=self.line(region.get("startLine"), at, ".region.startLine"),
            end_line=self.line(region.get("endLine"), at, ".region.endLine"),
            snippet=self.text(snippet.get("text"), at, ".region.snippet.text"),
            props=kept,
        )


def _scalar(value: object) -> str | None:
    """Return a property-bag value as text when it is a string or a number, else None."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


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


def _previous_keys(entry: _Previous) -> Iterator[str]:
    """Yield the matching keys of a previous result, strongest first."""
    if entry.fingerprint:
        yield f"v1:{entry.fingerprint}"
    if entry.line_hash:
        yield f"plh:{entry.line_hash}"
    first = entry.places[0] if entry.places else None
    if first is not None and first.uri:
        key = _snippet_key(entry.rule_id, first.uri, first.snippet)
        if key:
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
    if previous.severity is not None:
        if previous.severity != finding.severity.value:
            return True
    elif previous.level and previous.level != sev.SARIF_LEVELS[finding.severity]:
        return True
    # The writer clips messages, so compare only as much as it kept.
    return bool(previous.message) and not _same_text(str(previous.message), finding.title)


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


def _home(scans: list[Scan], run: _Run, name: str) -> Scan:
    """Return the scan of the previous run's tool and kind, creating one if there is none."""
    same_tool = [s for s in scans if s.tool.name.lower() == run.tool.lower()]
    for scan in same_tool:
        if scan.kind is run.kind:
            return scan
    if same_tool:
        return same_tool[0]
    scan = Scan(tool=Tool(name=run.tool, version=run.version), kind=run.kind, source=name)
    scans.append(scan)
    return scan


def _finding(entry: _Previous) -> Finding:
    """Return a previous result as an absent finding."""
    rule_id = entry.rule_id or "unknown"
    severities = {s.value: s for s in Severity}
    severity = severities.get(str(entry.severity)) or sev.lookup(
        sev.SARIF_LEVEL, entry.level or "warning"
    )
    locations = [loc for place in entry.places if (loc := _location(place, entry.run)) is not None]
    return Finding(
        rule_id=rule_id,
        title=entry.message or rule_id,
        severity=severity,
        locations=locations,
        fingerprint=entry.fingerprint or entry.line_hash or "",
        status=FindingStatus.FIXED,
        baseline_state="absent",
    )


def _location(place: _Place, run: _Run) -> Location | None:
    """Return a model location for a previous SARIF location (as sarifkit's writer shapes it)."""
    uri = place.uri
    props = place.props
    if not uri:
        return None
    if props.get("url"):
        return WebLocation(url=props["url"], method=props.get("method"), param=props.get("param"))
    base = run.bases.get(place.base_id, "") if place.base_id else ""
    path = unquote(uri)
    if base.startswith("file:///"):
        path = "/" + path
    elif base.startswith(("http://", "https://")):
        return WebLocation(url=base + uri)
    if props.get("package"):
        return PackageLocation(
            name=props["package"],
            version=props.get("version"),
            ecosystem=props.get("ecosystem"),
            purl=props.get("purl"),
            image=props.get("image"),
            operating_system=props.get("operating_system"),
            manifest=path,
        )
    return CodeLocation(
        path=path,
        start_line=place.start_line,
        end_line=place.end_line or place.start_line,
        snippet=place.snippet,
    )
