"""Test helpers shared by every test module: paths, samples, converting, SARIF checks, bad input.

Converting a fixture is cached for the session (`convert_log`, `sarif_file`): the snapshot, count,
schema and Multitool tests of one fixture all read one conversion. The SARIF Multitool runs once
over many logs (`Multitool.errors_by_file`) and still names the file each error belongs to.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

import pytest
from click.testing import CliRunner, Result
from sarifkit.parsers import parse_paths
from syrupy.extensions.json import JSONSnapshotExtension

from sarifkit.cli import cli
from sarifkit.model import Scan

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
# Turns off SARIF2006 (URIs should be reachable), a note-level rule that makes HTTP requests:
# it cannot add an error-level result, and without a network each lookup waits for a timeout.
MULTITOOL_CONFIG = Path(__file__).with_name("multitool.configuration.xml")
# Environment variables that change what `sarifkit convert` writes: part of the cache key.
OUTPUT_ENV_PREFIXES = ("SARIFKIT_", "SOURCE_DATE_EPOCH", "CI_")
K = TypeVar("K", bound=Hashable)


# --- paths and the shared samples ------------------------------------------------------------------


def fixture_path(*parts: str) -> Path:
    """Return the path of a file under `fixtures/`, asserting that it exists."""
    path = FIXTURES.joinpath(*parts)
    assert path.exists(), f"missing fixture {path}"
    return path


def repo_relative(path: Path | str) -> str:
    """Return `path` relative to the repo root when it is inside it: snapshots then hold no
    absolute path. Paths outside the repo (the shared samples) stay as they are."""
    path = Path(path)
    return (
        str(path.relative_to(REPO))
        if path.is_absolute() and path.is_relative_to(REPO)
        else str(path)
    )


def sample_files(folder: str, pattern: str = "*") -> list[Path]:
    """Return the shared sample reports in `folder`, or [] when ../shared is not there."""
    directory = SAMPLES / folder
    return sorted(p for p in directory.glob(pattern) if p.is_file()) if directory.is_dir() else []


# The samples folders of reports the parsers read (../shared/samples has others too).
SAMPLE_FOLDERS = ("bandit", "safety", "sonarqube", "trivy", "trivy-sbom", "zap")


def report_samples() -> list[Path]:
    """Return every shared sample report in SAMPLE_FOLDERS, recognised by a parser or not."""
    return [path for folder in SAMPLE_FOLDERS for path in sample_files(folder)]


def recognised_samples() -> list[Path]:
    """Return the shared sample reports a parser recognises (Bandit's xunit XML is not read)."""
    from sarifkit.parsers import detect

    from sarifkit.errors import UnknownFormatError
    from sarifkit.source import Source

    found = []
    for path in report_samples():
        try:
            detect(Source.read(path))
        except UnknownFormatError:
            continue
        found.append(path)
    return found


def _sample_rows() -> dict[str, list[str]]:
    """Return the cells of each row of ../shared/samples/README.md's table, by `folder/file`."""
    readme = SAMPLES / "README.md"
    if not readme.exists():
        return {}
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and cells[1].startswith("`"):
            rows[cells[1].strip("`")] = cells
    return rows


@functools.cache
def sample_counts() -> dict[str, int]:
    """Return the finding count that ../shared/samples/README.md lists per file name."""
    return {name: int(cells[5]) for name, cells in _sample_rows().items() if cells[5].isdigit()}


def sample_name(path: Path) -> str:
    """Return a sample's `folder/file` name, as the samples README lists it."""
    return f"{path.parent.name}/{path.name}"


def sample_count(path: Path) -> int:
    """Return the finding count the samples README lists for the sample `path`."""
    return sample_counts()[sample_name(path)]


def sample_detail(path: Path) -> str:
    """Return the README's detail column (what the sample holds) for the sample `path`."""
    rows = _sample_rows()
    assert sample_name(path) in rows, f"{sample_name(path)} is not in the samples README"
    return rows[sample_name(path)][6]


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


def benchmark_generator(name: str) -> ModuleType:
    """Import benchmarks/gen_<name>.py, the seeded generator of big reports, as a module."""
    path = REPO / "benchmarks" / f"gen_{name}.py"
    spec = importlib.util.spec_from_file_location(f"gen_{name}", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- running the CLI, parsing and converting --------------------------------------------------------


def run_cli(args: list[str], stdin: bytes | None = None) -> Result:
    """Run the sarifkit CLI in-process and return click's result (stdout, stderr, exit code)."""
    return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)


def parse_fixture(*inputs: Path | str) -> list[Scan]:
    """Parse `inputs` from the repo root by repo-relative paths, as the model snapshots hold them."""
    with contextlib.chdir(REPO):
        return parse_paths([repo_relative(p) for p in inputs])


@dataclass(frozen=True)
class Converted:
    """What one `sarifkit convert` printed."""

    exit_code: int
    stdout: str
    stderr: str


def _output_env() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(OUTPUT_ENV_PREFIXES)))


