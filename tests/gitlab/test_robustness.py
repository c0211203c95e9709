"""Bad baselines and unusable output directories: one line on stderr, exit 2, nothing written.

Also the pieces the GitLab writers share (`gitlab_common.cut`, `line_range`, `unique_digest`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES, run_cli

from sarifkit.errors import OutputError
from sarifkit.model import CodeLocation, Finding, Rule, Scan, ScanKind, Severity, Tool
from sarifkit.output import ensure_directory
from sarifkit.writers.codequality import MAX_DESCRIPTION, build_codequality
from sarifkit.writers.gitlab import build_reports
from sarifkit.writers.gitlab_common import line_range, unique_digest

BANDIT = FIXTURES / "bandit" / "bandit-1.9.4-sample-app.json"


def _log(result: dict[str, Any] | None = None, **run: Any) -> dict[str, Any]:
    """Return a small SARIF log with one run holding `result` (and the run fields given)."""
    body: dict[str, Any] = {"tool": {"driver": {"name": "Other"}}, **run}
    if result is not None:
        body.setdefault("results", [result])
    return {"version": "2.1.0", "runs": [body]}


def _result(**fields: Any) -> dict[str, Any]:
    return {"ruleId": "R1", "message": {"text": "bad"}, **fields}


def _at(**physical: Any) -> dict[str, Any]:
    return _result(locations=[{"physicalLocation": physical}])


# (case id, file content: JSON-able, str or bytes; None for no file at all, what stderr says)
BAD_BASELINES: list[tuple[str, Any, str]] = [
    ("artifact-location-string", _at(artifactLocation="x.py"), "artifactLocation is a string"),
    ("message-string", _result(message="hi"), "results[0].message is a string, not an object"),
    ("start-line-string", _at(region={"startLine": "abc"}), "startLine is a string, not an int"),
    ("end-line-float", _at(region={"startLine": 1, "endLine": 2.5}), "endLine is a number"),
    ("uri-number", _at(artifactLocation={"uri": 7}), "artifactLocation.uri is a number"),
    (
        "snippet-string",
        _at(artifactLocation={"uri": "a.py"}, region={"snippet": "x"}),
        "region.snippet is a string, not an object",
    ),
    (
        "location-properties-string",
        _result(locations=[{"properties": "zz"}]),
        "locations[0].properties is a string, not an object",
    ),
    ("location-not-object", _result(locations=["a.py"]), "locations[0] is a string"),
    ("locations-object", _result(locations={}), "locations is an object, not an array"),
    ("result-properties-list", _result(properties=[]), "results[0].properties is an array"),
    ("fingerprints-list", _result(partialFingerprints=["x"]), "partialFingerprints is an array"),
    (
        "fingerprint-number",
        _result(partialFingerprints={"sarifkit/v1": 12}),
        "partialFingerprints.sarifkit/v1 is a number",
    ),
    ("level-number", _result(level=3), "results[0].level is a number, not a string"),
    ("rule-id-list", _result(ruleId=["R1"]), "results[0].ruleId is an array"),
    ("baseline-state-bool", _result(baselineState=True), "baselineState is a boolean"),
    ("result-not-object", {"runs": [{"results": ["R1"]}]}, "results[0] is a string, not an object"),
    ("results-object", {"version": "2.1.0", "runs": [{"results": {}}]}, "results is an object"),
    ("results-string", {"runs": [{"results": "many"}]}, "runs[0].results is a string"),
    ("run-not-object", {"runs": [3]}, "runs[0] is a number, not an object"),
    ("tool-string", {"runs": [{"tool": "bandit", "results": []}]}, "runs[0].tool is a string"),
    ("driver-name-number", {"runs": [{"tool": {"driver": {"name": 1}}}]}, "driver.name is a num"),
    ("run-properties-string", {"runs": [{"properties": "p"}]}, "runs[0].properties is a string"),
    ("bases-string", {"runs": [{"originalUriBaseIds": {"SRC": "x"}}]}, "originalUriBaseIds.SRC"),
    ("runs-object", {"version": "2.1.0", "runs": {}}, "not a SARIF log (no 'runs' list)"),
    ("runs-missing", {"version": "2.1.0"}, "not a SARIF log"),
    ("json-array", [1, 2], "not a SARIF log"),
    ("plain-text", "not json at all\n", "is not valid JSON"),
    ("truncated", '{"version": "2.1.0", "runs": [{"results": [', "is not valid JSON"),
    ("binary", b"\x00\x01\xff\xfe\x89PNG\r\n", "is not valid JSON"),
    ("empty", "", "is empty"),
    ("missing", None, "no such file"),
]


def _write_baseline(directory: Path, content: Any) -> Path:
    path = directory / "prev.sarif"
    if content is None:
        return path
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, dict) and "ruleId" in content:  # one result: wrap it in a log
        path.write_text(json.dumps(_log(content)))
    else:
        path.write_text(json.dumps(content))
    return path


def _command(name: str, out: Path) -> list[str]:
    """Return the arguments of `name` over the Bandit fixture, writing its output to `out`."""
    if name == "gate":
        return ["gate", str(BANDIT), "--environment", "development", "--json", str(out)]
    return [name, str(BANDIT), "-o", str(out)]


def _assert_one_line_exit_2(args: list[str], out_dir: Path, *expected: str) -> str:
    result = run_cli(args)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    assert list(out_dir.iterdir()) == []
    return lines[0]


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """An input folder for the baseline and an empty output folder, which is also the cwd."""
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    # The gate looks for ./sarifkit.toml and ./pyproject.toml: an empty cwd gives the defaults.
    monkeypatch.chdir(outputs)
    return inputs, outputs


@pytest.mark.parametrize("command", ["convert", "merge", "gate"])
@pytest.mark.parametrize(
    ("content", "message"), [case[1:] for case in BAD_BASELINES], ids=[c[0] for c in BAD_BASELINES]
)
def test_bad_baseline_is_one_line_exit_2_and_no_output(
    dirs: tuple[Path, Path], command: str, content: Any, message: str
) -> None:
    inputs, outputs = dirs
    baseline = _write_baseline(inputs, content)
    args = [*_command(command, outputs / "out.json"), "--baseline", str(baseline)]
    _assert_one_line_exit_2(args, outputs, str(baseline), message)


@pytest.mark.parametrize("command", ["convert", "merge", "gate"])
def test_baseline_that_is_a_directory(dirs: tuple[Path, Path], command: str) -> None:
    inputs, outputs = dirs
    args = [*_command(command, outputs / "out.json"), "--baseline", str(inputs)]
    line = _assert_one_line_exit_2(args, outputs, str(inputs))
    assert "directory" in line


@pytest.mark.parametrize("command", ["convert", "merge", "gate"])
def test_odd_but_valid_baseline_is_read(dirs: tuple[Path, Path], command: str) -> None:
    """Property bags are free-form in SARIF: values of other types than sarifkit's are skipped."""
    inputs, outputs = dirs
    result = _at(
        artifactLocation={"uri": "gone.py"},
        region={"startLine": 0, "endLine": None, "snippet": {"text": "x = 1"}},
    )
    result["properties"] = {"severity": ["high"], "tags": 3}
    result["locations"][0]["properties"] = {"url": {"href": "x"}, "package": 5}
    result["partialFingerprints"] = {"other/v2": "abc"}
    baseline = _write_baseline(inputs, _log(result))
    out = outputs / "out.json"
    outcome = run_cli([*_command(command, out), "--baseline", str(baseline)])
    assert outcome.exit_code in ((0, 1) if command == "gate" else (0,)), outcome.stderr
    if command != "gate":
        log = json.loads(out.read_text())
        absent = [
            r for run in log["runs"] for r in run["results"] if r["baselineState"] == "absent"
        ]
        assert len(absent) == 1 and absent[0]["ruleId"] == "R1"
        location = absent[0]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "gone.py"
        # The package property (a number here) is read as text, so the location is a package's.
        assert absent[0]["locations"][0]["properties"]["package"] == "5"


