"""Reading a report from a file or stdin, and decoding it as JSON or XML safely.

A `Source` holds the raw bytes of one report and decodes them at most once. XML is parsed with
entity expansion, DTD loading and network access off, and any DTD is refused outright: scanner
reports never need one, and refusing it stops entity bombs and external entities alike.
"""

from __future__ import annotations

import logging
import os
import sys
from io import FileIO
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from sarifkit.errors import InputError

logger = logging.getLogger(__name__)

STDIN_NAME = "<stdin>"
#: Reports larger than this are refused before they are read; `SARIFKIT_MAX_INPUT_BYTES` changes it.
DEFAULT_MAX_INPUT_BYTES = 2 * 1024**3
_UTF8_BOM = b"\xef\xbb\xbf"
#: Raw bytes kept once a report is decoded as JSON: more than the format sniffing reads.
_HEAD_BYTES = 65536


def max_input_bytes() -> int:
    """Return the size limit for one report, from `SARIFKIT_MAX_INPUT_BYTES` or the default."""
    raw = os.environ.get("SARIFKIT_MAX_INPUT_BYTES")
    if raw is None:
        return DEFAULT_MAX_INPUT_BYTES
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"SARIFKIT_MAX_INPUT_BYTES: not a whole number: {raw!r}") from None


class Source:
    """One report's bytes with cached, safe decoders; `name` is the path shown in messages."""

    def __init__(self, name: str, data: bytes, *, bom_skipped: bool = False) -> None:
        """Hold `data`, without its UTF-8 BOM; `bom_skipped` says the reader left it out already."""
        self.name = name
        strip = not bom_skipped and data.startswith(_UTF8_BOM)
        self.data = data[len(_UTF8_BOM) :] if strip else data
        self._json: Any = None
        self._json_done = False
        self._xml: Any = None
        self._head_only = False

    @classmethod
    def read(cls, path: str | Path) -> Source:
        """Read a report from `path`, or from stdin when `path` is ``-``.

        Raises `InputError` when the file is missing, a directory, unreadable, empty or too large.
        """
        limit = max_input_bytes()
        if str(path) == "-":
            skipped = _skip_bom(sys.stdin.buffer)
            data = sys.stdin.buffer.read(limit + 1 - skipped)
            name = STDIN_NAME
        else:
            name = str(path)
            p = Path(path)
            try:
                if p.is_dir():
                    raise InputError(f"{name}: is a directory, not a report")
                size = p.stat().st_size
                if size > limit:
                    raise InputError(f"{name}: {size} bytes is over the {limit}-byte input limit")
                with p.open("rb", buffering=0) as stream:
                    skipped = _skip_file_bom(stream)
                    data = stream.read()
            except FileNotFoundError:
                raise InputError(f"{name}: no such file") from None
            except PermissionError:
                raise InputError(f"{name}: permission denied") from None
            except IsADirectoryError:
                raise InputError(f"{name}: is a directory, not a report") from None
            except OSError as exc:
                raise InputError(f"{name}: cannot be read: {exc.strerror or exc}") from None
        if skipped + len(data) > limit:
            raise InputError(f"{name}: over the {limit}-byte input limit")
        # isspace() stops at the first other byte; strip() would copy a 200 MB report.
        if not skipped and (not data or data.isspace()):
            raise InputError(f"{name}: is empty")
        return cls(name, data, bom_skipped=bool(skipped))

    @property
    def first_char(self) -> str:
        """Return the first non-blank character, which tells JSON (`{`, `[`) from XML (`<`)."""
        head = self.data[:4096].lstrip()
        return chr(head[0]) if head else ""

    @property
    def looks_binary(self) -> bool:
        """Return whether the report's start holds NUL bytes, as no text report does."""
        return b"\x00" in self.data[:8192]

    def json(self) -> Any:
        """Return the report decoded as JSON; raise `InputError` saying where it is invalid."""
        if not self._json_done:
            try:
                self._json = orjson.loads(self.data)
            except orjson.JSONDecodeError as exc:
                raise InputError(f"{self.name}: is not valid JSON: {_short(exc)}") from None
            self._json_done = True
        return self._json

    def is_json(self) -> bool:
        """Return whether the report decodes as JSON (decoding it once, if not done yet)."""
        if self.first_char not in "{[" or self.looks_binary:
            return False
        try:
            self.json()
        except InputError:
            return False
        return True

    def xml(self) -> Any:
        """Return the root element of the report parsed as XML, safely; raise `InputError` if not."""
        if self._xml is None:
            self._check_whole()
            from sarifkit.safe_xml import parse_xml

            self._xml = parse_xml(self.data, self.name)
        return self._xml

    def is_xml(self) -> bool:
        """Return whether the report starts like an XML document."""
        return self.first_char == "<" and not self.looks_binary

    def text(self) -> str:
        """Return the report as UTF-8 text; raise `InputError` if it is not valid UTF-8."""
        self._check_whole()
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{self.name}: is not UTF-8 text (byte {exc.start})") from None

    def release_bytes(self) -> None:
        """Keep only the head of the raw bytes once the report is decoded as JSON.

        JSON parsers read the decoded document, and format sniffing reads the first few KiB;
        the rest of the bytes, as large as the report, would only add to the peak memory.
        """
        if self._json_done and len(self.data) > _HEAD_BYTES:
            self.data = self.data[:_HEAD_BYTES]
            self._head_only = True

    def _check_whole(self) -> None:
        if self._head_only:
            raise RuntimeError(f"{self.name}: the raw bytes were released after JSON decoding")

    def release(self) -> None:
        """Drop the raw bytes and decoded documents once parsed, to keep peak memory low."""
        self.data = b""
        self._json = None
        self._xml = None


def _skip_file_bom(stream: FileIO) -> int:
    """Seek past a UTF-8 BOM at the start of an unbuffered file; return the bytes skipped.

    Unbuffered, the file's read() then makes one bytes object of the rest of the file, where
    slicing the BOM off would copy the whole report. A pipe (``<(...)``), which cannot seek back,
    leaves the BOM to `Source` to strip.
    """
    if not stream.seekable():
        return 0
    skipped = len(_UTF8_BOM) if stream.read(len(_UTF8_BOM)) == _UTF8_BOM else 0
    stream.seek(skipped)
    return skipped


def _skip_bom(stream: BinaryIO) -> int:
    """Read past a UTF-8 BOM at the start of buffered `stream`; return the bytes skipped.

    Skipping it as the report is read spares the copy of the whole report that slicing it off
    the bytes would make. A stream that cannot show its first bytes without reading them (no
    ``peek``, or a pipe that has fewer ready) leaves the BOM to `Source` to strip.
    """
    peek = getattr(stream, "peek", None)
    if peek is None or peek(len(_UTF8_BOM))[: len(_UTF8_BOM)] != _UTF8_BOM:
        return 0
    return len(stream.read(len(_UTF8_BOM)))


def _short(exc: Exception) -> str:
    """Return the first line of an exception message, for one-line errors."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
