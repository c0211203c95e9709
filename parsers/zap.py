"""OWASP ZAP traditional reports: XML and JSON, with and without the "plus" request/response data.

Read: the traditional XML report (``<OWASPZAPReport>``, ZAP 2.7 to 2.16 and weekly builds),
including the reports add-on's ``traditional-xml-plus`` (request and response headers and bodies
per instance, ``systemic``, ``tags``) and the core report from before that add-on (no
``alertRef``, no ``confidencedesc``, empty instance fields left out); the traditional JSON
report (2.9 and later: ``site`` is a list, every number is a string) and ``traditional-json-plus``
(instance ``id``, ``nodeName``, ``request-header`` and the like, ``afPlanErrors``).

Mapping: one finding per ``alertitem`` per ``site``, whose instances become its web locations in
report order. ``riskcode`` gives the severity and ``confidence`` the confidence
(`severity.ZAP_RISK`, `severity.ZAP_CONFIDENCE`). The rule id is ``alertRef`` when present (it
tells apart the variants of one scan rule, as ``10055-4``) and ``pluginid`` otherwise; both are
kept as identifiers, with the CWE (``cweid`` -1 and 0 mean none) and the WASC id. ``desc``,
``solution``, ``otherinfo`` and ``reference`` hold HTML, which becomes plain text with paragraphs
as blank lines; the URLs in ``reference`` become the finding's references.

Confidence 0 is ZAP's "False Positive": ZAP only gives it to an alert a person marked so, or
one an alert filter re-rated as a false positive. Such a finding is kept but suppressed, with
that reason, so it stays in every output and counts nowhere.

The fingerprint of a finding hashes the tool, the rule and the site, not its instances: the
same alert on the same site is the same finding from one scan to the next, whatever pages ZAP
happened to crawl first.

Times: ``created`` (ISO 8601, reports add-on) when present; otherwise ``generated``, which ZAP
writes in the scanning machine's locale and time zone without naming the zone: it is used only
when it parses as English (``Fri, 2 Feb 2024 20:47:44``) and is then taken as UTC.

Large XML reports are read incrementally (`iterparse_xml`): each alert is turned into a finding
and dropped from the tree, so the whole document never sits in memory beside the findings.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

import lxml.html
from lxml import etree
from pydantic import TypeAdapter
from sarifkit.parsers.base import Parser, as_int, drain, parse_time

from sarifkit import severity
from sarifkit.fingerprint import digest
from sarifkit.model import (
    Confidence,
    Finding,
    FindingStatus,
    Fix,
    Identifier,
    Location,
    Notification,
    Rule,
    Scan,
    ScanKind,
    Suppression,
    Tool,
    WebLocation,
)
from sarifkit.safe_xml import iterparse_xml
from sarifkit.source import Source

logger = logging.getLogger(__name__)

_TOOL = "OWASP ZAP"
_INFO_URI = "https://www.zaproxy.org/"
_ALERT_DOCS = "https://www.zaproxy.org/docs/alerts/{}/"
_FALSE_POSITIVE = (
    "ZAP confidence 0 (False Positive): the alert was marked a false positive in ZAP "
    "or by an alert filter"
)
_SITE_ONLY = "ZAP lists no instance of this alert: it concerns the whole site"
_ROOT = "OWASPZAPReport"
_WEB_LOCATIONS = TypeAdapter(list[WebLocation])
_HTTP_PARTS = frozenset({"request_header", "request_body", "response_header", "response_body"})

#: Instance children (XML tags and JSON keys) -> `WebLocation` fields or request/response parts.
_INSTANCE_FIELDS = {
    "uri": "url",
    "method": "method",
    "param": "param",
    "attack": "attack",
    "evidence": "evidence",
    "otherinfo": "other_info",
    "requestheader": "request_header",
    "requestbody": "request_body",
    "responseheader": "response_header",
    "responsebody": "response_body",
    "request-header": "request_header",
    "request-body": "request_body",
    "response-header": "response_header",
    "response-body": "response_body",
}
# Alert keys mapped onto model fields; every other key is kept in the finding's properties.
_MAPPED = frozenset(
    {
        "pluginid",
        "alertRef",
        "alert",
        "name",
        "riskcode",
        "confidence",
        "desc",
        "solution",
        "reference",
        "cweid",
        "wascid",
        "instances",
        "otherinfo",
        "count",
        "systemic",
        "tags",
    }
)
# English day and month names, as ZAP writes `generated` under an English locale.
_GENERATED = re.compile(
    r"^(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{1,2}):(\d{2}):(\d{2})$"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILER = ".,;:!?)]}'\""
_BLOCKS = frozenset(
    {"p", "div", "ul", "ol", "pre", "table", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v]+")


class ZapParser(Parser):
    """Reads OWASP ZAP's traditional XML and JSON reports, plain or "plus"."""

    name = "zap"
    formats = "OWASP ZAP XML/JSON"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        if source.is_xml():
            # Only the root's name is looked at: a large report is parsed once, in parse().
            return _root_name(source.data) == _ROOT
        if not source.is_json():
            return False
        doc = source.json()
        return (
            isinstance(doc, dict)
            and "site" in doc
            and any(key in doc for key in ("@version", "@generated", "@programName"))
        )

    def parse(self, source: Source) -> list[Scan]:
        reader = _Reader(self, source)
        if source.is_xml():
            reader.read_xml()
        else:
            reader.read_json()
        return [reader.scan()]


