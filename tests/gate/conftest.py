"""Builders of small findings models for the gate tests, so each case states only what matters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from sarifkit.fingerprint import assign_fingerprints
from sarifkit.model import (
    CodeLocation,
    Confidence,
    Finding,
    FindingCategory,
    FindingStatus,
    Fix,
    Identifier,
    PackageLocation,
    Scan,
    ScanKind,
    Severity,
    Suppression,
    Tool,
)

TOOLS = {
    ScanKind.SAST: "Bandit",
    ScanKind.DEPENDENCY: "Safety",
    ScanKind.CONTAINER: "Trivy",
    ScanKind.DAST: "OWASP ZAP",
    ScanKind.SECRET: "Trivy",
    ScanKind.IAC: "Trivy",
    ScanKind.LICENSE: "Trivy",
    ScanKind.COVERAGE: "coverage.py",
}


class Build:
    """Makes findings and scans with sensible defaults."""

    counter = 0

    def finding(
        self,
        severity: str = "high",
        rule: str | None = None,
        path: str = "app/views.py",
        cve: str | None = None,
        package: str | None = None,
        version: str = "1.0",
        cwe: int | None = None,
        status: FindingStatus = FindingStatus.OPEN,
        baseline: Any = None,
        confidence: Confidence = Confidence.HIGH,
        fixed: Sequence[str] = (),
        properties: dict[str, Any] | None = None,
        suppressed_by: str | None = None,
        category: FindingCategory = FindingCategory.VULNERABILITY,
    ) -> Finding:
        """Return one finding: in a package when `package` is given, else in `path`."""
        Build.counter += 1
        identifiers = []
        if cve:
            identifiers.append(Identifier(type="cve", value=cve))
        if cwe:
            identifiers.append(Identifier(type="cwe", value=f"CWE-{cwe}"))
        location: Any
        if package:
            location = PackageLocation(name=package, version=version, manifest="requirements.txt")
        else:
            location = CodeLocation(
                path=path, start_line=Build.counter, snippet=f"line {Build.counter}"
            )
        return Finding(
            rule_id=rule or cve or f"R{Build.counter}",
            title=f"{severity} finding {Build.counter}",
            severity=Severity(severity),
            confidence=confidence,
            locations=[location],
            identifiers=identifiers,
            fix=Fix(fixed_versions=list(fixed)) if fixed else None,
            status=status,
            suppressions=[Suppression(justification="x", source=suppressed_by)]
            if suppressed_by
            else [],
            baseline_state=baseline,
            properties=properties or {},
            category=category,
        )

    def scan(
        self,
        kind: ScanKind | str = ScanKind.SAST,
        findings: Sequence[Finding] = (),
        tool: str | None = None,
        metrics: dict[str, float] | None = None,
        source: str | None = None,
        successful: bool = True,
    ) -> Scan:
        """Return a scan of `kind` holding `findings`, fingerprinted as the registry does."""
        kind = ScanKind(kind)
        name = tool or TOOLS[kind]
        scan = Scan(
            tool=Tool(name=name),
            kind=kind,
            source=source or f"{name.lower().replace(' ', '-')}-{kind.value}.json",
            findings=list(findings),
            metrics=metrics or {},
            successful=successful,
        )
        assign_fingerprints(scan)
        return scan

    def many(self, count: int, severity: str, **kwargs: Any) -> list[Finding]:
        """Return `count` findings of `severity`."""
        return [self.finding(severity, **kwargs) for _ in range(count)]

    def clean_pipeline(self, *extra: Scan, coverage: float | None = 90.0) -> list[Scan]:
        """Return the scans of a pipeline that passes every default check, plus `extra`."""
        scans = [
            self.scan(ScanKind.SAST),
            self.scan(ScanKind.DEPENDENCY),
            self.scan(ScanKind.CONTAINER),
            self.scan(ScanKind.DAST),
        ]
        if coverage is not None:
            scans.append(self.scan(ScanKind.COVERAGE, metrics={"coverage": coverage}))
        return scans + list(extra)


@pytest.fixture
def build() -> Build:
    """The findings and scans builder."""
    return Build()
