"""The ``sarifkit gitlab`` and ``sarifkit merge`` commands: outputs for GitLab and GitHub.

Registered on the main group by `sarifkit.cli`; writers are imported only when a command runs.
"""

from __future__ import annotations

import click

from sarifkit.cli import BASELINE_OPTION, REPORTS_ARGUMENT, TOOL_OPTION, read_reports


@click.command("gitlab")
@REPORTS_ARGUMENT
@TOOL_OPTION
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory for the gl-*-report.json files; created when missing.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["security", "codequality", "all"]),
    default="security",
    show_default=True,
    help="security: GitLab security reports (schema 15.2.1); codequality: "
    "gl-code-quality-report.json; all: both.",
)
def gitlab(reports: tuple[str, ...], tool: str | None, out_dir: str, output_format: str) -> None:
    """Write GitLab security reports (SAST, dependency, container, DAST, secrets) for REPORTs.

    One gl-<type>-report.json is written for each report type the inputs fill.
    """
    from pathlib import Path

    scans = read_reports(reports, tool)
    written: dict[Path, str] = {}
    if output_format in ("security", "all"):
        from sarifkit.writers.gitlab import write_reports

        for path, count in write_reports(scans, out_dir).items():
            written[path] = f"{count} vulnerabilit{'y' if count == 1 else 'ies'}"
    if output_format in ("codequality", "all"):
        from sarifkit.output import ensure_directory
        from sarifkit.writers.codequality import FILE_NAME, write_codequality

        directory = ensure_directory(out_dir)
        count = write_codequality(scans, directory / FILE_NAME)
        written[directory / FILE_NAME] = f"{count} issue{'' if count == 1 else 's'}"
    if not written:
        click.echo("sarifkit: no GitLab security report type fits these reports", err=True)
    for path, what in written.items():
        click.echo(f"sarifkit: wrote {path}: {what}", err=True)


@click.command("merge")
@REPORTS_ARGUMENT
@TOOL_OPTION
@BASELINE_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
def merge(
    reports: tuple[str, ...], tool: str | None, baseline: str | None, output: str | None
) -> None:
    """Merge SARIF logs and other REPORTs into one SARIF log, one run per tool and kind."""
    from sarifkit.merge import merge_scans
    from sarifkit.output import open_output
    from sarifkit.writers.sarif import write_sarif

    scans = merge_scans(read_reports(reports, tool))
    if baseline:
        from sarifkit.baseline import apply_baseline

        apply_baseline(scans, baseline)
    with open_output(output) as stream:
        write_sarif(scans, stream)
