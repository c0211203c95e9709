"""Bad input: one line on stderr naming the file and the problem, exit 2, no output file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, assert_convert_rejects, case_ids, run_cli

MALFORMED = FIXTURES / "malformed"

# (file under fixtures/malformed, extra CLI args, text the one stderr line must contain)
CASES = [
    ("empty.json", [], "is empty"),
    ("blank.json", [], "is empty"),
    ("truncated.json", [], "is not valid JSON"),
    ("deep-truncated.json", [], "is not valid JSON"),
    ("not-json.txt", [], "not a report sarifkit recognises"),
    ("other-tool.json", [], "not a report sarifkit recognises (tried: SARIF 2.1.0; "),
    ("invalid-utf8.json", [], "is not valid JSON"),
    ("binary.png", [], "is binary"),
    ("other.xml", [], "not a report sarifkit recognises"),
    ("billion-laughs.xml", [], "DOCTYPE is refused"),
    ("external-entity.xml", [], "DOCTYPE is refused"),
    ("other-tool.json", ["--tool", "bandit"], "does not look like a Bandit JSON or XML report"),
    ("bandit-result-without-test-id.json", [], "malformed Bandit JSON or XML report: KeyError"),
    ("bandit-result-not-object.json", [], "malformed Bandit JSON or XML report"),
    ("bandit-xml-without-issue-text.xml", [], "testcase 0 has no Bandit issue text"),
    ("bandit-xml-billion-laughs.xml", [], "DOCTYPE is refused (EntitiesForbidden)"),
    ("bandit-xml-billion-laughs.xml", ["--tool", "bandit"], "DOCTYPE is refused"),
    ("bandit-xml-external-entity.xml", [], "DOCTYPE is refused (EntitiesForbidden)"),
    ("bandit-xml-external-entity.xml", ["--tool", "bandit"], "DOCTYPE is refused"),
    # A pydantic validation error is folded to its first error on the one line.
    ("bandit-more-info-not-text.json", [], "help_uri: Input should be a valid string (got 5)"),
]


@pytest.mark.parametrize(("name", "args", "message"), CASES, ids=case_ids(CASES))
def test_bad_input_is_one_line_and_exit_2(
    name: str, args: list[str], message: str, tmp_path: Path
) -> None:
    assert_convert_rejects(MALFORMED / name, args, message, tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    result = run_cli(["convert", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_directory_without_reports(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("hello")
    result = run_cli(["convert", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory with no reports in it" in result.stderr


def test_a_bad_input_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    good = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
    result = run_cli(["convert", str(good), str(MALFORMED / "truncated.json"), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()


def test_existing_output_is_kept_when_input_is_bad(tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    out.write_text("previous")
    assert run_cli(["convert", str(MALFORMED / "empty.json"), "-o", str(out)]).exit_code == 2
    assert out.read_text() == "previous"


def test_input_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SARIFKIT_MAX_INPUT_BYTES", "100")
    good = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"
    result = run_cli(["convert", str(good)])
    assert result.exit_code == 2 and "input limit" in result.stderr


def test_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sarifkit", "convert", str(MALFORMED / "truncated.json")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
