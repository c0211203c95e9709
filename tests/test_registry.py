"""Every registered parser: its fixtures are detected as its own, and convert to valid SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import FIXTURES, assert_valid_sarif, run_cli
from sarifkit.parsers import PARSERS, detect, get_parser

from sarifkit.source import Source

REPORT_SUFFIXES = {".json", ".xml", ".sarif", ".txt"}


def _fixtures(name: str) -> list[Path]:
    """Return the report fixtures of parser `name`: files directly in fixtures/<name>/."""
    folder = FIXTURES / name
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in REPORT_SUFFIXES)


ALL_FIXTURES = [(name, path) for name in PARSERS for path in _fixtures(name)]


@pytest.mark.parametrize("name", list(PARSERS))
def test_every_parser_has_fixtures_and_interface(name: str) -> None:
    parser = get_parser(name)
    assert parser.name == name and parser.formats
    assert _fixtures(name), f"fixtures/{name}/ holds no report"


@pytest.mark.parametrize(
    ("name", "path"), ALL_FIXTURES, ids=[f"{n}/{p.name}" for n, p in ALL_FIXTURES]
)
def test_fixture_is_detected_by_its_parser_only(name: str, path: Path) -> None:
    source = Source.read(path)
    assert detect(source).name == name
    claimed = [other for other in PARSERS if get_parser(other).recognizes(Source.read(path))]
    assert claimed == [name]


@pytest.mark.parametrize(
    ("name", "path"), ALL_FIXTURES, ids=[f"{n}/{p.name}" for n, p in ALL_FIXTURES]
)
def test_fixture_converts_to_valid_sarif(
    name: str, path: Path, sarif_schema_validator: object
) -> None:
    result = run_cli(["convert", str(path)])
    assert result.exit_code == 0, result.stderr
    assert_valid_sarif(sarif_schema_validator, json.loads(result.stdout))


@pytest.mark.parametrize("name", list(PARSERS))
def test_forcing_a_parser_on_another_format_fails_cleanly(name: str, tmp_path: Path) -> None:
    other = FIXTURES / "malformed" / "other-tool.json"
    out = tmp_path / "out.sarif"
    result = run_cli(["convert", "--tool", name, str(other), "-o", str(out)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(other) in result.stderr
    assert not out.exists()
