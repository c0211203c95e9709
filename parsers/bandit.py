"""Bandit JSON reports (``bandit -f json``), versions 1.6 to 1.9.

Fields by version: 1.6 has no ``issue_cwe`` and no columns; 1.7.4 adds ``issue_cwe`` and
``col_offset``; 1.9 adds ``end_col_offset``. ``errors[]`` lists files Bandit could not parse and
becomes tool notifications; ``metrics`` per file and ``_totals`` are kept on the scan.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from sarifkit.parsers.base import Parser, as_int, drain, parse_time

from sarifkit import severity
from sarifkit.fingerprint import base_fingerprint, code_key
from sarifkit.model import (
    Confidence,
    Finding,
    Identifier,
    Notification,
    Rule,
    Scan,
    ScanKind,
    Tool,
)
from sarifkit.source import Source

_TOOL = "Bandit"
#: The tool name as fingerprints hash it (`assign_fingerprints` lower-cases the scan's).
_TOOL_KEY = _TOOL.lower()
_INFO_URI = "https://bandit.readthedocs.io/"
# Bandit's JSON has no version field, but its documentation links are versioned: /en/1.9.4/.
_VERSION_IN_URL = re.compile(r"/en/(\d+\.\d+(?:\.\d+)?)/")
# Keys mapped onto model fields; every other key of a result is kept in `properties`.
_MAPPED = frozenset(
    {
        "test_id",
        "test_name",
        "issue_text",
        "issue_severity",
        "issue_confidence",
        "issue_cwe",
        "filename",
        "line_number",
        "line_range",
        "col_offset",
        "end_col_offset",
        "code",
        "more_info",
    }
)


class BanditParser(Parser):
    """Reads Bandit's JSON report, and its xunit-style XML report."""

    name = "bandit"
    formats = "Bandit JSON or XML"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        """Return whether `source` is Bandit JSON (results, metrics, errors) or Bandit XML."""
        if source.is_xml():
            return _XML_ROOT.match(source.data[:4096].lstrip()) is not None
        if not source.is_json():
            return False
        doc = source.json()
        return (
            isinstance(doc, dict)
            and isinstance(doc.get("results"), list)
            and "metrics" in doc
            and "errors" in doc
        )

    def parse(self, source: Source) -> list[Scan]:
        """Return the one SAST scan of a Bandit report."""
        if source.is_xml():
            return [self._scan(source, _xml_results(self, source), {})]
        return [self._scan(source, *self._json_results(source))]

    def _json_results(self, source: Source) -> tuple[list[Any], dict[str, Any]]:
        """Return the raw results of a JSON report and the rest of the document."""
        doc = source.json()
        if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
            raise self.error(source, "no 'results' list")
        return doc["results"], doc

    def _scan(self, source: Source, results: list[Any], doc: dict[str, Any]) -> Scan:
        """Return the scan of `results`; `doc` holds the JSON report's errors and metrics."""
        rules: dict[str, Rule] = {}
        self._identifiers: dict[tuple[str, str, str | None], Identifier] = {}
        version = _version(results)
        findings = [self._finding(raw, rules) for raw in drain(results)]
        notifications = [
            Notification(
                level="error",
                message=str(err.get("reason") or "error"),
                path=err.get("filename"),
            )
            for err in doc.get("errors") or []
            if isinstance(err, dict)
        ]
        generated = parse_time(doc.get("generated_at"))
        scan = Scan(
            tool=Tool(name=_TOOL, version=version, vendor="PyCQA", information_uri=_INFO_URI),
            kind=ScanKind.SAST,
            source=source.name,
            started_at=generated,
            ended_at=generated,
            successful=True,
            notifications=notifications,
            metrics=_metrics(doc.get("metrics")),
            rules=sorted(rules.values(), key=lambda r: r.id),
            findings=findings,
            properties={"metrics": doc["metrics"]} if doc.get("metrics") else {},
        )
        return scan

    def _finding(self, raw: dict[str, Any], rules: dict[str, Rule]) -> Finding:
        test_id = sys.intern(str(raw["test_id"]))
        cwe = raw.get("issue_cwe") or {}
        cwe_id = as_int(cwe.get("id")) if isinstance(cwe, dict) else None
        more_info = raw.get("more_info")
        if isinstance(more_info, str):
            # One copy of each link, not one per finding: the references keep it.
            more_info = sys.intern(more_info)
        if test_id not in rules:
            rules[test_id] = _rule(raw, cwe_id)
        line = as_int(raw.get("line_number"))
        line_range = raw.get("line_range") or ([line] if line else [])
        col = as_int(raw.get("col_offset"))
        end_col = as_int(raw.get("end_col_offset"))
        start_line = line_range[0] if line_range else line
        end_line = line_range[-1] if line_range else line
        path = sys.intern(str(raw["filename"]))
        snippet = _flagged_line(raw.get("code"), line)
        identifiers = [self._identifier("bandit_test_id", test_id, more_info)]
        if cwe_id:
            identifiers.append(self._identifier("cwe", f"CWE-{cwe_id}", cwe.get("link")))
        # One validation of nested dicts is about half the cost of building each model in turn,
        # which matters at 500k findings.
        return Finding.model_validate(
            {
                "rule_id": test_id,
                # Bandit's texts repeat from finding to finding: keep one copy of each.
                "title": sys.intern(str(raw.get("issue_text") or test_id)),
                "severity": severity.lookup(severity.BANDIT, raw.get("issue_severity")),
                "confidence": severity.BANDIT_CONFIDENCE.get(
                    str(raw.get("issue_confidence")).upper(), Confidence.UNKNOWN
                ),
                "locations": [
                    {
                        "kind": "code",
                        "path": path,
                        "start_line": start_line,
                        "end_line": end_line,
                        "start_column": col + 1 if col is not None else None,
                        # Bandit's end offset belongs to the range's last line: exact on one line.
                        "end_column": (
                            end_col + 1 if end_col is not None and end_line == start_line else None
                        ),
                        "snippet": snippet,
                    }
                ],
                "identifiers": identifiers,
                "references": [more_info] if more_info else [],
                "fingerprint": _fingerprint(test_id, path, start_line, snippet),
                "properties": _remaining(raw),
            }
        )

    def _identifier(self, kind: str, value: str, url: object) -> Identifier | dict[str, Any]:
        """Return the identifier `kind`/`value`/`url`, one shared object per distinct triple.

        Every finding of a Bandit test has the same identifiers; sharing them saves their
        validation and about 1 KB a finding. A `url` that is not a string (hostile input) is
        returned as a dict, for the finding's validation to refuse as before.
        """
        if url is not None and not isinstance(url, str):
            return {"type": kind, "value": value, "url": url}
        key = (kind, value, url)
        identifier = self._identifiers.get(key)
        if identifier is None:
            identifier = self._identifiers[key] = Identifier(type=kind, value=value, url=url)
        return identifier