class _Reader:
    """The state of reading one report: its sites, rules and findings so far."""

    def __init__(self, parser: ZapParser, source: Source) -> None:
        self.parser = parser
        self.source = source
        self.header: dict[str, str] = {}
        self.sites: list[dict[str, Any]] = []
        self.rules: dict[str, Rule] = {}
        self.findings: list[Finding] = []
        self.notifications: list[Notification] = []
        self.extra: dict[str, Any] = {}
        self.instances = 0
        # Alert texts repeat from site to site; each is converted from HTML once.
        self._html: dict[str, str | None] = {}

    # -- XML -------------------------------------------------------------------------------

    def read_xml(self) -> None:
        """Read the XML report alert by alert, dropping each from the tree once read."""
        site: dict[str, Any] | None = None
        seen_root = False
        for event, element in iterparse_xml(
            self.source.data, self.source.name, (_ROOT, "site", "alertitem")
        ):
            tag = element.tag
            if event == "start":
                if tag == _ROOT:
                    seen_root = element.getparent() is None
                    self.header = {str(k): str(v) for k, v in element.attrib.items()}
                elif tag == "site":
                    site = self._site({f"@{k}": v for k, v in element.attrib.items()})
                continue
            if tag == "alertitem":
                if site is None:
                    raise self.parser.error(self.source, "<alertitem> outside a <site>")
                self._add(_xml_alert(element), _xml_instances(element, site["name"]), site)
                element.clear()
            elif tag == "site":
                site = None
                element.clear()
        if not seen_root:
            raise self.parser.error(self.source, f"the root element is not <{_ROOT}>")

    # -- JSON ------------------------------------------------------------------------------

    def read_json(self) -> None:
        """Read the JSON report, dropping each raw alert once read."""
        doc = self.source.json()
        if not isinstance(doc, dict):
            raise self.parser.error(self.source, "the document is not a JSON object")
        sites = doc.get("site")
        if not isinstance(sites, list):
            raise self.parser.error(
                self.source, f"'site' is {type(sites).__name__}, not a list of sites"
            )
        self.header = {
            key.lstrip("@"): str(value)
            for key, value in doc.items()
            if key in ("@programName", "@version", "@generated", "created") and value is not None
        }
        for number, raw_site in enumerate(sites):
            if not isinstance(raw_site, dict):
                raise self.parser.error(self.source, f"site {number} is not an object")
            alerts = raw_site.get("alerts") or []
            if not isinstance(alerts, list):
                raise self.parser.error(self.source, f"site {number}: 'alerts' is not a list")
            site = self._site(raw_site)
            for raw in drain(alerts):
                if not isinstance(raw, dict):
                    raise self.parser.error(
                        self.source, f"site {number}: an alert is not an object"
                    )
                instances = raw.get("instances") or []
                if not isinstance(instances, list):
                    raise self.parser.error(
                        self.source, f"site {number}: 'instances' of an alert is not a list"
                    )
                if not all(isinstance(item, dict) for item in instances):
                    raise self.parser.error(
                        self.source, f"site {number}: an instance of an alert is not an object"
                    )
                name = site["name"]
                self._add(raw, [_json_instance(i, name) for i in drain(instances)], site)
        self._plan_messages(doc)
        statistics = doc.get("statistics")
        if statistics:
            self.extra["statistics"] = statistics

    def _plan_messages(self, doc: dict[str, Any]) -> None:
        """Turn the automation framework's plan errors and warnings into notifications."""
        for key, level in (("afPlanErrors", "error"), ("afPlanWarns", "warning")):
            for message in doc.get(key) or []:
                self.notifications.append(Notification(level=level, message=str(message)))

    # -- both ------------------------------------------------------------------------------

    def _site(self, attrib: dict[str, Any]) -> dict[str, Any]:
        """Record a site from its ``@name``, ``@host``, ``@port`` and ``@ssl`` and return it."""
        site = {
            "name": str(attrib.get("@name") or attrib.get("@host") or ""),
            "host": attrib.get("@host"),
            "port": as_int(attrib.get("@port")),
            "ssl": str(attrib.get("@ssl")).lower() == "true" if "@ssl" in attrib else None,
            "alerts": 0,
            "instances": 0,
        }
        self.sites.append(site)
        return site

    def _add(
        self, alert: dict[str, Any], instances: list[dict[str, str]], site: dict[str, Any]
    ) -> None:
        """Add the finding for one alert on one site, and its rule if it is new."""
        rule_id = _rule_id(alert)
        if rule_id is None:
            raise self.parser.error(self.source, "an alert has neither 'alertRef' nor 'pluginid'")
        cwe = _cwe(alert.get("cweid"))
        if rule_id not in self.rules:
            self.rules[rule_id] = self._rule(rule_id, alert, cwe)
        self.findings.append(self._finding(rule_id, alert, instances, site, cwe))
        site["alerts"] += 1
        site["instances"] += len(instances)
        self.instances += len(instances)

    def _finding(
        self,
        rule_id: str,
        alert: dict[str, Any],
        instances: list[dict[str, str]],
        site: dict[str, Any],
        cwe: int | None,
    ) -> Finding:
        name = site["name"]
        # One validation call for the whole list: a third faster than a WebLocation() each.
        locations: list[Location] = list(_WEB_LOCATIONS.validate_python(instances))
        if not locations and name:
            # Site-wide alerts (HTTP Only Site, say) list no instance; SARIF consumers such as
            # GitHub want a location on every result, and the site is where the alert applies.
            locations = [WebLocation(url=name, message=_SITE_ONLY)]
        solution = self.html(alert.get("solution"))
        confidence = severity.ZAP_CONFIDENCE.get(_text(alert.get("confidence")), Confidence.UNKNOWN)
        false_positive = confidence is Confidence.FALSE_POSITIVE
        finding = Finding(
            rule_id=rule_id,
            title=_title(alert, rule_id),
            description=self.html(alert.get("desc")),
            severity=severity.lookup(severity.ZAP_RISK, alert.get("riskcode")),
            confidence=confidence,
            identifiers=_identifiers(alert, rule_id, cwe),
            fix=Fix(remediation=solution) if solution else None,
            references=_urls(self.html(alert.get("reference"))),
            fingerprint=digest(("zap", rule_id, name)),
            status=FindingStatus.SUPPRESSED if false_positive else FindingStatus.OPEN,
            suppressions=[Suppression(justification=_FALSE_POSITIVE, source=_TOOL)]
            if false_positive
            else [],
            properties=self._properties(alert, site),
        )
        # Assigned after validation, as the locations are validated already: checking 500k
        # instances again inside Finding() would cost a tenth of the parse.
        finding.locations = locations
        return finding

    def _properties(self, alert: dict[str, Any], site: dict[str, Any]) -> dict[str, Any]:
        """Return the alert's fields that the model has no place for, with its site."""
        props: dict[str, Any] = {"site": site["name"]}
        if _text(alert.get("name")) not in ("", _title(alert, "")):
            props["name"] = alert["name"]
        other = self.html(alert.get("otherinfo"))
        if other:
            props["otherinfo"] = other
        count = as_int(alert.get("count"))
        if count is not None:
            props["count"] = count
        systemic = alert.get("systemic")
        if systemic is not None:
            props["systemic"] = systemic if isinstance(systemic, bool) else systemic == "true"
        tags = _tags(alert.get("tags"))
        if tags:
            props["tags"] = tags
        props.update(
            (key, value)
            for key, value in alert.items()
            if key not in _MAPPED and value not in (None, "", [], {})
        )
        return props

    def _rule(self, rule_id: str, alert: dict[str, Any], cwe: int | None) -> Rule:
        """Return the rule for `rule_id`, from the first alert that names it."""
        title = _title(alert, rule_id)
        description = self.html(alert.get("desc")) or title
        solution = self.html(alert.get("solution"))
        references = _urls(self.html(alert.get("reference")))
        help_text = description
        help_markdown = description
        if solution:
            help_text += f"\n\nSolution: {solution}"
            help_markdown += f"\n\n**Solution**\n\n{solution}"
        if references:
            help_text += "\n\nReferences:\n" + "\n".join(references)
            help_markdown += "\n\n**References**\n\n" + "\n".join(f"- <{u}>" for u in references)
        return Rule(
            id=rule_id,
            name=title,
            short_description=title,
            full_description=description,
            help_text=help_text,
            help_markdown=help_markdown,
            help_uri=_ALERT_DOCS.format(rule_id),
            tags=list(_tags(alert.get("tags"))),
            cwes=[cwe] if cwe else [],
        )

    def html(self, raw: object) -> str | None:
        """Return ZAP's HTML text `raw` as plain text, converting each distinct text once."""
        if raw is None:
            return None
        text = str(raw)
        if text not in self._html:
            self._html[text] = html_to_text(text)
        return self._html[text]

    def scan(self) -> Scan:
        """Return the scan read so far."""
        header = self.header
        when = parse_time(header.get("created")) or _generated_time(header.get("generated"))
        names = [site["name"] for site in self.sites if site["name"]]
        props: dict[str, Any] = {
            key: header[key] for key in ("programName", "generated", "created") if key in header
        }
        props["sites"] = self.sites
        props.update(self.extra)
        logger.debug(
            "%s: %d site(s), %d alert(s), %d instance(s)",
            self.source.name,
            len(self.sites),
            len(self.findings),
            self.instances,
        )
        return Scan(
            tool=Tool(name=_TOOL, version=header.get("version") or None, information_uri=_INFO_URI),
            kind=ScanKind.DAST,
            source=self.source.name,
            target=", ".join(dict.fromkeys(names)) or None,
            started_at=when,
            ended_at=when,
            notifications=self.notifications,
            metrics={
                "zap.sites": float(len(self.sites)),
                "zap.alerts": float(len(self.findings)),
                "zap.instances": float(self.instances),
            },
            rules=sorted(self.rules.values(), key=lambda rule: rule.id),
            findings=self.findings,
            properties=props,
        )