# --- output directories ---------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["security", "codequality", "all"])
@pytest.mark.parametrize("below", ["afile/sub", "afile/sub/deeper"])
def test_out_dir_under_a_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, below: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a directory\n")
    args = ["gitlab", str(BANDIT), "--out-dir", below, "--format", output_format]
    result = run_cli(args)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"sarifkit: error: {below}: cannot create:"), lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_ensure_directory(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    assert ensure_directory(target) == target and target.is_dir()
    assert ensure_directory(str(target)) == target  # already there: fine
    (tmp_path / "f").write_text("")
    with pytest.raises(OutputError, match=r"f/x: cannot create: "):
        ensure_directory(tmp_path / "f" / "x")
    with pytest.raises(OutputError, match=r"f: cannot create: "):
        ensure_directory(tmp_path / "f")


# --- what the GitLab writers share ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, (1, 1)),
        (0, 0, (1, 1)),
        (-3, 2, (1, 2)),
        (5, None, (5, 5)),
        (5, 3, (5, 5)),
        (5, 9, (5, 9)),
    ],
)
def test_line_range(start: int | None, end: int | None, expected: tuple[int, int]) -> None:
    assert line_range(start, end) == expected


def test_unique_digest_counts_up_from_2() -> None:
    def digest(text: str) -> str:
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

    taken: set[str] = set()
    values = [unique_digest("n", taken, digest) for _ in range(3)]
    assert values == [digest("n"), digest("n|2"), digest("n|3")]
    assert taken == set(values)


