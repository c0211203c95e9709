"""The GitLab CI template's data flow: what each sarifkit command reads, some job wrote before.

GitLab hands a job the artifacts of the jobs in earlier stages (all of them, or only those its
``needs``/``dependencies`` list). These tests resolve ``extends``, find every file a job writes,
and check that each report a ``sarifkit`` command reads was written earlier in the same job or by
a job whose artifacts reach it; that the gate gets a coverage report; that SonarQube's searches
are read page by page (run against a stand-in ``curl``); and that production deploys by hand.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click
import pytest
from helpers import REPO

from sarifkit.cli import cli

yaml = pytest.importorskip("yaml")

TEMPLATE = REPO / "templates" / "gitlab-ci.yml"
_RESERVED = {"stages", "variables", "default", "workflow", "include"}
_SHELL_STOPS = {"||", "&&", ";", "|", ">", ">>", "2>&1", "<"}
# Where scripts name the files they write: an option's value, a redirect, or a copy's target.
_WRITES = [
    re.compile(r"(?:^|\s)(?:-o|--output|--outdir|--json|--junit|--markdown|--sarif)[\s=]+(\S+)"),
    re.compile(r">\s*(\S+)"),
    re.compile(r"--cov-report=xml:(\S+)"),
    re.compile(r'\bout="?([^"\s]+)"?'),
    re.compile(r"\bcp\s+\S+\s+(\S+)"),
]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge as GitLab's ``extends`` does: hashes deeply, anything else replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def jobs(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every job that runs (not hidden), with ``extends`` resolved."""
    raw = {k: v for k, v in template.items() if k not in _RESERVED and isinstance(v, dict)}

    def resolve(name: str) -> dict[str, Any]:
        job = raw[name]
        parents = job.get("extends") or []
        merged: dict[str, Any] = {}
        for parent in [parents] if isinstance(parents, str) else parents:
            merged = _merge(merged, resolve(parent))
        return _merge(merged, {k: v for k, v in job.items() if k != "extends"})

    return {name: resolve(name) for name in raw if not name.startswith(".")}


def _lines(job: dict[str, Any]) -> list[str]:
    return [str(line) for key in ("before_script", "script") for line in job.get(key) or []]


def _expand(text: str, job: dict[str, Any], template: dict[str, Any]) -> str:
    """Replace $VAR / ${VAR} by the job's or the template's value; unknown ones stay."""
    values = {**(template.get("variables") or {}), **(job.get("variables") or {})}

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return str(values[name]) if name in values else match.group(0)

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, text)


def _written(line: str) -> list[str]:
    return [m.group(1).strip("\"'") for pattern in _WRITES for m in pattern.finditer(line)]


def _covers(written: str, wanted: str) -> bool:
    """Return whether a file the script writes (maybe with $vars) is the report `wanted`."""
    concrete = re.sub(r"\$\{?\w+\}?", "1", written)  # one value the variable part may take
    return written == wanted or fnmatch.fnmatch(concrete, wanted)


def _sarifkit_calls(line: str) -> list[list[str]]:
    calls = []
    words = shlex.split(line, comments=True)
    for start, word in enumerate(words):
        # At the start of a command: `pip install sarifkit` is no call.
        if word == "sarifkit" and (start == 0 or words[start - 1] in _SHELL_STOPS):
            call = []
            for token in words[start + 1 :]:
                if token in _SHELL_STOPS:
                    break
                call.append(token)
            calls.append(call)
    return calls


def _reports(call: list[str]) -> list[str]:
    """Return the REPORT arguments of one sarifkit call: the words no option consumes."""
    command = cli.commands[call[0]]
    takes_value = {
        opt
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for opt in param.opts
    }
    reports, tokens = [], iter(call[1:])
    for token in tokens:
        if token.startswith("-"):
            if token in takes_value:
                next(tokens, None)
        else:
            reports.append(token)
    return reports


def _stage_index(template: dict[str, Any], job: dict[str, Any]) -> int:
    stages: list[str] = template["stages"]
    return stages.index(job.get("stage", "test"))


