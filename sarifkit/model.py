"""The unified findings model: the one contract between parsers and everything else.

Vocabulary, used the same way across sarifkit:

* **scanner** – the tool that produced a report (Bandit, Trivy, ZAP...).
* **report** – one file a scanner wrote; a parser reads it into one or more `Scan` objects.
* **scan** – one run of one scanner over one target, with its rules, findings and metrics.
* **rule** – what a scanner checks for (a Bandit test, a CVE, a ZAP plugin, a Sonar rule).
* **finding** – one occurrence of a rule firing; it has a severity and one or more locations.
* **location** – where a finding shows up: source code, a package, or a web endpoint.
* **severity** – one of `Severity`, mapped from each scanner's words in `sarifkit.severity`.

Parsers build these objects and know nothing of SARIF, GitLab or scoring; writers, the score and
the gate read them and know nothing of the scanners' formats.
"""

from __future__ import annotations

import functools
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How bad a finding is, in sarifkit's single vocabulary (worst first)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """Return 5 for critical down to 0 for unknown, for sorting and comparisons."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 5,
    Severity.HIGH: 4,
    Severity.MEDIUM: 3,
    Severity.LOW: 2,
    Severity.INFO: 1,
    Severity.UNKNOWN: 0,
}


class Confidence(StrEnum):
    """How sure the scanner is that a finding is real."""

    CONFIRMED = "confirmed"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    FALSE_POSITIVE = "false_positive"
    UNKNOWN = "unknown"


class ScanKind(StrEnum):
    """What sort of scan produced the findings; it decides where GitLab shows them."""

    SAST = "sast"
    DEPENDENCY = "dependency"
    CONTAINER = "container"
    DAST = "dast"
    SECRET = "secret"
    IAC = "iac"
    LICENSE = "license"
    COVERAGE = "coverage"


class FindingCategory(StrEnum):
    """What sort of problem a finding is; only vulnerabilities and hotspots are security issues.

    Quality findings (bugs and code smells, from SonarQube) and license findings travel with the
    rest but are not security alerts: GitLab gets them in Code Quality only, SARIF marks them
    without ``security-severity``, and the gate reports them as metrics.
    """

    VULNERABILITY = "vulnerability"
    HOTSPOT = "hotspot"
    BUG = "bug"
    CODE_SMELL = "code_smell"
    LICENSE = "license"

    @property
    def is_security(self) -> bool:
        """Return whether findings of this category are security issues."""
        return self in (FindingCategory.VULNERABILITY, FindingCategory.HOTSPOT)


class FindingStatus(StrEnum):
    """Whether a finding still counts: only `open` findings count towards the score and gate."""

    OPEN = "open"
    SUPPRESSED = "suppressed"
    FIXED = "fixed"


class Model(BaseModel):
    """Base of every model class: unknown fields are refused, since sarifkit owns this shape."""

    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False)


class Rule(Model):
    """What a scanner checks for; findings refer to it by `id` within their scan."""

    id: str
    name: str | None = None
    short_description: str | None = None
    full_description: str | None = None
    help_text: str | None = None
    help_markdown: str | None = None
    help_uri: str | None = None
    tags: list[str] = Field(default_factory=list)
    cwes: list[int] = Field(default_factory=list)
    severity: Severity | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class CodeLocation(Model):
    """A place in a source file; lines and columns are 1-based, end column exclusive."""

    kind: Literal["code"] = "code"
    path: str
    start_line: int | None = None
    end_line: int | None = None
    start_column: int | None = None
    end_column: int | None = None
    snippet: str | None = None
    message: str | None = None
    image: str | None = None


class PackageLocation(Model):
    """A package as installed in a manifest, lock file or container image."""

    kind: Literal["package"] = "package"
    name: str
    version: str | None = None
    ecosystem: str | None = None
    purl: str | None = None
    manifest: str | None = None
    image: str | None = None
    operating_system: str | None = None
    layer: str | None = None
    path: str | None = None
    message: str | None = None


class WebLocation(Model):
    """An HTTP endpoint a dynamic scanner probed."""

    kind: Literal["web"] = "web"
    url: str
    method: str | None = None
    param: str | None = None
    attack: str | None = None
    evidence: str | None = None
    other_info: str | None = None
    request: str | None = None
    response: str | None = None
    message: str | None = None