def _xml_alert(element: Any) -> dict[str, Any]:
    """Return an ``<alertitem>``'s scalar children as a dict, with ``tags`` as a list of dicts."""
    alert: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if tag == "instances" or not isinstance(tag, str):
            continue
        if tag == "tags":
            alert["tags"] = [{str(c.tag): c.text or "" for c in tag_el} for tag_el in child]
        else:
            alert[tag] = child.text or ""
    return alert


def _xml_instances(element: Any, site: str) -> list[dict[str, str]]:
    """Return the `WebLocation` fields of each ``<instance>`` of an ``<alertitem>``, in order."""
    fields = _INSTANCE_FIELDS
    found: list[dict[str, str]] = []
    append = found.append
    for instances in element.iterchildren("instances"):
        for instance in instances.iterchildren("instance"):
            values: dict[str, str] = {}
            for child in instance:
                key = fields.get(child.tag)
                if key is not None:
                    text = child.text
                    if text:
                        values[key] = text
            append(_finish(values, site))
    return found


def _json_instance(raw: dict[str, Any], site: str) -> dict[str, str]:
    """Return the `WebLocation` fields of one JSON instance."""
    fields = _INSTANCE_FIELDS
    values = {
        fields[key]: value if isinstance(value, str) else str(value)
        for key, value in raw.items()
        if key in fields and value not in (None, "")
    }
    return _finish(values, site)