# Bandit's XML formatter writes `<testsuite name="bandit" ...>` as the root element.
_XML_ROOT = re.compile(rb'(?:<\?xml[^>]*\?>\s*)?<testsuite\b[^>]*\bname="bandit"')
# The text of each <error>: "Test ID: B602 Severity: HIGH Confidence: HIGH", an optional
# "CWE: CWE-78 (link)" line, the issue text, then "Location file:line".
_XML_HEADER = re.compile(r"Test ID: (\S+) Severity: (\S+) Confidence: (\S+)")
_XML_CWE = re.compile(r"^CWE: CWE-(\d+) \((\S+)\)$", re.MULTILINE)
_XML_LOCATION = re.compile(r"^Location (.+):(\d+)\s*$", re.MULTILINE)


def _xml_results(parser: BanditParser, source: Source) -> list[dict[str, Any]]:
    """Return the XML report's test cases as the JSON report's result dicts.

    The XML carries no columns, code context, metrics or parse errors: those stay empty.
    """
    root = source.xml()
    results = []
    for number, case in enumerate(root.iter("testcase")):
        error = case.find("error")
        text = error.text if error is not None and error.text else ""
        header = _XML_HEADER.search(text)
        where = _XML_LOCATION.search(text)
        if error is None or header is None or where is None:
            raise parser.error(source, f"testcase {number} has no Bandit issue text")
        cwe = _XML_CWE.search(text)
        results.append(
            {
                "test_id": header.group(1),
                "test_name": case.get("name"),
                "issue_severity": header.group(2),
                "issue_confidence": header.group(3),
                "issue_cwe": {"id": int(cwe.group(1)), "link": cwe.group(2)} if cwe else None,
                "issue_text": error.get("message"),
                "filename": where.group(1),
                "line_number": int(where.group(2)),
                "more_info": error.get("more_info"),
            }
        )
    return results


