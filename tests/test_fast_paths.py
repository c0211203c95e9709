"""The conversion's fast paths give what the plain ones would.

Large reports take shortcuts: the BOM is skipped as a report is read, a JSON report's raw bytes
are dropped once decoded, the Bandit parser shares identifiers and works out fingerprints while
it parses, and the SARIF writer serialises results in batches. Each test here holds a shortcut to
the result of the plain way.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from sarifkit.parsers import parse_source

from sarifkit.errors import InputError, ParseError
from sarifkit.fingerprint import assign_fingerprints
from sarifkit.model import Finding, Scan, ScanKind, Severity, Tool
from sarifkit.source import Source
from sarifkit.writers import sarif as sarif_writer

BOM = b"\xef\xbb\xbf"


def _bandit_result(number: int, test_id: str = "B101") -> dict[str, Any]:
    line = 10 + number % 7
    return {
        "code": f"{line - 1} x = 1\n{line} assert x == {number}\n{line + 1} y = 2\n",
        "col_offset": 4,
        "end_col_offset": 20,
        "filename": f"app/module_{number % 5}.py",
        "issue_confidence": "HIGH",
        "issue_cwe": {"id": 703, "link": "https://cwe.mitre.org/data/definitions/703.html"},
        "issue_severity": "LOW",
        "issue_text": "Use of assert detected.",
        "line_number": line,
        "line_range": [line],
        "more_info": f"https://bandit.readthedocs.io/en/1.9.4/plugins/{test_id.lower()}.html",
        "test_id": test_id,
        "test_name": "assert_used",
    }


def _bandit_report(results: list[dict[str, Any]]) -> bytes:
    doc = {"errors": [], "generated_at": "2024-05-01T10:00:00Z", "metrics": {}, "results": results}
    return json.dumps(doc).encode()


def _parse_bandit(results: list[dict[str, Any]]) -> Scan:
    (scan,) = parse_source(Source("report.json", _bandit_report(results)), "bandit")
    return scan


# -- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b'{"a": 1}', BOM + b'{"a": 1}', BOM + BOM + b'{"a": 1}', BOM, BOM + b"  \n"],
    ids=["plain", "bom", "two-boms", "bom-only", "bom-and-blanks"],
)
def test_reading_a_file_skips_one_bom_as_slicing_would(raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(raw)
    assert Source.read(path).data == Source("report.json", raw).data


def test_the_input_limit_counts_the_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = BOM + b'{"a": 1}'
    path = tmp_path / "report.json"
    path.write_bytes(raw)
    monkeypatch.setenv("SARIFKIT_MAX_INPUT_BYTES", str(len(raw)))
    assert Source.read(path).data == b'{"a": 1}'
    monkeypatch.setenv("SARIFKIT_MAX_INPUT_BYTES", str(len(raw) - 1))
    with pytest.raises(InputError, match="input limit"):
        Source.read(path)


def test_stdin_that_cannot_peek_still_loses_its_bom(monkeypatch: pytest.MonkeyPatch) -> None:
    class _Stdin:
        buffer = io.BytesIO(BOM + b'{"a": 1}')  # BytesIO has no peek()

    monkeypatch.setattr(sys, "stdin", _Stdin())
    assert Source.read("-").data == b'{"a": 1}'


def test_blank_files_are_still_empty(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(b" \n\t")
    with pytest.raises(InputError, match="is empty"):
        Source.read(path)


# -- releasing the raw bytes ---------------------------------------------------------------------


def test_release_bytes_keeps_the_head_once_decoded_as_json() -> None:
    raw = _bandit_report([_bandit_result(n) for n in range(300)])
    assert len(raw) > 65536
    source = Source("report.json", raw)
    source.release_bytes()
    assert source.data is raw  # nothing decoded yet: nothing dropped
    doc = source.json()
    first_char, binary = source.first_char, source.looks_binary
    source.release_bytes()
    assert source.data == raw[:65536]
    assert source.json() is doc
    assert (source.first_char, source.looks_binary) == (first_char, binary)
    with pytest.raises(RuntimeError, match="released"):
        source.text()


def test_release_bytes_keeps_small_reports_whole() -> None:
    raw = _bandit_report([_bandit_result(1)])
    source = Source("report.json", raw)
    source.json()
    source.release_bytes()
    assert source.text() == raw.decode()


# -- Bandit --------------------------------------------------------------------------------------


def _recomputed(scan: Scan) -> list[str]:
    for finding in scan.findings:
        finding.fingerprint = ""
    assign_fingerprints(scan)
    return [finding.fingerprint for finding in scan.findings]


def test_bandit_fingerprints_are_those_assign_fingerprints_gives() -> None:
    results = [_bandit_result(n) for n in range(40)]
    results.append(_bandit_result(3))  # a repeat: counted as a second occurrence
    results[5]["code"] = "no numbered line here"  # no snippet: the line number is hashed
    results[6]["line_range"] = ["12"]  # a start line validation converts: left to the registry
    scan = _parse_bandit(results)
    given = [finding.fingerprint for finding in scan.findings]
    assert len(set(given)) == len(given)
    assert given[-1].endswith(":2")
    assert given == _recomputed(scan)


def test_bandit_findings_share_identifiers() -> None:
    scan = _parse_bandit([_bandit_result(1), _bandit_result(2), _bandit_result(3, "B102")])
    first, second, other = scan.findings
    assert first.identifiers[0] is second.identifiers[0]
    assert first.identifiers[1] is second.identifiers[1]
    assert first.identifiers[0] is not other.identifiers[0]
    assert [i.model_dump() for i in first.identifiers] == [
        {"type": "bandit_test_id", "value": "B101", "url": _bandit_result(1)["more_info"]},
        {
            "type": "cwe",
            "value": "CWE-703",
            "url": "https://cwe.mitre.org/data/definitions/703.html",
        },
    ]


@pytest.mark.parametrize("link", [7, ["x"], {"a": 1}])
def test_bandit_still_refuses_a_link_that_is_not_text(link: object) -> None:
    result = _bandit_result(1)
    result["issue_cwe"]["link"] = link
    with pytest.raises(ParseError, match=r"identifiers\.1\.url"):
        _parse_bandit([result])


# -- SARIF writer --------------------------------------------------------------------------------


def test_results_written_in_batches_keep_every_finding_in_order() -> None:
    count = 2 * sarif_writer._BATCH_LOCATIONS + 7
    scan = Scan(
        tool=Tool(name="Example"),
        kind=ScanKind.SAST,
        source="reports/example.json",
        findings=[
            Finding(rule_id=f"R{n % 3}", title=f"Finding {n}", severity=Severity.LOW)
            for n in range(count)
        ],
    )
    assign_fingerprints(scan)
    out = io.BytesIO()
    sarif_writer.write_sarif([scan], out)
    results = json.loads(out.getvalue())["runs"][0]["results"]
    assert [r["message"]["text"] for r in results] == [f"Finding {n}" for n in range(count)]