def _finish(values: dict[str, str], site: str) -> dict[str, str]:
    """Complete an instance's fields in place: an instance without a URI stands for its site."""
    if "url" not in values:
        values["url"] = site
    # Methods and parameter names repeat across thousands of instances: keep one copy of each.
    method = values.get("method")
    if method is not None:
        values["method"] = sys.intern(method)
    param = values.get("param")
    if param is not None:
        values["param"] = sys.intern(param)
    if not _HTTP_PARTS.isdisjoint(values):
        values["request"] = _message(
            values.pop("request_header", ""), values.pop("request_body", "")
        )
        values["response"] = _message(
            values.pop("response_header", ""), values.pop("response_body", "")
        )
        for key in ("request", "response"):
            if not values[key]:
                del values[key]
    return values


def _message(header: str, body: str) -> str:
    """Return an HTTP message from its header block (which ends in a blank line) and body."""
    if not body:
        return header
    if header and not header.endswith("\n\n") and not header.endswith("\r\n\r\n"):
        header += "\n\n" if "\r\n" not in header else "\r\n\r\n"
    return header + body


def _text(value: object) -> str:
    """Return `value` as a stripped string ('' for None): ZAP's JSON numbers are strings."""
    return "" if value is None else str(value).strip()


def _rule_id(alert: dict[str, Any]) -> str | None:
    """Return ``alertRef`` when the report has it, else ``pluginid``, interned."""
    rule_id = _text(alert.get("alertRef")) or _text(alert.get("pluginid"))
    return sys.intern(rule_id) if rule_id else None