def _version(results: list[Any]) -> str | None:
    """Return the Bandit version named in the first versioned ``more_info`` link, if any."""
    for raw in results[:50]:
        match = (
            _VERSION_IN_URL.search(str(raw.get("more_info") or ""))
            if isinstance(raw, dict)
            else None
        )
        if match:
            return match.group(1)
    return None


def _rule(raw: dict[str, Any], cwe_id: int | None) -> Rule:
    """Return the rule for a Bandit test, from the first result that names it."""
    test_id = str(raw["test_id"])
    test_name = str(raw.get("test_name") or test_id)
    tags = ["security"]
    if cwe_id:
        tags.append(f"external/cwe/cwe-{cwe_id}")
    return Rule(
        id=test_id,
        name=test_name,
        short_description=f"Bandit {test_id}: {test_name.replace('_', ' ')}",
        full_description=str(raw.get("issue_text") or test_name),
        help_uri=raw.get("more_info") or None,
        tags=tags,
        cwes=[cwe_id] if cwe_id else [],
    )


def _fingerprint(test_id: str, path: str, start_line: object, snippet: str | None) -> str:
    """Return the fingerprint `assign_fingerprints` would give the finding, or "" to leave it so.

    Worked out here, while the values are at hand, rather than in a second walk over every
    finding. A start line that validation would still convert (not an int) is left to it.
    """
    if start_line is not None and type(start_line) is not int:
        return ""
    return base_fingerprint(_TOOL_KEY, test_id, code_key(path, start_line, snippet, None))


def _flagged_line(code: object, line: int | None) -> str | None:
    """Return the text of the flagged line from Bandit's numbered ``code`` context."""
    if not isinstance(code, str) or line is None:
        return None
    prefix = f"{line} "
    for text in code.splitlines():
        if text.startswith(prefix):
            return text[len(prefix) :]
    return None


def _remaining(raw: dict[str, Any]) -> dict[str, Any]:
    """Return the result's fields that the model has no place for, plus the context code."""
    # Bandit writes no other keys: the subset test (in C) saves walking every key per finding.
    if raw.keys() <= _MAPPED:
        kept: dict[str, Any] = {}
    else:
        kept = {key: value for key, value in raw.items() if key not in _MAPPED}
    for key in ("test_name", "code", "line_range"):
        if key in raw:
            kept[key] = raw[key]
    if isinstance(kept.get("test_name"), str):
        kept["test_name"] = sys.intern(kept["test_name"])  # one copy per test, not per finding
    return kept


def _metrics(metrics: object) -> dict[str, float]:
    """Return Bandit's ``_totals`` as scan metrics (lines of code, nosec, counts by severity)."""
    if not isinstance(metrics, dict) or not isinstance(metrics.get("_totals"), dict):
        return {}
    totals = metrics["_totals"]
    return {
        f"bandit.{key.lower()}": float(value)
        for key, value in sorted(totals.items())
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
