"""Test helpers shared by every test module: paths, samples, SARIF checks, running the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from syrupy.extensions.json import JSONSnapshotExtension

from sarifkit.cli import cli

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"
SCHEMAS = SHARED / "schemas"
MULTITOOL_IN_REPO = (
    REPO
    / ".ci"
    / "node"
    / "node_modules"
    / "@microsoft"
    / "sarif-multitool-linux"
    / "Sarif.Multitool"
)


def fixture_path(*parts: str) -> Path:
    """Return the path of a file under `fixtures/`, asserting that it exists."""
    path = FIXTURES.joinpath(*parts)
    assert path.exists(), f"missing fixture {path}"
    return path


def sample_files(folder: str, pattern: str = "*") -> list[Path]:
    """Return the shared sample reports in `folder`, or [] when ../shared is not there."""
    directory = SAMPLES / folder
    return sorted(p for p in directory.glob(pattern) if p.is_file()) if directory.is_dir() else []


def sample_counts() -> dict[str, int]:
    """Return the finding count that ../shared/samples/README.md lists per file name."""
    readme = SAMPLES / "README.md"
    counts: dict[str, int] = {}
    if not readme.exists():
        return counts
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and cells[1].startswith("`") and cells[5].isdigit():
            counts[cells[1].strip("`")] = int(cells[5])
    return counts


@pytest.fixture
def samples() -> Path:
    """The shared samples folder; skips the test where ../shared is absent."""
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present")
    return SAMPLES


@pytest.fixture
def json_snapshot(snapshot: Any) -> Any:
    """A syrupy snapshot stored as readable JSON."""
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.fixture(scope="session")
def sarif_schema_validator() -> Any:
    """A jsonschema validator for the official SARIF 2.1.0 schema in ../shared/schemas."""
    path = SCHEMAS / "sarif" / "sarif-schema-2.1.0.json"
    if not path.exists():
        pytest.skip("../shared/schemas/sarif is not present")
    import jsonschema

    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


@pytest.fixture(scope="session")
def gitlab_schema_validator() -> Callable[[str], Any]:
    """Return a factory of jsonschema validators for GitLab's 15.2.1 report schemas by type."""
    directory = SCHEMAS / "gitlab"
    if not directory.is_dir():
        pytest.skip("../shared/schemas/gitlab is not present")
    import jsonschema

    def validator(report_type: str) -> Any:
        path = directory / f"{report_type}-report-format.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        return jsonschema.Draft7Validator(schema)

    return validator


def assert_valid_sarif(validator: Any, log: dict[str, Any]) -> None:
    """Fail with every schema error of `log`, not only the first."""
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])


def multitool_binary() -> str | None:
    """Return the SARIF Multitool binary: $SARIF_MULTITOOL, the one .ci/run installs, or PATH."""
    for candidate in (os.environ.get("SARIF_MULTITOOL"), str(MULTITOOL_IN_REPO)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("Sarif.Multitool")


@pytest.fixture(scope="session")
def multitool_errors(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], list[str]]:
    """Return a function listing the error-level results of ``validate --rule-kind Sarif;Ghas``."""
    binary = multitool_binary()
    if binary is None:
        pytest.skip("the SARIF Multitool is not installed")
    out_dir = tmp_path_factory.mktemp("multitool")

    def run(path: Path) -> list[str]:
        result_path = out_dir / f"{path.stem}.result.sarif"
        if result_path.exists():
            result_path.unlink()
        proc = subprocess.run(
            [binary, "validate", "--rule-kind", "Sarif;Ghas", "-o", str(result_path), str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
        )
        assert result_path.exists(), (
            f"multitool failed: {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
        )
        log = json.loads(result_path.read_text(encoding="utf-8-sig"))
        return [
            f"{r['ruleId']}: {r['message'].get('text', r['message'])}"
            for run_ in log["runs"]
            for r in run_.get("results", [])
            if r.get("level", "warning") == "error"
        ]

    return run


def run_cli(args: list[str], stdin: bytes | None = None) -> Result:
    """Run the sarifkit CLI in-process and return click's result (stdout, stderr, exit code)."""
    return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)


def sarif_result_count(log: dict[str, Any]) -> int:
    """Return the number of results over every run of a SARIF log."""
    return sum(len(run["results"]) for run in log["runs"])
