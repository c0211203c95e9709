"""Writing outputs atomically: a reader never sees half a file, and a failure leaves none."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sarifkit.errors import OutputError


@contextlib.contextmanager
def open_output(path: str | Path | None) -> Iterator[IO[bytes]]:
    """Yield a binary stream for `path` (stdout when None or ``-``), replaced into place on success.

    The data goes to a temporary file beside `path` and is renamed over it only when the block
    ends without an exception; otherwise the temporary file is removed.
    """
    if path is None or str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{target}: directory {directory} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb", buffering=1024 * 1024) as stream:
            yield stream
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def ensure_directory(path: str | Path) -> Path:
    """Create directory `path` and its parents when missing, and return it as a `Path`.

    Raises `OutputError` naming the directory when it cannot be created: a parent is a regular
    file, the path is one, or permission is denied.
    """
    directory = Path(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create: {exc.strerror or exc}") from None
    return directory


def write_bytes(path: str | Path | None, data: bytes) -> None:
    """Write `data` to `path` (or stdout) atomically."""
    with open_output(path) as stream:
        stream.write(data)
