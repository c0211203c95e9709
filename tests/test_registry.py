"""Every registered parser: its fixtures are detected as its own, and convert to valid SARIF.

This is the one table of every parser's report fixtures (files directly in fixtures/<parser>/):
detection, schema validity and the SARIF Multitool are checked here for all of them, so the
parsers' own test modules state only their snapshots, counts and field expectations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    FIXTURES,
    Multitool,
    assert_bad_input,
    assert_valid_sarif,
    convert_log,
    run_cli,
)
from sarifkit.parsers import PARSERS, detect, get_parser

from sarifkit.source import Source

REPORT_SUFFIXES = {".json", ".xml", ".sarif", ".txt"}


def _fixtures(name: str) -> list[Path]:
    """Return the report fixtures of parser `name`: files directly in fixtures/<name>/."""
    folder = FIXTURES / name
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in REPORT_SUFFIXES)


ALL_FIXTURES = [(name, path) for name in PARSERS for path in _fixtures(name)]
ALL_IDS = [f"{n}/{p.name}" for n, p in ALL_FIXTURES]
each_fixture = pytest.mark.parametrize(("name", "path"), ALL_FIXTURES, ids=ALL_IDS)


@pytest.fixture(scope="module")
def fixture_multitool_errors(multitool: Multitool) -> dict[Path, list[str]]:
    """Validate every fixture's SARIF in one Multitool run; return the errors per fixture."""
    return multitool.errors_of_conversions({path: [path] for _, path in ALL_FIXTURES})


@pytest.mark.parametrize("name", list(PARSERS))
def test_every_parser_has_fixtures_and_interface(name: str) -> None:
    parser = get_parser(name)
    assert parser.name == name and parser.formats
    assert _fixtures(name), f"fixtures/{name}/ holds no report"


@each_fixture
def test_fixture_is_detected_by_its_parser_only(name: str, path: Path) -> None:
    source = Source.read(path)
    assert detect(source).name == name
    claimed = [other for other in PARSERS if get_parser(other).recognizes(Source.read(path))]
    assert claimed == [name]


@each_fixture
def test_fixture_converts_to_sarif(name: str, path: Path) -> None:
    log = convert_log(path)  # no --tool: detected
    assert log["version"] == "2.1.0" and log["runs"]


@each_fixture
def test_fixture_converts_to_valid_sarif(
    name: str, path: Path, sarif_schema_validator: object
) -> None:
    assert_valid_sarif(sarif_schema_validator, convert_log(path))


@each_fixture
def test_fixture_passes_multitool(
    name: str, path: Path, fixture_multitool_errors: dict[Path, list[str]]
) -> None:
    assert fixture_multitool_errors[path] == []


@each_fixture
def test_fixture_output_is_deterministic(name: str, path: Path) -> None:
    # Two fresh runs, by absolute path (the cached conversions above are by repo-relative path).
    first = run_cli(["convert", str(path)])
    assert first.exit_code == 0, first.stderr
    assert run_cli(["convert", str(path)]).stdout_bytes == first.stdout_bytes


@pytest.mark.parametrize("name", list(PARSERS))
def test_forcing_a_parser_on_another_format_fails_cleanly(name: str, tmp_path: Path) -> None:
    other = FIXTURES / "malformed" / "other-tool.json"
    out = tmp_path / "out.sarif"
    assert_bad_input(["convert", "--tool", name, str(other), "-o", str(out)], tmp_path, str(other))