Location = Annotated[CodeLocation | PackageLocation | WebLocation, Field(discriminator="kind")]


#: MITRE's page of a CWE, by number.
CWE_URL = "https://cwe.mitre.org/data/definitions/{}.html"


class Identifier(Model):
    """A name for a finding or its rule in some namespace: `cwe`, `cve`, `ghsa`, the tool's own."""

    type: str
    value: str
    url: str | None = None

    @classmethod
    def cwe(cls, number: int) -> Identifier:
        """Return the identifier ``CWE-<number>`` with its MITRE link, built once per number."""
        return _cwe_identifier(number)


@functools.lru_cache(maxsize=4096)
def _cwe_identifier(number: int) -> Identifier:
    # A few hundred CWEs recur across a large report: one shared object each.
    return Identifier(type="cwe", value=f"CWE-{number}", url=CWE_URL.format(number))


class Cvss(Model):
    """One CVSS rating as given by a source (NVD, a distribution, the vendor)."""

    version: str
    vector: str | None = None
    score: float | None = None
    source: str | None = None


class Fix(Model):
    """How to remediate: versions without the flaw and free-text advice."""

    fixed_versions: list[str] = Field(default_factory=list)
    remediation: str | None = None


class Suppression(Model):
    """Why a finding does not count: the scanner, a reviewer, a VEX statement or a waiver said so."""

    kind: Literal["in_source", "external"] = "external"
    status: Literal["accepted", "under_review", "rejected"] = "accepted"
    justification: str | None = None
    source: str | None = None


class Finding(Model):
    """One occurrence of a rule firing: the unit every output counts."""

    rule_id: str
    title: str
    description: str | None = None
    severity: Severity
    confidence: Confidence = Confidence.UNKNOWN
    category: FindingCategory = FindingCategory.VULNERABILITY
    locations: list[Location] = Field(default_factory=list)
    related_locations: list[Location] = Field(default_factory=list)
    code_flows: list[list[Location]] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(default_factory=list)
    cvss: list[Cvss] = Field(default_factory=list)
    fix: Fix | None = None
    references: list[str] = Field(default_factory=list)
    fingerprint: str = ""
    status: FindingStatus = FindingStatus.OPEN
    suppressions: list[Suppression] = Field(default_factory=list)
    baseline_state: Literal["new", "unchanged", "updated", "absent"] | None = None
    properties: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        """Return whether the finding counts: not suppressed and not fixed."""
        return self.status is FindingStatus.OPEN

    def identifier_values(self, kind: str) -> list[str]:
        """Return the values of every identifier of type `kind` (for example ``"cve"``)."""
        return [i.value for i in self.identifiers if i.type == kind]


class Tool(Model):
    """The scanner that produced a scan."""

    name: str
    version: str | None = None
    vendor: str | None = None
    information_uri: str | None = None


class Notification(Model):
    """A message the scanner reported about its own run (a file it could not parse, say)."""

    level: Literal["error", "warning", "note"] = "error"
    message: str
    path: str | None = None
    line: int | None = None


class Component(Model):
    """One entry of a software inventory (an SBOM package or a scanned dependency)."""

    name: str
    version: str | None = None
    type: str | None = None
    purl: str | None = None
    licenses: list[str] = Field(default_factory=list)
    path: str | None = None


class Scan(Model):
    """One run of one scanner over one target."""

    tool: Tool
    kind: ScanKind
    source: str = Field(description="The report this scan was read from, or '<stdin>'.")
    target: str | None = Field(None, description="What was scanned: an image, a project, a URL.")
    started_at: datetime | None = None
    ended_at: datetime | None = None
    successful: bool = True
    notifications: list[Notification] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)

    def rule_map(self) -> dict[str, Rule]:
        """Return the scan's rules keyed by id."""
        return {rule.id: rule for rule in self.rules}


class ScanBundle(Model):
    """Everything sarifkit read from a set of reports: the root of the findings model."""

    scans: list[Scan] = Field(default_factory=list)
