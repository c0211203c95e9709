"""Cobertura XML coverage reports (``coverage-04.dtd``): coverage.py 7, Cobertura, gcovr, Istanbul.

coverage.py writes it with ``coverage xml`` (and pytest-cov with ``--cov-report=xml``), with no
DOCTYPE; Cobertura, gcovr and Istanbul add a DOCTYPE naming the external DTD, which
`sarifkit.safe_xml` allows but never loads. A coverage report holds no findings: it becomes one `ScanKind.COVERAGE` scan whose metrics are
the overall figures, all floats:

| metric             | meaning                                                    |
|--------------------|------------------------------------------------------------|
| `coverage`         | line coverage in percent, 0-100 (``line-rate`` * 100)      |
| `line_rate`        | ``line-rate``, 0-1                                          |
| `branch_rate`      | ``branch-rate``, 0-1                                        |
| `lines_valid`      | lines that could run (``lines-valid``)                     |
| `lines_covered`    | lines that ran (``lines-covered``)                          |
| `branches_valid`   | branch outcomes that could be taken (``branches-valid``)   |
| `branches_covered` | branch outcomes taken (``branches-covered``)               |

Cobertura 1.9 wrote no ``lines-valid``/``branches-valid`` totals; they are then counted from the
``<line>`` elements. Per-file figures (``line_rate``, ``branch_rate``, ``lines_valid``,
``lines_covered``, ``branches_valid``, ``branches_covered``), summed over the ``<class>``
elements of each file, go to ``scan.properties["files"]``.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

from sarifkit.parsers.base import Parser, as_str

from sarifkit.model import Scan, ScanKind, Tool
from sarifkit.source import Source

logger = logging.getLogger(__name__)

_COVERAGE_PY_URI = "https://coverage.readthedocs.io/"
_COBERTURA_URI = "https://cobertura.github.io/cobertura/"
_GCOVR_URI = "https://gcovr.com/"
# Timestamps above this are milliseconds (coverage.py, Cobertura); below, seconds (gcovr).
_MILLISECONDS_FROM = 10**11


class CoberturaParser(Parser):
    """Reads a Cobertura XML coverage report into one coverage scan with metrics."""

    name = "cobertura"
    formats = "Cobertura XML"

    @classmethod
    def recognizes(cls, source: Source) -> bool:
        if not source.is_xml():
            return False
        # Judged on the bytes, so that hostile XML is refused by the parse, with its own message.
        head = source.data[:4096]
        start = head.find(b"<coverage")
        return start >= 0 and b"line-rate" in head[start:]

    def parse(self, source: Source) -> list[Scan]:
        root = source.xml()
        if root.tag != "coverage":
            raise self.error(source, f"the root element is <{root.tag}>, not <coverage>")
        files = _files(root)
        metrics = self._metrics(source, root, files)
        stamp = _timestamp(root.get("timestamp"))
        sources = [text for s in root.iterfind("sources/source") if (text := as_str(s.text))]
        properties: dict[str, Any] = {"files": files}
        if sources:
            properties["sources"] = sources
        scan = Scan(
            tool=_tool(source, as_str(root.get("version"))),
            kind=ScanKind.COVERAGE,
            source=source.name,
            target=sources[0] if sources else None,
            started_at=stamp,
            ended_at=stamp,
            metrics=metrics,
            properties=properties,
        )
        logger.debug(
            "%s: coverage %.2f%% over %d file(s)", source.name, scan.metrics["coverage"], len(files)
        )
        return [scan]

    def _metrics(
        self, source: Source, root: Any, files: dict[str, dict[str, float | int]]
    ) -> dict[str, float]:
        """Return the overall metrics, counting from the files where a total is missing."""
        line_rate = self._rate(source, root, "line-rate")
        if line_rate is None:
            raise self.error(source, "<coverage> has no line-rate attribute")
        branch_rate = self._rate(source, root, "branch-rate")
        metrics = {
            "coverage": round(line_rate * 100, 4),
            "line_rate": line_rate,
            "branch_rate": branch_rate if branch_rate is not None else 0.0,
        }
        for name in ("lines_valid", "lines_covered", "branches_valid", "branches_covered"):
            value = self._count(source, root, name.replace("_", "-"))
            if value is None:
                value = float(sum(f[name] for f in files.values()))
            metrics[name] = value
        return metrics

    def _rate(self, source: Source, element: Any, attribute: str) -> float | None:
        """Return a 0-1 rate attribute as a float, or None when absent; refuse anything else."""
        raw = element.get(attribute)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise self.error(source, f"{attribute} is not a number: {raw!r}") from None
        if not 0.0 <= value <= 1.0:
            raise self.error(source, f"{attribute} {raw} is outside 0 to 1")
        return value

    def _count(self, source: Source, element: Any, attribute: str) -> float | None:
        """Return a whole-number attribute as a float, or None when absent; refuse anything else."""
        raw = element.get(attribute)
        if raw is None:
            return None
        if not raw.strip().isdigit():
            raise self.error(source, f"{attribute} is not a whole number: {raw!r}")
        return float(raw)


def _tool(source: Source, version: str | None) -> Tool:
    """Return the generator: coverage.py (it says so in a comment), gcovr, or Cobertura."""
    # The parser drops comments, so coverage.py's "Generated by" line is looked for in the bytes.
    if b"Generated by coverage.py" in source.data[:4096]:
        return Tool(name="coverage.py", version=version, information_uri=_COVERAGE_PY_URI)
    if version and version.startswith("gcovr"):
        number = version.removeprefix("gcovr").strip() or None
        return Tool(name="gcovr", version=number, information_uri=_GCOVR_URI)
    return Tool(name="Cobertura", version=version, information_uri=_COBERTURA_URI)


def _timestamp(raw: str | None) -> datetime | None:
    """Return the report's epoch timestamp (milliseconds or seconds) as UTC, or None."""
    if raw is None or not raw.strip().isdigit():
        return None
    value = int(raw.strip())
    if value >= _MILLISECONDS_FROM:
        value //= 1000
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _files(root: Any) -> dict[str, dict[str, float | int]]:
    """Return per-file line and branch figures, summed over the file's ``<class>`` elements."""
    counts: dict[str, list[int]] = {}
    for cls in root.iter("class"):
        filename = sys.intern(cls.get("filename") or cls.get("name") or "")
        totals = counts.setdefault(filename, [0, 0, 0, 0])
        # A line may be listed under both <methods> and <lines>; count the <lines> ones only.
        for line in cls.iterfind("lines/line"):
            totals[0] += 1
            if _hits(line.get("hits")) > 0:
                totals[1] += 1
            if line.get("branch") == "true":
                covered, valid = _conditions(line.get("condition-coverage"))
                totals[2] += valid
                totals[3] += covered
    return {name: _file_figures(*totals) for name, totals in sorted(counts.items())}


def _file_figures(lines: int, covered: int, branches: int, taken: int) -> dict[str, float | int]:
    """Return one file's figures; a file with nothing to cover counts as fully covered."""
    return {
        "line_rate": round(covered / lines, 4) if lines else 1.0,
        "branch_rate": round(taken / branches, 4) if branches else 1.0,
        "lines_valid": lines,
        "lines_covered": covered,
        "branches_valid": branches,
        "branches_covered": taken,
    }


def _hits(raw: str | None) -> int:
    """Return a line's hit count; a malformed count counts as not hit."""
    if raw is None:
        return 0
    text = raw.strip()
    return int(text) if text.isdigit() else 0


def _conditions(raw: str | None) -> tuple[int, int]:
    """Return (taken, total) from ``condition-coverage="50% (1/2)"``; (0, 0) if unreadable."""
    if not raw:
        return 0, 0
    _, _, fraction = raw.partition("(")
    taken, _, total = fraction.rstrip(") ").partition("/")
    if taken.strip().isdigit() and total.strip().isdigit():
        return int(taken), int(total)
    return 0, 0
