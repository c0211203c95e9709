"""The interface every parser implements, and helpers they share."""

from __future__ import annotations

import contextlib
import gc
import math
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from sarifkit.errors import ParseError
from sarifkit.model import Scan
from sarifkit.source import Source

T = TypeVar("T")


class Parser(ABC):
    """Reads one scanner's report into `Scan` objects; knows nothing of SARIF, GitLab or scoring.

    Subclasses set `name` (the registry key and ``--tool`` value) and `formats` (what they read,
    shown when no parser recognises a file), and implement `recognizes` and `parse`.
    """

    name: ClassVar[str]
    formats: ClassVar[str]

    @classmethod
    @abstractmethod
    def recognizes(cls, source: Source) -> bool:
        """Return whether `source` is a report this parser reads; cheap, and never raises."""

    @abstractmethod
    def parse(self, source: Source) -> list[Scan]:
        """Return the scans in `source`; raise `ParseError` naming the file when it is malformed."""

    @classmethod
    def combine(cls, scans: list[Scan]) -> list[Scan]:
        """Return `scans` with those that belong together merged; by default nothing is merged.

        Called once per command with every scan this parser read, in input order.
        """
        return scans

    def error(self, source: Source, problem: str) -> ParseError:
        """Return a `ParseError` that names the file and this parser's format."""
        return ParseError(f"{source.name}: not a valid {self.formats} report: {problem}")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, restoring it afterwards.

    Findings hold no reference cycles, so while a parser builds hundreds of thousands of them the
    collector only rescans live objects: on a 500k-instance ZAP report it took two thirds of the
    time. The CLI runs without it altogether; this keeps library callers fast as well.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def drain(items: list[Any]) -> Iterator[Any]:
    """Yield each item of `items`, dropping the list's reference to it once taken.

    A parser walking a 500k-entry report then holds each raw entry and its finding only briefly,
    rather than the whole raw report beside the whole model.
    """
    for index in range(len(items)):
        item = items[index]
        items[index] = None
        yield item


def parse_time(value: object) -> datetime | None:
    """Return an aware UTC datetime for the ISO-8601-like `value`, or None when it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # SonarQube writes offsets without a colon (+0000); fromisoformat wants +00:00.
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def as_str(value: object) -> str | None:
    """Return `value` as a stripped string, or None when it is missing or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def as_int(value: object) -> int | None:
    """Return `value` as an int when it is one (or a numeric string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_float(value: object) -> float | None:
    """Return `value` (a number or numeric text such as ``"4.3"``) as a finite float, else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_dict(value: object) -> dict[str, Any]:
    """Return `value` when it is a JSON object, else {}: optional sub-objects are read leniently."""
    return value if isinstance(value, dict) else {}


def purl_ecosystem(purl: str | None) -> str | None:
    """Return the package type of a purl (``pkg:npm/...`` gives ``npm``), or None."""
    if not purl or not purl.startswith("pkg:"):
        return None
    return sys.intern(purl[4:].lstrip("/").split("/", 1)[0].lower()) or None


def inventory_metrics(components: int, licenses: int, vulnerabilities: int) -> dict[str, float]:
    """Return an SBOM scan's metrics: components, distinct licenses, distinct vulnerability ids."""
    return {
        "components": float(components),
        "licenses": float(licenses),
        "vulnerabilities": float(vulnerabilities),
    }