def _title(alert: dict[str, Any], rule_id: str) -> str:
    return _text(alert.get("alert")) or _text(alert.get("name")) or f"ZAP alert {rule_id}"


def _cwe(value: object) -> int | None:
    """Return the CWE number, or None for ZAP's -1 and 0 ("no CWE")."""
    number = as_int(_text(value))
    return number if number is not None and number > 0 else None


def _identifiers(alert: dict[str, Any], rule_id: str, cwe: int | None) -> list[Identifier]:
    """Return the alert's ids: alertRef, pluginid, CWE and WASC, those it has."""
    identifiers = []
    ref = _text(alert.get("alertRef"))
    if ref:
        identifiers.append(Identifier(type="zap_alert_ref", value=ref, url=_ALERT_DOCS.format(ref)))
    plugin = _text(alert.get("pluginid"))
    if plugin:
        url = _ALERT_DOCS.format(plugin) if plugin == rule_id else None
        identifiers.append(Identifier(type="zap_plugin_id", value=plugin, url=url))
    if cwe:
        identifiers.append(Identifier.cwe(cwe))
    wasc = as_int(_text(alert.get("wascid")))
    if wasc is not None and wasc > 0:
        identifiers.append(Identifier(type="wasc", value=f"WASC-{wasc}"))
    return identifiers


def _tags(raw: object) -> dict[str, str]:
    """Return the plus reports' alert tags as {tag: link}, in report order."""
    if not isinstance(raw, list):
        return {}
    tags: dict[str, str] = {}
    for item in raw:
        if isinstance(item, dict) and _text(item.get("tag")):
            tags[_text(item.get("tag"))] = _text(item.get("link"))
    return tags


def _urls(text: str | None) -> list[str]:
    """Return the http(s) URLs in `text`, in order, without repeats or trailing punctuation."""
    if not text:
        return []
    found = (match.rstrip(_URL_TRAILER) for match in _URL.findall(text))
    return list(dict.fromkeys(url for url in found if url))


def html_to_text(html: str) -> str | None:
    """Return ZAP's HTML fragment `html` as plain text: paragraphs become blank lines.

    Links keep their target (``text (url)``), list items become ``- `` lines, and the text of
    every element is kept. Returns None when nothing but whitespace is left.
    """
    if not html.strip():
        return None
    if "<" not in html and "&" not in html:
        return _tidy(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(html)
    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag == "br":
                parts.append("\n")
            elif tag == "li":
                parts.append("\n- ")
            elif tag in _BLOCKS:
                parts.append("\n\n")
            if element.text and tag not in ("script", "style"):
                parts.append(element.text)
            continue
        href = element.get("href") if tag == "a" else None
        if href and href not in element.text_content():
            parts.append(f" ({href})")
        if tag in _BLOCKS:
            parts.append("\n\n")
        if element.tail and element is not root:
            parts.append(element.tail)
    return _tidy("".join(parts))


def _tidy(text: str) -> str | None:
    """Return `text` with spaces folded, lines stripped and paragraphs split by one blank line."""
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        lines = (_SPACES.sub(" ", line).strip() for line in paragraph.split("\n"))
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs) or None


def _generated_time(value: str | None) -> datetime | None:
    """Return ZAP's ``generated`` text as a UTC time when it is in English, else None."""
    match = _GENERATED.match(value.strip()) if value else None
    if match is None:
        return None
    day, month_name, year, hour, minute, second = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    try:
        return datetime(int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError:
        return None


def _root_name(data: bytes) -> str | None:
    """Return the name of the document's first element, skipping the prolog, without parsing."""
    head = data[:65536]
    pos = 0
    while True:
        pos = head.find(b"<", pos)
        if pos < 0:
            return None
        if head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos + 4)
            if end < 0:
                return None
            pos = end + 3
        elif head.startswith(b"<!DOCTYPE", pos):
            # Skip to the end of the DOCTYPE, past an internal subset in brackets if it has one.
            close = head.find(b"]>", pos) if b"[" in head[pos : head.find(b">", pos)] else -1
            pos = close + 2 if close >= 0 else head.find(b">", pos) + 1
            if pos <= 0:
                return None
        elif head[pos + 1 : pos + 2] in (b"?", b"!"):
            pos = head.find(b">", pos) + 1
            if pos <= 0:
                return None
        else:
            match = re.match(rb"<([A-Za-z_][\w.:-]*)", head[pos : pos + 256])
            return match.group(1).decode("ascii", "replace") if match else None
