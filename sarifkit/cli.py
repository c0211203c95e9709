"""The ``sarifkit`` command line: every command reads reports through the parser registry.

Exit codes: 0 success (or the gate approves), 1 the gate blocks, 2 bad usage or bad input.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError

from sarifkit._version import __version__
from sarifkit.errors import SarifkitError

logger = logging.getLogger("sarifkit")

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_ERROR = 2


class _Group(click.Group):
    """A click group that turns every error into one line on stderr and exit 2.

    sarifkit's own errors and click's usage errors (unknown option or command, bad value,
    missing report) print ``sarifkit: error: <message>``: click alone would print a usage line
    and a hint around the error. Bare ``sarifkit`` still prints its help, as click does.
    """

    class OneLineError(click.ClickException):
        """A click error shown as one ``sarifkit: error:`` line, exit 2."""

        exit_code = EXIT_ERROR

        def show(self, file: IO[Any] | None = None) -> None:
            """Print the one line on stderr."""
            click.echo(f"sarifkit: error: {self.format_message()}", file=file, err=True)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Parse the group's own options (outside `invoke`); their errors become one line."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise self.one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; sarifkit's errors and click's usage errors become one line."""
        try:
            return super().invoke(ctx)
        except SarifkitError as exc:
            logger.debug("failure details", exc_info=True)
            click.echo(f"sarifkit: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)
        except click.ClickException as exc:
            raise self.one_line(exc) from None

    @classmethod
    def one_line(cls, exc: click.ClickException) -> click.ClickException:
        """Return `exc` as a one-line error naming the command, or as is when it shows help."""
        if isinstance(exc, (cls.OneLineError, NoArgsIsHelpError)):
            return exc
        logger.debug("usage error", exc_info=exc)
        text = " ".join(exc.format_message().split())
        ctx = exc.ctx if isinstance(exc, click.UsageError) else None
        if ctx is not None:
            command = ctx.command_path.partition(" ")[2]
            text = f"{command}: {text}" if command else text
            text += f" (see '{ctx.command_path} --help')"
        return cls.OneLineError(text)


def _configure_logging(verbose: bool) -> None:
    """Send the package's log records to stderr, at DEBUG with ``-v`` or `SARIFKIT_LOGLEVEL`."""
    level_name = "DEBUG" if verbose else os.environ.get("SARIFKIT_LOGLEVEL", "WARNING").upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sarifkit: %(levelname)s: %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(getattr(logging, level_name, logging.WARNING))
    logger.propagate = False


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sarifkit")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details to stderr.")
def cli(verbose: bool) -> None:
    """Turn scanner reports into SARIF 2.1.0, GitLab reports and a deploy verdict."""
    _configure_logging(verbose)


def _tool_names() -> list[str]:
    from sarifkit.parsers import PARSERS

    return sorted(PARSERS)


# Annotated so that type checkers know them inside the command modules this one imports
# (sarifkit.cli_gitlab, sarifkit.cli_gate), which import them back: an import cycle.
_Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
TOOL_OPTION: _Decorator = click.option(
    "--tool",
    type=click.Choice(_tool_names()),
    default=None,
    help="Read every report with this parser instead of detecting the format.",
)
REPORTS_ARGUMENT: _Decorator = click.argument("reports", nargs=-1, metavar="[REPORT ...]")
BASELINE_OPTION: _Decorator = click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Previous SARIF log: mark findings new, unchanged, updated or absent against it.",
)


def read_reports(reports: tuple[str, ...], tool: str | None) -> list[Any]:
    """Return the scans in `reports`; a usage error when none are given."""
    if not reports:
        raise click.UsageError("give at least one report, or - to read stdin")
    from sarifkit.parsers import parse_paths

    return parse_paths(reports, tool)


@cli.command()
@REPORTS_ARGUMENT
@TOOL_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["sarif", "findings"]),
    default="sarif",
    show_default=True,
    help="sarif: SARIF 2.1.0 log; findings: sarifkit's findings model as JSON.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@BASELINE_OPTION
def convert(
    reports: tuple[str, ...],
    tool: str | None,
    output_format: str,
    output: str | None,
    baseline: str | None,
) -> None:
    """Convert scanner REPORTs (files, directories or - for stdin) into one output."""
    from sarifkit.output import open_output

    scans = read_reports(reports, tool)
    if baseline:
        from sarifkit.baseline import apply_baseline

        apply_baseline(scans, baseline)
    with open_output(output) as stream:
        if output_format == "sarif":
            from sarifkit.writers.sarif import write_sarif

            write_sarif(scans, stream)
        else:
            from sarifkit.model import ScanBundle

            stream.write(ScanBundle(scans=scans).model_dump_json(indent=2).encode() + b"\n")
    logger.debug("wrote %d scan(s), %d finding(s)", len(scans), sum(len(s.findings) for s in scans))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of sarifkit's findings model."""
    import json

    from sarifkit.model import ScanBundle

    click.echo(json.dumps(ScanBundle.model_json_schema(), indent=2, sort_keys=True))


def main() -> None:
    """Run the command line; the console script's entry point."""
    # The findings model holds no reference cycles and the process is short-lived, so the cyclic
    # collector would only rescan millions of live objects on a large report: on a 50k-finding
    # Bandit report it took over half of the conversion time.
    gc.disable()
    try:
        cli.main(prog_name="sarifkit")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    else:
        code = 0
    # Freeing a large model object by object at exit takes seconds and gives nothing back that
    # the operating system would not reclaim at once: flush what was written and leave.
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            # A reader that stopped early (`| head`) is not an error of ours.
            pass
    os._exit(code)


# Commands kept in their own modules; those modules import their writers only when run.
from sarifkit.cli_gitlab import gitlab, merge  # noqa: E402

cli.add_command(gitlab)
cli.add_command(merge)
from sarifkit.cli_gate import gate, score  # noqa: E402

cli.add_command(gate)
cli.add_command(score)
