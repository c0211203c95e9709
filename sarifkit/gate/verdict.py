"""The gate's output: the verdict, its checks and the metrics, as pydantic models.

`Verdict` is what ``sarifkit gate --json`` writes; ``sarifkit gate --print-schema`` prints its
JSON Schema, which is also shipped as `sarifkit/gate/gate-verdict.schema.json`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: Bumped when a field is removed or changes meaning; adding fields keeps it.
SCHEMA_VERSION: Literal["1.0"] = "1.0"
SCHEMA_ID = "https://sarifkit.invalid/schemas/gate-verdict-1.0.json"

Rating = Literal["A", "B", "C", "D", "E"]
SEVERITIES = ("critical", "high", "medium", "low", "info", "unknown")


class _Out(BaseModel):
    """Base of the output models: closed shapes, so the schema says exactly what is written."""

    model_config = ConfigDict(extra="forbid")


class OwaspCategory(_Out):
    """Open findings in one OWASP Top 10 category."""

    id: str = Field(description="For example A05:2025.")
    name: str
    count: int = Field(ge=0)


class Owasp(_Out):
    """OWASP Top 10 counts through the CWE mapping, and the share of categories left clear."""

    edition: Literal["2021", "2025"]
    categories: list[OwaspCategory]
    unmapped: int = Field(ge=0, description="Open findings whose CWEs map to no category.")
    compliant_categories: int = Field(ge=0, le=10)
    compliance: float = Field(
        ge=0, le=100, description="Percent of the ten categories with no open finding."
    )


class NotCounted(_Out):
    """Findings read that do not count, by reason."""

    waived: int = Field(ge=0)
    suppressed: int = Field(ge=0, description="Suppressed by the scanner or a reviewer.")
    fixed: int = Field(ge=0)
    false_positive: int = Field(ge=0)
    not_new: int = Field(ge=0, description="Known to the baseline, under new_findings_only.")
    merged: int = Field(ge=0, description="Duplicates across scans, counted once.")
    not_security: int = Field(ge=0, description="Hotspots, bugs, code smells, license findings.")


class ScoreCard(_Out):
    """The security score, its rating and the counts behind them."""

    score: float = Field(ge=0, le=100)
    rating: Rating
    formula: str
    weights: dict[str, float]
    open_total: int = Field(ge=0)
    open_by_severity: dict[str, int]
    open_by_kind: dict[str, int]
    owasp: Owasp
    findings_total: int = Field(ge=0)
    not_counted: NotCounted


class Metrics(_Out):
    """The pipeline's metric list; None where no report given measures it."""

    coverage: float | None = Field(None, ge=0, le=100, description="Line coverage, percent.")
    code_smells: int | None = None
    technical_debt_minutes: float | None = None
    duplicated_lines_density: float | None = None
    bugs: int | None = None
    vulnerabilities: dict[str, int] = Field(description="Open vulnerabilities by severity.")
    hotspots: int
    owasp_top10_compliance: float = Field(ge=0, le=100)
    security_score: float = Field(ge=0, le=100)
    security_rating: Rating
    cves: dict[str, int] = Field(description="Distinct open CVE ids, by their worst severity.")
    packages_with_fix_available: int = Field(ge=0)
    license_findings: int = Field(ge=0)
    policy_violations: int = Field(ge=0, description="Failed checks, Rego denials included.")
    gate_status: Literal["approved", "blocked"]


class Check(_Out):
    """One check of the gate: what was measured, against what, and whether it passed."""

    id: str = Field(description="Stable id, for example findings.critical or scans.container.")
    name: str
    group: Literal["findings", "coverage", "score", "scans", "rego"]
    threshold: str = Field(description="The rule in words, for example '<= 0' or 'given'.")
    value: str = Field(description="What was found, in words.")
    passed: bool
    blocking: bool = Field(description="Failed in an environment that enforces its checks.")
    details: list[str] = Field(default_factory=list)


class EnvironmentInfo(_Out):
    """The environment gated for and why it was chosen."""

    name: str
    reason: str
    enforce: bool
    manual_approval: bool


class WaiverReport(_Out):
    """One waiver of the policy and what it did."""

    index: int = Field(ge=1, description="Position in the policy's waiver list, from 1.")
    selectors: dict[str, str]
    reason: str
    expires: date
    state: Literal["applied", "unused", "expired"]
    findings: int = Field(ge=0, description="Findings waived, or for expired ones, matched.")


class MergeMember(_Out):
    """A finding merged into another scan's."""

    tool: str
    kind: str
    source: str
    rule_id: str
    severity: str
    fingerprint: str


class MergeReport(_Out):
    """Findings from several scans counted once."""

    what: str
    severity: str
    members: list[MergeMember]


class ScanReport(_Out):
    """One scan read."""

    tool: str
    version: str | None
    kind: str
    source: str
    target: str | None
    successful: bool
    findings: int = Field(ge=0)


class RegoReport(_Out):
    """The outcome of one Rego package."""

    package: str
    files: list[str]
    deny: list[str]
    warn: list[str]


class ToolInfo(_Out):
    """The program that wrote the verdict."""

    name: Literal["sarifkit"] = "sarifkit"
    version: str


class Verdict(_Out):
    """The deploy gate's verdict: approve or block, every check, and the metrics behind them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"$id": SCHEMA_ID, "title": "sarifkit gate verdict"},
    )

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    tool: ToolInfo
    evaluated_on: date = Field(description="The day waiver expiry was judged against.")
    environment: EnvironmentInfo
    policy: str = Field(description="The policy file read, or 'built-in defaults'.")
    status: Literal["approved", "blocked"]
    would_block: bool = Field(description="A check failed, whether or not it is enforced.")
    manual_approval_required: bool
    exit_code: Literal[0, 1]
    summary: str
    checks: list[Check]
    warnings: list[str]
    metrics: Metrics
    score: ScoreCard
    waivers: list[WaiverReport]
    duplicates: list[MergeReport]
    scans: list[ScanReport]
    rego: list[RegoReport]


def verdict_schema() -> dict[str, object]:
    """Return the JSON Schema (draft 2020-12) of `Verdict`, as ``--print-schema`` prints it."""
    schema = Verdict.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
