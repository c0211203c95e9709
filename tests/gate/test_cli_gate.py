"""The gate and score commands: exit codes, outputs, schema, determinism, shared samples."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import REPO, recognised_samples, run_cli

from sarifkit.gate import verdict_schema
from sarifkit.gate.report import markdown_escape

REPORTS = "fixtures/gate/reports"
CLEAN = [
    f"{REPORTS}/bandit-low-only.json",
    f"{REPORTS}/coverage-90.xml",
    "fixtures/bandit/bandit-1.9.4-clean.json",
]
STAGING_OK = [*CLEAN, "--environment", "staging"]
BLOCKED = [
    "fixtures/bandit/bandit-1.9.4-sample-app.json",
    f"{REPORTS}/safety-django.json",
    f"{REPORTS}/trivy-image-django.json",
    f"{REPORTS}/coverage-80.xml",
    "--environment",
    "production",
    "--today",
    "2025-05-01",
]


@pytest.fixture(autouse=True)
def _repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for key in ("CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="module")
def validator() -> Any:
    return jsonschema.Draft202012Validator(verdict_schema())


def test_schema_file_is_the_generated_schema() -> None:
    shipped = resources.files("sarifkit.gate").joinpath("gate-verdict.schema.json").read_text()
    assert json.loads(shipped) == verdict_schema()
    printed = run_cli(["gate", "--print-schema"])
    assert printed.exit_code == 0 and json.loads(printed.stdout) == verdict_schema()
    jsonschema.Draft202012Validator.check_schema(verdict_schema())


def test_approve_exit_0(tmp_path: Path, validator: Any) -> None:
    out = tmp_path / "v.json"
    result = run_cli(["gate", *STAGING_OK, "--json", str(out)])
    # Staging requires a container scan: only the Bandit + coverage reports are given.
    assert result.exit_code == 1
    result = run_cli(
        [
            "gate",
            *CLEAN,
            f"{REPORTS}/trivy-fs-django.json",
            "--environment",
            "staging",
            "--policy",
            "fixtures/gate/policies/sarifkit.toml",
            "--today",
            "2025-05-01",
            "--json",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.stdout
    verdict = json.loads(out.read_text())
    validator.validate(verdict)
    assert verdict["status"] == "approved" and verdict["exit_code"] == 0
    assert result.stdout.splitlines()[-1].startswith("verdict: APPROVED: ")


def test_block_exit_1_prints_each_check(tmp_path: Path) -> None:
    result = run_cli(["gate", *BLOCKED])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "environment: production (given with --environment)"
    assert "✓ open medium findings" not in result.stdout
    assert any(line.startswith("✗ open critical findings  <= 0") for line in lines)
    assert any(
        line.startswith("✗ coverage") and "> 80 %" in line and "80 %" in line for line in lines
    )
    assert any(line.startswith("✓ sast scan") for line in lines)
    assert lines[-1].startswith("verdict: BLOCKED: ")


@pytest.mark.parametrize(
    "args",
    [
        ["gate"],
        ["gate", "fixtures/malformed/truncated.json"],
        ["gate", "fixtures/gate/reports/nothing-here.json"],
        ["gate", *CLEAN, "--today", "yesterday"],
        ["gate", *CLEAN, "--environment", "nowhere"],
        ["score", "fixtures/malformed/not-json.txt"],
    ],
)
def test_bad_usage_or_input_exit_2(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "v.json"
    result = run_cli([*args, "--json", str(out)] if args[0] == "gate" and len(args) > 1 else args)
    assert result.exit_code == 2
    assert result.stderr.strip() and "Traceback" not in result.stderr
    assert not out.exists()


def test_outputs_are_deterministic(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        paths = {k: tmp_path / f"{name}.{k}" for k in ("json", "xml", "md")}
        result = run_cli(
            [
                "gate",
                *BLOCKED,
                "--json",
                str(paths["json"]),
                "--junit",
                str(paths["xml"]),
                "--markdown",
                str(paths["md"]),
            ]
        )
        runs.append((result.stdout, *(p.read_bytes() for p in paths.values())))
    assert runs[0] == runs[1]


def test_json_snapshot_and_schema(tmp_path: Path, json_snapshot: Any, validator: Any) -> None:
    out = tmp_path / "v.json"
    run_cli(["gate", *BLOCKED, "--json", str(out)])
    verdict = json.loads(out.read_text())
    validator.validate(verdict)
    verdict["tool"].pop("version")
    assert verdict == json_snapshot


def test_json_to_stdout_moves_the_text_to_stderr(validator: Any) -> None:
    result = run_cli(["gate", *BLOCKED, "--json", "-"])
    validator.validate(json.loads(result.stdout))
    assert "verdict: BLOCKED" in result.stderr


def test_junit_one_case_per_check(tmp_path: Path) -> None:
    out = tmp_path / "gate.xml"
    run_cli(["gate", *BLOCKED, "--junit", str(out)])
    root = ET.fromstring(out.read_bytes())
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    verdict = json.loads(run_cli(["gate", *BLOCKED, "--json", "-"]).stdout)
    assert len(cases) == len(verdict["checks"]) == int(suite.get("tests", "0"))
    failed = [c for c in cases if c.find("failure") is not None]
    assert (
        len(failed)
        == sum(not c["passed"] for c in verdict["checks"])
        == int(suite.get("failures", "0"))
    )
    assert cases[0].get("classname") == "sarifkit.gate.findings"
    assert cases[0].get("name") == "open critical findings <= 0"
    failure = cases[0].find("failure")
    assert (
        failure is not None and failure.get("message") == "open critical findings: 2, expected <= 0"
    )


def test_markdown_snapshot(tmp_path: Path, snapshot: Any) -> None:
    out = tmp_path / "gate.md"
    run_cli(["gate", *BLOCKED, "--markdown", str(out)])
    text = out.read_text()
    assert text.startswith("## ❌ Deploy gate: blocked for production")
    assert "| ❌ | open critical findings | &lt;= 0 | 2 |" in text
    version = json.loads(run_cli(["gate", *BLOCKED, "--json", "-"]).stdout)["tool"]["version"]
    assert text.replace(f"sarifkit {version}", "sarifkit VERSION") == snapshot


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("<script>", "&lt;script&gt;"),
        ("ping @admin", "ping &#64;admin"),
        ("[x](http://e.example)", "\\[x\\](http://e.example)"),
        ("two\nlines", "two lines"),
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
    ],
)
def test_markdown_escape(text: str, expected: str) -> None:
    assert markdown_escape(text) == expected


def test_score_command(tmp_path: Path) -> None:
    result = run_cli(
        ["score", f"{REPORTS}/bandit-low-only.json", "--json", str(tmp_path / "s.json")]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "security score: 99/100 (rating B)",
        "open by severity: critical 0, high 0, medium 0, low 1, info 0, unknown 0",
    ]
    card = json.loads((tmp_path / "s.json").read_text())
    assert card["score"] == 99 and card["open_by_kind"]["sast"] == 1


def test_score_applies_waivers() -> None:
    args = [
        "score",
        f"{REPORTS}/safety-django.json",
        "--policy",
        "fixtures/gate/policies/sarifkit.toml",
    ]
    waived = run_cli([*args, "--today", "2025-05-01"]).stdout
    expired = run_cli([*args, "--today", "2025-07-01"]).stdout
    assert waived.startswith("security score: 60/100") and "waived 1" in waived
    assert expired.startswith("security score: 20/100") and "waived 0" in expired


def test_convert_does_not_import_the_gate() -> None:
    code = (
        "import sys\n"
        "from sarifkit.cli import cli\n"
        "try:\n"
        "    cli.main(['convert', 'fixtures/gate/reports/bandit-low-only.json', '-o', '/dev/null'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('sarifkit.gate')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("environment", ["development", "staging", "production"])
def test_gate_over_all_shared_samples(
    samples: Path, tmp_path: Path, validator: Any, environment: str
) -> None:
    out = tmp_path / "v.json"
    reports = [str(p) for p in recognised_samples()]
    result = run_cli(
        [
            "gate",
            *reports,
            "--environment",
            environment,
            "--bundled-policies",
            "--json",
            str(out),
            "--junit",
            str(tmp_path / "j.xml"),
            "--markdown",
            str(tmp_path / "m.md"),
        ]
    )
    assert result.exit_code == (0 if environment == "development" else 1), result.stderr
    verdict = json.loads(out.read_text())
    validator.validate(verdict)
    assert len(verdict["scans"]) >= len(reports) - 2  # SonarQube pages may combine
    assert verdict["duplicates"]  # Bandit JSON + SARIF of one run, Safety vs Trivy...


def test_gate_over_each_shared_sample(samples: Path, tmp_path: Path, validator: Any) -> None:
    for path in recognised_samples():
        out = tmp_path / "v.json"
        result = run_cli(["gate", str(path), "--environment", "staging", "--json", str(out)])
        assert result.exit_code in (0, 1), f"{path}: {result.stderr}"
        validator.validate(json.loads(out.read_text()))


def test_new_findings_only_with_a_baseline(tmp_path: Path) -> None:
    base = tmp_path / "base.sarif"
    run_cli(["convert", "fixtures/bandit/bandit-1.9.4-sample-app.json", "-o", str(base)])
    policy = tmp_path / "sarifkit.toml"
    policy.write_text("[gate]\nnew_findings_only = true\n")
    reports = ["fixtures/bandit/bandit-1.9.4-sample-app.json", f"{REPORTS}/bandit-low-only.json"]
    result = run_cli(
        ["gate", *reports, "--baseline", str(base), "--policy", str(policy), "--json", "-"]
    )
    score = json.loads(result.stdout)["score"]
    assert score["open_total"] == 1 and score["not_counted"]["not_new"] == 18
