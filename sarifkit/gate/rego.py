"""Rego policies, evaluated in-process with regopy (rego-cpp) and compatible with OPA.

Convention: a policy module declares ``package sarifkit.<name>`` and may define ``deny`` and
``warn``, each a set of message strings (``deny contains msg if { ... }``, Rego v1 syntax or
``import rego.v1``). The gate queries ``data.sarifkit.<name>.deny`` and ``.warn`` for every
package under ``sarifkit``: any ``deny`` message fails that package's check and blocks where
the environment enforces its checks; ``warn`` messages are reported. Modules in other packages
are loaded as libraries the policies may import, and not queried themselves.

The input document is `input_document`; ``sarifkit gate --print-input`` writes it, so that the
same policies run under ``opa eval -d policies/ -i input.json data.sarifkit``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from sarifkit._version import __version__
from sarifkit.errors import ConfigError
from sarifkit.gate import facts, owasp
from sarifkit.gate.decision import Assessment
from sarifkit.gate.verdict import RegoReport
from sarifkit.model import Finding, Scan, ScanKind

logger = logging.getLogger(__name__)

#: Bumped when a field of the input document is removed or changes meaning.
INPUT_VERSION = "1"

_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_ERROR_MESSAGE = re.compile(r"\(errormsg \d+:([^)]*)\)")
_ROOT = "sarifkit"


class RegoUnavailableError(ConfigError):
    """regopy could not be imported, so Rego policies cannot run."""


@dataclass(frozen=True, slots=True)
class RegoModule:
    """One ``.rego`` file and the package it declares."""

    path: str
    package: str
    text: str


def bundled_policy_dir() -> Path:
    """Return the folder of the example policies shipped in `sarifkit.templates`."""
    return Path(str(resources.files("sarifkit.templates").joinpath("policies")))


def load_policy_dir(directory: str | Path) -> list[RegoModule]:
    """Return the ``.rego`` modules under `directory` (recursively, sorted by path).

    Raises `ConfigError` when the folder is missing, holds no module, a module is unreadable or
    declares no package, or no module declares a package under ``sarifkit``.
    """
    base = Path(directory)
    if not base.is_dir():
        raise ConfigError(f"{base}: no such policy directory")
    modules = [_read_module(path) for path in sorted(base.rglob("*.rego")) if path.is_file()]
    if not modules:
        raise ConfigError(f"{base}: holds no .rego policy")
    if not any(_is_gate_package(m.package) for m in modules):
        raise ConfigError(
            f"{base}: no policy declares a package under {_ROOT} (package {_ROOT}.<name>)"
        )
    return modules


def _read_module(path: Path) -> RegoModule:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read policy: {exc}") from None
    match = _PACKAGE.search(text)
    if match is None:
        raise ConfigError(f"{path}: not a Rego module: no package declaration")
    return RegoModule(str(path), match.group(1), text)


def _is_gate_package(package: str) -> bool:
    return package.startswith(f"{_ROOT}.")


def evaluate(modules: Sequence[RegoModule], document: dict[str, Any]) -> list[RegoReport]:
    """Return each gate package's deny and warn messages for the input `document`.

    Raises `RegoUnavailableError` without regopy, `ConfigError` for a module that does not
    compile or a query that fails.
    """
    interpreter = _interpreter()
    from regopy import RegoError

    for module in modules:
        try:
            interpreter.add_module(module.path, module.text)
        except RegoError as exc:
            raise ConfigError(f"{module.path}: not valid Rego: {_rego_message(exc)}") from None
    interpreter.set_input_term(orjson.dumps(document).decode("utf-8"))
    reports = []
    for package in sorted({m.package for m in modules if _is_gate_package(m.package)}):
        files = sorted(m.path for m in modules if m.package == package)
        reports.append(
            RegoReport(
                package=package,
                files=files,
                deny=_messages(interpreter, package, "deny"),
                warn=_messages(interpreter, package, "warn"),
            )
        )
    return reports


def require_regopy() -> Any:
    """Return the regopy module; raise `RegoUnavailableError` when it cannot be imported."""
    try:
        import regopy
    except (ImportError, OSError) as exc:  # OSError: its native library failed to load
        raise RegoUnavailableError(
            f"Rego policies need the regopy package, which cannot be imported: {exc}"
        ) from None
    return regopy


def _interpreter() -> Any:
    regopy = require_regopy()
    interpreter = regopy.Interpreter()
    # rego-cpp prints compile errors to stdout by default; they reach the user as one line.
    interpreter.log_level = regopy.LogLevel.NONE
    return interpreter


def _rego_message(exc: Exception) -> str:
    found = _ERROR_MESSAGE.findall(str(exc))
    return found[0].strip() if found else str(exc).strip().splitlines()[0]


def _messages(interpreter: Any, package: str, rule: str) -> list[str]:
    """Return the sorted messages of ``data.<package>.<rule>``; [] when it is undefined."""
    try:
        output = interpreter.query(f"data.{package}.{rule}")
    except ValueError as exc:
        # rego-cpp 1.x can print a string it built without escaping its quotes; regopy then
        # fails to read its own output.
        raise ConfigError(
            f"policy {package}: {rule} gave output regopy cannot read ({exc}); a message "
            "that sprintf builds from a concat result is the known cause"
        ) from None
    text = str(output)
    if not output.ok():
        first = next((line for line in text.splitlines() if line.strip()), "unknown error")
        raise ConfigError(f"policy {package}: evaluating {rule} failed: {first.strip()}")
    if text.strip() == "undefined" or not output.results:
        return []
    expressions = output.results[0].expressions
    value = expressions[0] if expressions else None
    if isinstance(value, dict):
        # A Rego v0 partial set written without `contains` comes back as {message: true}.
        items: list[Any] = [k for k, v in value.items() if v]
    elif isinstance(value, list):
        items = value
    elif value is None or value is False:
        items = []
    else:
        items = [value]
    return sorted(item if isinstance(item, str) else orjson.dumps(item).decode() for item in items)


def input_document(a: Assessment) -> dict[str, Any]:
    """Return the document Rego policies see as ``input`` (see the README's "Rego input")."""
    counted = {id(m.finding): c for c in a.tally.counted for m in c.members}
    edition = a.policy.score.owasp_edition
    return {
        "input_version": INPUT_VERSION,
        "sarifkit_version": __version__,
        "evaluated_on": a.today.isoformat(),
        "environment": {
            "name": a.choice.name,
            "reason": a.choice.reason,
            "enforce": a.environment.enforce,
            "manual_approval": a.environment.manual_approval,
        },
        "policy": {
            "source": a.policy.source,
            **a.environment.model_dump(mode="json"),
            "owasp_edition": edition,
            "weights": a.policy.score.weights.model_dump(mode="json"),
        },
        "params": a.policy.params,
        "scan_kinds": sorted({s.kind.value for s in a.scans}),
        "scans": [_scan(s) for s in a.scans],
        "coverage": a.coverage,
        "score": a.card.model_dump(mode="json"),
        "checks": [c.model_dump(mode="json") for c in a.checks],
        "waivers": _waivers(a),
        "findings": [
            _finding(scan, f, rules.get(f.rule_id), counted, edition)
            for scan, rules in ((s, s.rule_map()) for s in a.scans)
            for f in scan.findings
        ],
        "components": [
            {**c.model_dump(mode="json"), "scan_source": s.source}
            for s in a.scans
            for c in s.components
        ],
        "licenses": _licenses(a.scans),
    }


def _scan(scan: Scan) -> dict[str, Any]:
    return {
        "tool": scan.tool.name,
        "version": scan.tool.version,
        "kind": scan.kind.value,
        "source": scan.source,
        "target": scan.target,
        "successful": scan.successful,
        "metrics": scan.metrics,
        "findings": len(scan.findings),
        "components": len(scan.components),
    }


def _finding(
    scan: Scan, finding: Finding, rule: Any, counted: dict[int, Any], edition: str
) -> dict[str, Any]:
    item = counted.get(id(finding))
    cwes = facts.cwes(finding, rule)
    pkg = facts.package(finding)
    waived = any(s.source == "waiver" for s in finding.suppressions)
    return {
        "tool": scan.tool.name,
        "scan_kind": scan.kind.value,
        "scan_source": scan.source,
        "class": facts.finding_class(scan, finding),
        "rule_id": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity.value,
        "counted_severity": item.severity.value if item is not None else None,
        "confidence": finding.confidence.value,
        "status": finding.status.value,
        "open": item is not None,
        "duplicate": item is not None and item.entry.finding is not finding,
        "waived": waived,
        "waiver_reason": next(
            (s.justification for s in finding.suppressions if s.source == "waiver"), None
        ),
        "baseline_state": finding.baseline_state,
        "fingerprint": finding.fingerprint,
        "cwes": cwes,
        "cves": facts.cves(finding),
        "owasp": owasp.categories_for(cwes, edition),
        "location": facts.place(finding),
        "line": facts.line(finding),
        "package": None
        if pkg is None
        else {
            "name": pkg.name,
            "version": pkg.version,
            "ecosystem": pkg.ecosystem,
            "purl": pkg.purl,
            "fixed_versions": finding.fix.fixed_versions if finding.fix else [],
        },
    }


def _waivers(a: Assessment) -> list[dict[str, Any]]:
    return [
        {
            "index": o.index + 1,
            **o.waiver.model_dump(mode="json", exclude_none=True),
            "state": o.state,
            "findings": len(o.findings),
        }
        for o in a.waivers.outcomes
    ]


def _licenses(scans: Sequence[Scan]) -> list[dict[str, Any]]:
    """Return every license seen: SBOM components' licenses and license scans' findings."""
    found: list[dict[str, Any]] = []
    for scan in scans:
        for component in scan.components:
            found.extend(
                {
                    "license": name,
                    "package": component.name,
                    "version": component.version,
                    "from": "sbom",
                    "source": scan.source,
                    "status": "open",
                }
                for name in component.licenses
            )
        if scan.kind is not ScanKind.LICENSE:
            continue
        for finding in scan.findings:
            pkg = facts.package(finding)
            found.append(
                {
                    "license": next(iter(finding.identifier_values("license")), finding.rule_id),
                    "package": pkg.name if pkg else None,
                    "version": pkg.version if pkg else None,
                    "from": "license_scan",
                    "source": scan.source,
                    "status": finding.status.value,
                }
            )
    return found
