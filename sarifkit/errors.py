"""Errors sarifkit raises on purpose; the CLI turns each into one line on stderr and exit 2."""

from __future__ import annotations


class SarifkitError(Exception):
    """Root of every error sarifkit raises on purpose; messages start with the file they concern."""


class InputError(SarifkitError):
    """A report could not be read: missing, empty, binary, too large, or not JSON/XML."""


class ParseError(SarifkitError):
    """A report was read but does not hold what its parser expects."""


class UnknownFormatError(InputError):
    """No parser recognised a report."""


class ConfigError(SarifkitError):
    """A policy, waiver or option is invalid."""


class OutputError(SarifkitError):
    """An output could not be written, or would exceed a limit the target enforces."""
