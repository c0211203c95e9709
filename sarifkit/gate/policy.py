"""The gate's policy: thresholds per environment, score weights, waivers, read from TOML.

A policy is `sarifkit.toml`, or the ``[tool.sarifkit]`` table of `pyproject.toml`, read with the
standard library's `tomllib`. Every key is optional; what a file leaves out keeps the defaults
below, which are the pipeline's design: block on an open critical or high finding, on more than
5 open medium findings, on coverage at or below 80 % and on a security score under 80.

Layers, later ones winning: the built-in defaults, the built-in settings of the environment
(``development`` never blocks, ``production`` needs manual approval), the file's ``[gate]``
table, then the file's ``[environments.<name>]`` table.
"""

from __future__ import annotations

import logging
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sarifkit.errors import ConfigError
from sarifkit.model import ScanKind, Severity

logger = logging.getLogger(__name__)

#: Files looked for in the working directory when no ``--policy`` is given, in this order.
POLICY_FILES = ("sarifkit.toml", "pyproject.toml")

BUILTIN_SOURCE = "built-in defaults"


class _Strict(BaseModel):
    """Base of the policy's tables: an unknown key is a typo worth refusing."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Weights(_Strict):
    """Points an open finding of each severity takes off the security score of 100."""

    critical: float = Field(25.0, ge=0)
    high: float = Field(10.0, ge=0)
    medium: float = Field(3.0, ge=0)
    low: float = Field(1.0, ge=0)
    info: float = Field(0.0, ge=0)
    # NOTE: a finding whose severity the scanner did not give still counts, like a low one.
    unknown: float = Field(1.0, ge=0)

    def of(self, severity: Severity) -> float:
        """Return the weight of `severity`."""
        value: float = getattr(self, severity.value)
        return value


class ScoreSettings(_Strict):
    """The ``[score]`` table: weights and the OWASP Top 10 edition counted."""

    weights: Weights = Field(default_factory=Weights)
    owasp_edition: Literal["2021", "2025"] = "2025"
    owasp_components: bool = Field(
        True,
        description="Count findings of dependency and container scans in the Top 10 category "
        "of vulnerable components (A06:2021, A03:2025), besides their CWEs' categories.",
    )


class EnvironmentPolicy(_Strict):
    """The checks of one environment; None for a threshold turns that check off."""

    enforce: bool = Field(True, description="Whether failed checks block (false: report only).")
    manual_approval: bool = Field(False, description="Mark an approval as needing a person too.")
    branches: list[str] = Field(
        default_factory=list, description="Branch globs (GitLab CI) that select the environment."
    )
    max_critical: int | None = Field(0, ge=0)
    max_high: int | None = Field(0, ge=0)
    max_medium: int | None = Field(5, ge=0)
    max_low: int | None = Field(None, ge=0)
    coverage_above: float | None = Field(
        80.0, ge=0, le=100, description="Coverage must be above this percentage."
    )
    min_score: float | None = Field(80.0, ge=0, le=100)
    required_scans: list[ScanKind] = Field(default_factory=list)
    new_findings_only: bool = Field(
        False, description="Count only findings a baseline marks new (or that have no baseline)."
    )

    def max_for(self, severity: Severity) -> int | None:
        """Return the most open findings of `severity` allowed, or None when not limited."""
        value: int | None = getattr(self, f"max_{severity.value}", None)
        return value


_SELECTORS = ("fingerprint", "rule", "cve", "path")


class Waiver(_Strict):
    """An accepted risk: findings matching every selector given do not count until `expires`."""

    fingerprint: str | None = None
    rule: str | None = None
    cve: str | None = None
    path: str | None = Field(None, description="A glob over the finding's file, manifest or URL.")
    reason: str = Field(min_length=1)
    expires: date = Field(description="The last day the waiver applies.")

    @model_validator(mode="after")
    def _has_selector(self) -> Waiver:
        if not any(getattr(self, name) for name in _SELECTORS):
            raise ValueError(f"a waiver needs at least one of {', '.join(_SELECTORS)}")
        return self

    def selectors(self) -> dict[str, str]:
        """Return the selectors this waiver sets, by name."""
        return {name: value for name in _SELECTORS if (value := getattr(self, name))}

    def label(self) -> str:
        """Return a short description of the waiver, for messages."""
        return ", ".join(f"{k} {v}" for k, v in self.selectors().items())


class Policy(_Strict):
    """A whole policy file: environments, defaults for every environment, score, waivers."""

    gate: dict[str, Any] = Field(
        default_factory=dict, description="Environment settings applied to every environment."
    )
    environments: dict[str, dict[str, Any]] = Field(default_factory=dict)
    score: ScoreSettings = Field(default_factory=ScoreSettings)
    waivers: list[Waiver] = Field(default_factory=list)
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="Free-form values handed to Rego policies as input.params.",
    )
    source: str = Field(BUILTIN_SOURCE, exclude=True)

    @model_validator(mode="after")
    def _environments_valid(self) -> Policy:
        # Resolve each environment once so that a bad key fails when the file is read.
        for name in self.environment_names():
            self.environment(name)
        return self

    def environment_names(self) -> list[str]:
        """Return the built-in environments, then the file's own, in a stable order."""
        names = list(BUILTIN_ENVIRONMENTS)
        names.extend(sorted(n for n in self.environments if n not in BUILTIN_ENVIRONMENTS))
        return names

    def environment(self, name: str) -> EnvironmentPolicy:
        """Return the settings of environment `name`; raise `ConfigError` for an unknown one."""
        if name not in BUILTIN_ENVIRONMENTS and name not in self.environments:
            known = ", ".join(self.environment_names())
            raise ConfigError(f"{self.source}: unknown environment {name!r} (known: {known})")
        merged = {
            **BUILTIN_ENVIRONMENTS.get(name, {}),
            **self.gate,
            **self.environments.get(name, {}),
        }
        try:
            return EnvironmentPolicy.model_validate(merged)
        except ValidationError as exc:
            table = f"environments.{name}" if name in self.environments else "gate"
            raise ConfigError(f"{self.source}: {_first_error(exc, table)}") from None