def _finding(title: str, **fields: Any) -> Finding:
    return Finding(
        rule_id="R1",
        title=title,
        severity=Severity.MEDIUM,
        locations=[CodeLocation(path="a.py", start_line=0, end_line=-1)],
        fingerprint="fp",
        **fields,
    )


def _scan(*findings: Finding, rules: list[Rule] | None = None) -> Scan:
    return Scan(
        tool=Tool(name="T"),
        kind=ScanKind.SAST,
        source="t.json",
        rules=rules or [],
        findings=list(findings),
    )


def test_codequality_cuts_long_descriptions_like_the_other_gitlab_fields(
    caplog: pytest.LogCaptureFixture,
) -> None:
    title = "word " * 400  # 2000 characters
    (issue, short) = build_codequality([_scan(_finding(title), _finding("short"))])
    assert len(issue["description"]) == MAX_DESCRIPTION
    assert issue["description"] == title[: MAX_DESCRIPTION - 12].rstrip() + " [truncated]"
    assert short["description"] == "short"
    assert f"{MAX_DESCRIPTION}-character limit" in caplog.text
    assert issue["location"]["lines"]["begin"] == 1
    assert issue["fingerprint"] != short["fingerprint"]


def test_gitlab_lines_are_clamped_in_sast_reports() -> None:
    (vuln,) = build_reports([_scan(_finding("t"))])["sast"]["vulnerabilities"]
    assert (vuln["location"]["start_line"], vuln["location"]["end_line"]) == (1, 1)


def test_empty_title_takes_the_rules_description() -> None:
    """Why the rule lookup in the GitLab writer stays: the model allows an empty title."""
    rules = [Rule(id="R1", full_description="What R1 checks.")]
    (vuln,) = build_reports([_scan(_finding(""), rules=rules)])["sast"]["vulnerabilities"]
    assert vuln["description"] == "What R1 checks."
    (own,) = build_reports([_scan(_finding("", description="Here."), rules=rules)])["sast"][
        "vulnerabilities"
    ]
    assert own["description"] == "Here."
