"""The GitLab CI template: it parses, has the stages and reports, and runs real sarifkit options."""

from __future__ import annotations

import shlex
from typing import Any

import click
import pytest
from helpers import REPO

from sarifkit.cli import cli

yaml = pytest.importorskip("yaml")

TEMPLATE = REPO / "templates" / "gitlab-ci.yml"
STAGES = ["build", "test", "sast", "build-image", "dast", "container-scan", "policy", "deploy"]
REPORT_KINDS = {
    "sast",
    "dependency_scanning",
    "container_scanning",
    "dast",
    "secret_detection",
    "codequality",
    "sarif",
    "junit",
}
_SHELL_STOPS = {"||", "&&", ";", "|", ">", "2>&1"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return doc


def _jobs(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: job
        for name, job in template.items()
        if isinstance(job, dict) and name not in ("variables", "default", "workflow")
    }


def _script_lines(template: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for job in _jobs(template).values():
        for key in ("before_script", "script", "after_script"):
            lines.extend(str(line) for line in job.get(key) or [])
    return lines


def _sarifkit_calls(template: dict[str, Any]) -> list[list[str]]:
    """Return each ``sarifkit ...`` invocation in the scripts, as its words up to a shell operator."""
    calls = []
    for line in _script_lines(template):
        words = shlex.split(line)
        for start, word in enumerate(words):
            if word == "sarifkit":
                call = []
                for token in words[start + 1 :]:
                    if token in _SHELL_STOPS:
                        break
                    call.append(token)
                calls.append(call)
    return calls


def _options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}


def test_stages(template: dict[str, Any]) -> None:
    assert template["stages"] == STAGES
    used = {job.get("stage") for job in _jobs(template).values()} - {None}
    assert used == set(STAGES)


def test_every_report_kind_is_declared(template: dict[str, Any]) -> None:
    declared = {
        kind
        for job in _jobs(template).values()
        for kind in ((job.get("artifacts") or {}).get("reports") or {})
    }
    assert declared >= REPORT_KINDS


def test_gitlab_report_files_match_what_sarifkit_writes(template: dict[str, Any]) -> None:
    from sarifkit.writers.codequality import FILE_NAME
    from sarifkit.writers.gitlab import FILE_NAMES

    names = {**FILE_NAMES, "codequality": FILE_NAME}
    for job in _jobs(template).values():
        reports = (job.get("artifacts") or {}).get("reports") or {}
        for kind, path in reports.items():
            if kind in names:
                assert str(path).endswith(names[kind]), (kind, path)


def test_every_sarifkit_command_and_option_exists(template: dict[str, Any]) -> None:
    calls = _sarifkit_calls(template)
    assert {call[0] for call in calls} >= {"convert", "gitlab", "merge", "gate"}
    for call in calls:
        command = cli.commands.get(call[0])
        assert command is not None, f"no sarifkit command {call[0]!r}"
        options = _options(command)
        for token in call[1:]:
            if token.startswith("-"):
                assert token.split("=", 1)[0] in options, f"sarifkit {call[0]}: no option {token}"


def test_gate_runs_per_environment_and_production_is_manual(template: dict[str, Any]) -> None:
    jobs = _jobs(template)
    gates = {
        name: job["variables"]["GATE_ENVIRONMENT"]
        for name, job in jobs.items()
        if job.get("extends") == ".gate"
    }
    assert sorted(gates.values()) == ["production", "staging"]
    assert "--environment" in " ".join(jobs[".gate"]["script"])
    assert "gate-staging" in jobs["deploy-staging"]["needs"]
    assert "gate-production" in jobs["deploy-production"]["needs"]
    assert not any(name.startswith("gate") for name in jobs["deploy-development"]["needs"])
    assert [rule.get("when") for rule in jobs["deploy-production"]["rules"]] == ["manual"]
    for name in ("deploy-development", "deploy-staging"):
        assert "manual" not in str(jobs[name].get("rules", ""))


def test_template_ships_in_the_package() -> None:
    from importlib import resources

    shipped = resources.files("sarifkit.templates").joinpath("gitlab-ci.yml")
    assert shipped.is_file()
