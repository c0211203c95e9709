"""The ``sarifkit gate`` and ``sarifkit score`` commands.

Registered on the main group by `sarifkit.cli`; the gate package is imported only when one of
these commands runs, so ``sarifkit convert`` does not pay for it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from typing import Any

import click

from sarifkit.cli import (
    BASELINE_OPTION,
    EXIT_BLOCKED,
    REPORTS_ARGUMENT,
    TOOL_OPTION,
    read_reports,
)

_OUTPUT = click.Path(dir_okay=False, allow_dash=True)

POLICY_OPTION = click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    help="Policy TOML: a sarifkit.toml, or a pyproject.toml with [tool.sarifkit] "
    "(default: ./sarifkit.toml, else ./pyproject.toml, else built-in defaults).",
)
ENVIRONMENT_OPTION = click.option(
    "--environment",
    metavar="NAME",
    help="development, staging, production or one the policy defines "
    "(default: from GitLab CI's branch variables).",
)
TODAY_OPTION = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge waiver expiry as of this day, YYYY-MM-DD (default: today, UTC).",
)


def _today(value: datetime | None) -> date:
    return value.date() if value is not None else datetime.now(UTC).date()


@click.command()
@REPORTS_ARGUMENT
@TOOL_OPTION
@ENVIRONMENT_OPTION
@POLICY_OPTION
@click.option(
    "--policy-dir",
    "policy_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Load the .rego policies in DIR (package sarifkit.<name>); repeatable.",
)
@click.option(
    "--bundled-policies", is_flag=True, help="Also run the example Rego policies sarifkit ships."
)
@click.option("--json", "json_out", type=_OUTPUT, help="Write the verdict and metrics as JSON.")
@click.option("--junit", type=_OUTPUT, help="Write JUnit XML, one test case per check.")
@click.option("--markdown", type=_OUTPUT, help="Write a Markdown summary for a merge request.")
@click.option("--sarif", type=_OUTPUT, help="Write SARIF 2.1.0, waived findings suppressed.")
@TODAY_OPTION
@BASELINE_OPTION
@click.option(
    "--print-input", is_flag=True, help="Write the Rego input document to stdout and stop."
)
@click.option(
    "--print-schema", is_flag=True, help="Print the JSON Schema of the --json output and stop."
)
@click.pass_context
def gate(
    ctx: click.Context,
    reports: tuple[str, ...],
    tool: str | None,
    environment: str | None,
    policy_file: str | None,
    policy_dirs: tuple[str, ...],
    bundled_policies: bool,
    json_out: str | None,
    junit: str | None,
    markdown: str | None,
    sarif: str | None,
    today: datetime | None,
    baseline: str | None,
    print_input: bool,
    print_schema: bool,
) -> None:
    """Decide whether the findings in REPORTs allow a deploy: exit 0 approves, 1 blocks."""
    from sarifkit.gate import verdict_schema

    if print_schema:
        click.echo(json.dumps(verdict_schema(), indent=2, sort_keys=True))
        return
    from sarifkit.gate import assess, choose_environment, decide, find_policy
    from sarifkit.gate import rego as rego_mod

    policy = find_policy(policy_file)
    choice = choose_environment(policy, environment, os.environ)
    modules = [m for d in policy_dirs for m in rego_mod.load_policy_dir(d)]
    if bundled_policies:
        modules += rego_mod.load_policy_dir(rego_mod.bundled_policy_dir())
    if modules and not print_input:
        rego_mod.require_regopy()  # fail before reading reports, not after
    scans = read_reports(reports, tool)
    if baseline:
        from sarifkit.baseline import apply_baseline

        apply_baseline(scans, baseline)
    assessment = assess(scans, policy, choice, _today(today))
    if print_input:
        _write(None, _json_bytes(rego_mod.input_document(assessment)))
        return
    reports_rego = (
        rego_mod.evaluate(modules, rego_mod.input_document(assessment)) if modules else []
    )
    verdict = decide(assessment, reports_rego)
    from sarifkit.errors import SarifkitError
    from sarifkit.gate.report import render_text

    to_stderr = "-" in (json_out, junit, markdown, sarif)
    try:
        _write_all(_build_outputs(verdict, scans, json_out, junit, markdown, sarif))
    except SarifkitError:
        # The verdict was reached: show it, then let the output error end the run with exit 2.
        click.echo(render_text(verdict), nl=False, err=to_stderr)
        raise
    click.echo(render_text(verdict), nl=False, err=to_stderr)
    if verdict.exit_code:
        ctx.exit(EXIT_BLOCKED)


def _build_outputs(
    verdict: Any,
    scans: list[Any],
    json_out: str | None,
    junit: str | None,
    markdown: str | None,
    sarif: str | None,
) -> list[tuple[str, bytes]]:
    """Return (path, bytes) of each output asked for, all built in memory before any is written.

    Raises `OutputError` when one cannot be built, e.g. SARIF over the runs a log may hold.
    """
    from sarifkit.gate.report import render_junit, render_markdown

    outputs: list[tuple[str, bytes]] = []
    if json_out:
        outputs.append((json_out, verdict.model_dump_json(indent=2).encode("utf-8") + b"\n"))
    if junit:
        outputs.append((junit, render_junit(verdict)))
    if markdown:
        outputs.append((markdown, render_markdown(verdict).encode("utf-8")))
    if sarif:
        import io

        from sarifkit.writers.sarif import write_sarif

        buffer = io.BytesIO()
        write_sarif(scans, buffer)
        outputs.append((sarif, buffer.getvalue()))
    return outputs


def _write_all(outputs: list[tuple[str, bytes]]) -> None:
    """Write every output or none: each to a temporary file, all renamed into place at the end.

    Opening every temporary file first means a missing or unwritable directory for one output
    (an `OutputError`) leaves no other output behind, not even a stale half of the set.
    """
    from contextlib import ExitStack

    from sarifkit.output import open_output

    with ExitStack() as stack:
        streams = [(stack.enter_context(open_output(path)), data) for path, data in outputs]
        for stream, data in streams:
            stream.write(data)


def _write(path: str | None, data: bytes) -> None:
    from sarifkit.output import write_bytes

    write_bytes(path, data)


def _json_bytes(document: Any) -> bytes:
    import orjson

    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


@click.command()
@REPORTS_ARGUMENT
@TOOL_OPTION
@ENVIRONMENT_OPTION
@POLICY_OPTION
@click.option("--json", "json_out", type=_OUTPUT, help="Write the score card as JSON.")
@TODAY_OPTION
def score(
    reports: tuple[str, ...],
    tool: str | None,
    environment: str | None,
    policy_file: str | None,
    json_out: str | None,
    today: datetime | None,
) -> None:
    """Print the security score of the findings in REPORTs, and the counts behind it."""
    from sarifkit.gate import choose_environment, compute_score, find_policy
    from sarifkit.gate.report import render_score

    policy = find_policy(policy_file)
    choice = choose_environment(policy, environment, os.environ)
    scans = read_reports(reports, tool)
    card = compute_score(scans, policy, _today(today), policy.environment(choice.name))
    if json_out:
        _write(json_out, card.model_dump_json(indent=2).encode("utf-8") + b"\n")
    click.echo(render_score(card), nl=False, err=json_out == "-")