def _suppliers(
    name: str, jobs: dict[str, dict[str, Any]], template: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Return the jobs whose artifacts GitLab hands to job `name`."""
    job = jobs[name]
    earlier = {
        other: j
        for other, j in jobs.items()
        if _stage_index(template, j) < _stage_index(template, job)
    }
    if "needs" in job:
        needed = {n if isinstance(n, str) else n["job"] for n in job["needs"]}
        earlier = {k: v for k, v in jobs.items() if k in needed}
    if "dependencies" in job:
        earlier = {k: v for k, v in earlier.items() if k in job["dependencies"]}
    return earlier


def _kept(job: dict[str, Any], path: str) -> bool:
    """Return whether `path` (a file or a directory ending in /) is among the job's artifacts."""
    paths = [str(p) for p in (job.get("artifacts") or {}).get("paths") or []]
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in paths)


def _writes_of(job: dict[str, Any], template: dict[str, Any]) -> list[str]:
    return [_expand(w, job, template) for line in _lines(job) for w in _written(line)]


def test_every_report_sarifkit_reads_was_written_before(
    jobs: dict[str, dict[str, Any]], template: dict[str, Any]
) -> None:
    checked = 0
    for name, job in jobs.items():
        lines = _lines(job)
        for number, line in enumerate(lines):
            for call in _sarifkit_calls(_expand(line, job, template)):
                for report in _reports(call):
                    checked += 1
                    before = [w for earlier in lines[:number] for w in _written(earlier)]
                    here = any(_covers(_expand(w, job, template), report) for w in before)
                    suppliers = _suppliers(name, jobs, template)
                    if report.endswith("/"):
                        # A folder of reports: some job handing its artifacts here keeps it.
                        given = [s for s, j in suppliers.items() if _kept(j, report)]
                    else:
                        given = [
                            s
                            for s, j in suppliers.items()
                            if any(
                                _covers(w, report) and _kept(j, w) for w in _writes_of(j, template)
                            )
                        ]
                    assert here or given, (
                        f"{name}: sarifkit {' '.join(call)}: nothing writes {report}"
                    )
    assert checked >= 12


def test_the_gates_get_a_coverage_report(
    jobs: dict[str, dict[str, Any]], template: dict[str, Any]
) -> None:
    writers = {
        name
        for name, job in jobs.items()
        if any(w == "raw/coverage.xml" for w in _writes_of(job, template))
        and _kept(job, "raw/coverage.xml")
    }
    assert writers, "no job writes raw/coverage.xml and keeps it as an artifact"
    gates = [name for name, job in jobs.items() if any("sarifkit gate" in ln for ln in _lines(job))]
    assert sorted(gates) == ["gate-production", "gate-staging"]
    for gate in gates:
        assert writers & set(_suppliers(gate, jobs, template)), f"{gate} gets no coverage report"
        call = next(c for ln in _lines(jobs[gate]) for c in _sarifkit_calls(ln) if c[0] == "gate")
        assert any(_covers("raw/coverage.xml", r) or r == "raw/" for r in _reports(call))


def test_unit_tests_write_cobertura_with_pytest_cov(jobs: dict[str, dict[str, Any]]) -> None:
    script = " ".join(_lines(jobs["unit-tests"]))
    assert "pytest-cov" in script and "--cov-report=xml:raw/coverage.xml" in script
    reports = jobs["unit-tests"]["artifacts"]["reports"]
    assert reports["coverage_report"] == {
        "coverage_format": "cobertura",
        "path": "raw/coverage.xml",
    }


def test_production_deploy_is_manual(jobs: dict[str, dict[str, Any]]) -> None:
    deploy = jobs["deploy-production"]
    assert deploy["environment"] == "production"
    rules = deploy["rules"]
    assert rules and all(rule.get("when") == "manual" for rule in rules)
    assert deploy.get("allow_failure") is False  # a blocked pipeline waits for the person
    assert "gate-production" in deploy["needs"]


# --- SonarQube: every page, the hotspots and the measures ------------------------------------