@functools.cache
def _convert(args: tuple[str, ...], env: tuple[tuple[str, str], ...]) -> Converted:
    with contextlib.chdir(REPO):
        result = run_cli(["convert", *args])
    return Converted(result.exit_code, result.stdout, result.stderr)


def converted(*args: Path | str) -> Converted:
    """Return what `sarifkit convert ARGS` prints from the repo root, inputs repo-relative.

    Cached for the session (by arguments and the environment that changes output), so every
    test of one fixture reads one conversion.
    """
    return _convert(tuple(repo_relative(a) for a in args), _output_env())


def convert_log(*args: Path | str) -> dict[str, Any]:
    """Return the SARIF log `sarifkit convert ARGS` prints, asserting it exits 0; a fresh copy."""
    result = converted(*args)
    assert result.exit_code == 0, result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    return log


@functools.cache
def _session_dir() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="sarifkit-tests-"))
    import atexit

    atexit.register(shutil.rmtree, directory, True)
    return directory


def sarif_file(*args: Path | str) -> Path:
    """Return a file holding the (cached) SARIF log of `sarifkit convert ARGS`, for the Multitool."""
    key = "\0".join(repo_relative(a) for a in args)
    name = Path(str(args[0])).name
    path = _session_dir() / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.sarif"
    if not path.exists():
        result = converted(*args)
        assert result.exit_code == 0, result.stderr
        path.write_text(result.stdout, encoding="utf-8")
    return path


def sarif_result_count(log: dict[str, Any]) -> int:
    """Return the number of results over every run of a SARIF log."""
    return sum(len(run["results"]) for run in log["runs"])


def run_result_counts(log: dict[str, Any]) -> list[int]:
    """Return the number of results of each run of a SARIF log, in order."""
    return [len(run["results"]) for run in log["runs"]]


# --- bad input ----------------------------------------------------------------------------------------


def case_ids(cases: Sequence[tuple[Any, ...]]) -> list[str]:
    """Return test ids for a (file name, extra CLI args, ...) table: the name and the args."""
    return [f"{case[0]}{case[1]}" for case in cases]


def assert_bad_input(args: list[str], tmp_path: Path, *expected: str) -> str:
    """Run the CLI with `args`, whose outputs all go under the empty `tmp_path`, on bad input.

    Asserts the contract for bad input: exit 2, exactly one line on stderr, holding every text in
    `expected` (the file's name and the problem), no traceback, and nothing written under
    `tmp_path`. Returns that line.
    """
    result = run_cli(args)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
    return lines[0]


def assert_convert_rejects(path: Path, args: list[str], message: str, tmp_path: Path) -> str:
    """`sarifkit convert ARGS PATH -o OUT` on a bad `path`: one line naming it and `message`."""
    out = tmp_path / "out.sarif"
    line = assert_bad_input(
        ["convert", *args, str(path), "-o", str(out)], tmp_path, str(path), message
    )
    assert not out.exists()
    return line


# --- validity: schemas and the SARIF Multitool -------------------------------------------------------


def _schema_errors(validator: Any, document: Any, limit: int) -> str:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:limit])


def assert_valid_sarif(validator: Any, log: dict[str, Any]) -> None:
    """Fail with every schema error of `log`, not only the first."""
    errors = _schema_errors(validator, log, 20)
    assert not errors, errors