#: What each built-in environment changes from `EnvironmentPolicy`'s defaults.
BUILTIN_ENVIRONMENTS: dict[str, dict[str, Any]] = {
    "development": {
        "enforce": False,
        # Reported, never blocking: a developer sees what staging would say.
        "required_scans": ["sast", "dependency", "container"],
    },
    "staging": {"branches": ["develop"], "required_scans": ["sast", "dependency", "container"]},
    "production": {
        "manual_approval": True,
        "branches": ["main"],
        # DAST runs against the staging deployment, so only production can require it.
        "required_scans": ["sast", "dependency", "container", "dast"],
    },
}

#: The environment of branches no environment claims.
FALLBACK_ENVIRONMENT = "development"


def _first_error(exc: ValidationError, prefix: str = "") -> str:
    """Return the first problem of a pydantic error as ``table.key: message``."""
    error = exc.errors()[0]
    location = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
    message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
    return f"{location}: {message}" if location else message


def parse_policy(data: dict[str, Any], source: str) -> Policy:
    """Return the policy in the TOML table `data`; raise `ConfigError` naming `source`."""
    try:
        return Policy.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_first_error(exc)}") from None


def read_policy(path: str | Path) -> Policy:
    """Read the policy file `path`: a ``sarifkit.toml`` or a ``pyproject.toml``.

    Raises `ConfigError` when the file cannot be read, is not TOML, or holds a bad policy.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read policy: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("sarifkit")
        if table is None:
            raise ConfigError(f"{path}: has no [tool.sarifkit] table")
        return parse_policy(table, f"{path} [tool.sarifkit]")
    return parse_policy(data, str(path))


def find_policy(explicit: str | Path | None, directory: Path | None = None) -> Policy:
    """Return the policy in `explicit`, else the first of `POLICY_FILES` that holds one.

    A ``pyproject.toml`` without a ``[tool.sarifkit]`` table is passed over; with no file at
    all, the built-in defaults apply.
    """
    if explicit is not None:
        return read_policy(explicit)
    base = directory or Path.cwd()
    for name in POLICY_FILES:
        candidate = base / name
        if not candidate.is_file():
            continue
        if name == "pyproject.toml" and not _has_tool_table(candidate):
            continue
        logger.debug("policy: using %s", candidate)
        return read_policy(candidate)
    return Policy()


def _has_tool_table(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return "sarifkit" in tomllib.load(stream).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        # A broken pyproject.toml that may not even be meant for us is not our error to raise.
        return False