ISSUES, HOTSPOTS = 1234, 230
_FAKE_CURL = r"""
import json, os, sys
from urllib.parse import parse_qs, urlsplit

ISSUES, HOTSPOTS = int(os.environ["FAKE_ISSUES"]), int(os.environ["FAKE_HOTSPOTS"])

args = sys.argv[1:]
out = args[args.index("-o") + 1]
url = urlsplit(args[-1])
query = {k: v[0] for k, v in parse_qs(url.query).items()}
with open(sys.argv[0] + ".log", "a") as log:
    log.write(args[-1] + "\n")
api = url.path.lstrip("/")
page = int(query.get("p", 1))
if api == "api/measures/component":
    keys = query["metricKeys"].split(",")
    values = {"coverage": "76.5", "security_hotspots": "%d" % HOTSPOTS}
    measures = [{"metric": k, "value": values.get(k, "3")} for k in keys]
    doc = {"component": {"key": "proj", "qualifier": "TRK", "measures": measures}}
else:
    hotspots = api == "api/hotspots/search"
    # The hotspots search serves at most 100 a page, whatever ps asks for.
    size = min(int(query["ps"]), 100 if hotspots else 500)
    total = HOTSPOTS if hotspots else ISSUES
    numbers = range((page - 1) * size + 1, min(page * size, total) + 1)
    paging = {"pageIndex": page, "pageSize": size, "total": total}
    if hotspots:
        items = [
            {"key": "H%d" % n, "component": "proj:app.py", "project": "proj", "line": n,
             "securityCategory": "sql-injection", "vulnerabilityProbability": "HIGH",
             "status": "TO_REVIEW", "message": "Hotspot %d" % n, "ruleKey": "python:S2077"}
            for n in numbers
        ]
        doc = {"paging": paging, "hotspots": items, "components": []}
    else:
        items = [
            {"key": "I%d" % n, "rule": "python:S1481", "severity": "MINOR",
             "component": "proj:app.py", "project": "proj", "line": n, "status": "OPEN",
             "message": "Issue %d" % n, "type": "CODE_SMELL"}
            for n in numbers
        ]
        doc = {"total": total, "p": page, "ps": size, "paging": paging, "issues": items,
               "components": [{"key": "proj:app.py", "path": "app.py", "qualifier": "FIL"}]}
with open(out, "w") as f:
    json.dump(doc, f)
"""


def _sonar_fetch_lines(jobs: dict[str, dict[str, Any]]) -> list[str]:
    """Return the SonarQube job's script lines that fetch, without the install and sarifkit."""
    lines = [str(line) for line in jobs["sonarqube-sast"]["script"]]
    return [ln for ln in lines if not ln.startswith(("apt-get", "sarifkit", "mkdir -p gl"))]


def test_sonarqube_fetches_every_page_hotspots_and_measures(
    jobs: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    curl = bin_dir / "curl"
    curl.write_text(f"#!{sys.executable}\n{_FAKE_CURL}")
    curl.chmod(0o755)
    python3 = bin_dir / "python3"
    python3.symlink_to(sys.executable)
    work = tmp_path / "work"
    (work / "raw").mkdir(parents=True)
    script = "set -eu\n" + "\n".join(_sonar_fetch_lines(jobs)) + "\n"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "SONAR_HOST_URL": "https://sonar.invalid",
        "SONAR_TOKEN": "t",
        "SONAR_PROJECT_KEY": "proj",
        "FAKE_ISSUES": str(ISSUES),
        "FAKE_HOTSPOTS": str(HOTSPOTS),
    }
    proc = subprocess.run(
        ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    requests = (bin_dir / "curl.log").read_text().split()
    paths = [urlsplit(url).path for url in requests]
    assert paths.count("/api/issues/search") == 3  # 1234 issues, 500 a page
    assert paths.count("/api/hotspots/search") == 3  # 230 hotspots, 100 a page
    assert paths.count("/api/measures/component") == 1
    measures = next(url for url in requests if "measures" in url)
    keys = parse_qs(urlsplit(measures).query)["metricKeys"][0].split(",")
    assert {"coverage", "security_hotspots", "duplicated_lines_density", "sqale_index"} <= set(keys)
    from sarifkit.parsers import parse_paths

    scans = parse_paths([str(work / "raw")])
    by_api = {scan.properties.get("api"): scan for scan in scans}
    assert len(by_api["api/issues/search"].findings) == ISSUES
    assert len(by_api["api/hotspots/search"].findings) == HOTSPOTS
    assert by_api["api/measures/component"].metrics["coverage"] == 76.5
    assert all(not scan.notifications for scan in scans), [s.notifications for s in scans]


def test_sonarqube_conversions_read_every_fetched_file(jobs: dict[str, dict[str, Any]]) -> None:
    script = [str(line) for line in jobs["sonarqube-sast"]["script"]]
    calls = [c for ln in script for c in _sarifkit_calls(ln)]
    assert [c[0] for c in calls] == ["convert", "gitlab"]
    for call in calls:
        assert _reports(call) == ["raw/sonarqube-*.json"]
    fetched = [w for ln in script for w in _written(ln)]
    assert {"raw/sonarqube-$1-$page.json", "raw/sonarqube-measures.json"} <= set(fetched)
    assert all(_covers(w, "raw/sonarqube-*.json") for w in fetched if w.startswith("raw/"))