def assert_valid_gitlab(validator: Callable[[str], Any], kind: str, report: dict[str, Any]) -> None:
    """Fail with the schema errors of a GitLab report of `kind` (e.g. ``dependency_scanning``)."""
    errors = _schema_errors(validator(kind.replace("_", "-")), report, 10)
    assert not errors, errors


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

    @functools.cache
    def validator(report_type: str) -> Any:
        path = directory / f"{report_type}-report-format.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        return jsonschema.Draft7Validator(schema)

    return validator


def multitool_binary() -> str | None:
    """Return the SARIF Multitool binary: $SARIF_MULTITOOL, the one .ci/run installs, or PATH."""
    for candidate in (os.environ.get("SARIF_MULTITOOL"), str(MULTITOOL_IN_REPO)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("Sarif.Multitool")


class Multitool:
    """Runs ``Sarif.Multitool validate --rule-kind "Sarif;Ghas"`` and lists error-level results.

    One process validates many logs (`errors_by_file`): its output names the log each result is
    about, so every error is still attributed to its own file. Results are cached per file.
    """

    def __init__(self, binary: str, out_dir: Path) -> None:
        self.binary = binary
        self.out_dir = out_dir
        self._runs = 0
        self._errors: dict[Path, list[str]] = {}

    def __call__(self, path: Path) -> list[str]:
        """Return the error-level results for the log at `path` (always validated afresh)."""
        self._errors.pop(path.resolve(), None)
        return self.errors_by_file([path])[path]

    def errors_by_file(self, paths: Sequence[Path]) -> dict[Path, list[str]]:
        """Return the error-level results per log, validating those not seen yet in one run."""
        todo = sorted({p.resolve() for p in paths} - set(self._errors))
        if todo:
            self._errors.update(self._validate(todo))
        return {p: self._errors[p.resolve()] for p in paths}

    def errors_of_conversions(self, cases: Mapping[K, Sequence[Path | str]]) -> dict[K, list[str]]:
        """Convert each case's inputs (`sarif_file`), validate all the logs in one run, and
        return the error-level results per case."""
        files = {case: sarif_file(*inputs) for case, inputs in cases.items()}
        by_file = self.errors_by_file(list(files.values()))
        return {case: by_file[file] for case, file in files.items()}

    def _validate(self, paths: list[Path]) -> dict[Path, list[str]]:
        self._runs += 1
        result_path = self.out_dir / f"run-{self._runs}.result.sarif"
        command = [self.binary, "validate", "--rule-kind", "Sarif;Ghas", "-o", str(result_path)]
        if MULTITOOL_CONFIG.exists():
            command += ["--config", str(MULTITOOL_CONFIG)]
        proc = subprocess.run(
            [*command, *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
            check=False,
        )
        assert result_path.exists(), (
            f"multitool failed: {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
        )
        log = json.loads(result_path.read_text(encoding="utf-8-sig"))
        errors: dict[Path, list[str]] = {p: [] for p in paths}
        for run in log["runs"]:
            for res in run.get("results", []):
                if res.get("level", "warning") != "error":
                    continue
                text = f"{res['ruleId']}: {res['message'].get('text', res['message'])}"
                about = _result_file(res)
                # An error not tied to one of the logs counts against all of them: never lost.
                for path in [about] if about in errors else paths:
                    errors[path].append(text)
        return errors


def _result_file(result: dict[str, Any]) -> Path | None:
    """Return the validated log a Multitool result is about (its first location's file URI)."""
    for location in result.get("locations", []):
        uri = location.get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
        if uri:
            parsed = urlparse(uri)
            return Path(unquote(parsed.path if parsed.scheme == "file" else uri)).resolve()
    return None


@pytest.fixture(scope="session")
def multitool(tmp_path_factory: pytest.TempPathFactory) -> Multitool:
    """The SARIF Multitool runner; skips the test where the Multitool is not installed."""
    binary = multitool_binary()
    if binary is None:
        pytest.skip("the SARIF Multitool is not installed")
    return Multitool(binary, tmp_path_factory.mktemp("multitool"))


@pytest.fixture(scope="session")
def multitool_errors(multitool: Multitool) -> Callable[[Path], list[str]]:
    """Return a function listing the error-level results of ``validate --rule-kind Sarif;Ghas``."""
    return multitool
