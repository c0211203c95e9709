"""The built wheel holds one top-level package, `sarifkit`, with parsers and templates inside."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (path,) = out.glob("sarifkit-*.whl")
    return path


def test_wheel_has_one_top_level_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"sarifkit"}
    assert "sarifkit/parsers/__init__.py" in names
    assert "sarifkit/parsers/bandit.py" in names
    assert any(n.startswith("sarifkit/templates/") for n in names)
    assert not any(n.startswith(("parsers/", "templates/", "tests/", "fixtures/")) for n in names)


def test_installed_wheel_imports_parsers(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    assert not (target / "parsers").exists()
    proc = subprocess.run(
        [sys.executable, "-c", "import sarifkit.parsers.bandit as b, sarifkit; print(b.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith(str(target))
