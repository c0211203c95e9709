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
from sarifkit.model import (
    Confidence,
    Finding,
    Notification,
    Rule,
    Scan,
    ScanKind,
    Tool,
)
from sarifkit.source import Source

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
    """Reads Bandit's JSON report."""

    name = "bandit"
    formats = "Bandit JSON"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
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
        doc = source.json()
        if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
            raise self.error(source, "no 'results' list")
        rules: dict[str, Rule] = {}
        version = _version(doc["results"])
        findings = [self._finding(raw, rules) for raw in drain(doc["results"])]
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
            tool=Tool(name="Bandit", version=version, vendor="PyCQA", information_uri=_INFO_URI),
            kind=ScanKind.SAST,
            source=source.name,
            started_at=generated,
            ended_at=generated,
            successful=True,
            notifications=notifications,
            metrics=_metrics(doc.get("metrics")),
            rules=sorted(rules.values(), key=lambda r: r.id),
            findings=findings,
            properties={"metrics": doc.get("metrics") or {}},
        )
        return [scan]

    def _finding(self, raw: dict[str, Any], rules: dict[str, Rule]) -> Finding:
        test_id = sys.intern(str(raw["test_id"]))
        cwe = raw.get("issue_cwe") or {}
        cwe_id = as_int(cwe.get("id")) if isinstance(cwe, dict) else None
        more_info = raw.get("more_info")
        if test_id not in rules:
            rules[test_id] = _rule(raw, cwe_id)
        line = as_int(raw.get("line_number"))
        line_range = raw.get("line_range") or ([line] if line else [])
        col = as_int(raw.get("col_offset"))
        end_col = as_int(raw.get("end_col_offset"))
        start_line = line_range[0] if line_range else line
        end_line = line_range[-1] if line_range else line
        identifiers: list[dict[str, Any]] = [
            {"type": "bandit_test_id", "value": test_id, "url": more_info}
        ]
        if cwe_id:
            identifiers.append({"type": "cwe", "value": f"CWE-{cwe_id}", "url": cwe.get("link")})
        # One validation of nested dicts is about half the cost of building each model in turn,
        # which matters at 500k findings.
        return Finding.model_validate(
            {
                "rule_id": test_id,
                "title": str(raw.get("issue_text") or test_id),
                "severity": severity.lookup(severity.BANDIT, raw.get("issue_severity")),
                "confidence": severity.BANDIT_CONFIDENCE.get(
                    str(raw.get("issue_confidence")).upper(), Confidence.UNKNOWN
                ),
                "locations": [
                    {
                        "kind": "code",
                        "path": sys.intern(str(raw["filename"])),
                        "start_line": start_line,
                        "end_line": end_line,
                        "start_column": col + 1 if col is not None else None,
                        # Bandit's end offset belongs to the range's last line: exact on one line.
                        "end_column": (
                            end_col + 1 if end_col is not None and end_line == start_line else None
                        ),
                        "snippet": _flagged_line(raw.get("code"), line),
                    }
                ],
                "identifiers": identifiers,
                "references": [more_info] if more_info else [],
                "properties": _remaining(raw),
            }
        )


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
    kept = {key: value for key, value in raw.items() if key not in _MAPPED}
    for key in ("test_name", "code", "line_range"):
        if key in raw:
            kept[key] = raw[key]
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
