"""Every scanner's severity and confidence words mapped to sarifkit's, in one place.

| scanner            | critical          | high                 | medium        | low          | info          |
|--------------------|-------------------|----------------------|---------------|--------------|---------------|
| Bandit             | –                 | HIGH                 | MEDIUM        | LOW          | UNDEFINED     |
| Trivy              | CRITICAL          | HIGH                 | MEDIUM        | LOW          | – (UNKNOWN)   |
| SonarQube severity | BLOCKER           | CRITICAL             | MAJOR         | MINOR        | INFO          |
| SonarQube impact   | BLOCKER           | HIGH                 | MEDIUM        | LOW          | INFO          |
| Sonar hotspot      | –                 | HIGH probability     | MEDIUM        | LOW          | –             |
| ZAP riskcode       | –                 | 3 High               | 2 Medium      | 1 Low        | 0 Info        |
| CVSS v3/v4 score   | 9.0–10.0          | 7.0–8.9              | 4.0–6.9       | 0.1–3.9      | 0.0           |
| CycloneDX rating   | critical          | high                 | medium        | low          | info, none    |
| SARIF level        | –                 | error                | warning       | note         | none          |

Words not in a table map to `Severity.UNKNOWN`. Bandit has no "critical"; SonarQube's BLOCKER is
the only Sonar word that reaches it. `SECURITY_SEVERITY` gives the number written to SARIF's
``security-severity`` when no CVSS score is known (Trivy's constants, which GitHub and GitLab
bucket the same way).
"""

from __future__ import annotations

from collections.abc import Mapping

from sarifkit.model import Confidence, Severity

C, H, M, L, I, U = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
    Severity.INFO,
    Severity.UNKNOWN,
)

BANDIT: Mapping[str, Severity] = {"HIGH": H, "MEDIUM": M, "LOW": L, "UNDEFINED": I}
TRIVY: Mapping[str, Severity] = {"CRITICAL": C, "HIGH": H, "MEDIUM": M, "LOW": L, "UNKNOWN": U}
SONAR: Mapping[str, Severity] = {"BLOCKER": C, "CRITICAL": H, "MAJOR": M, "MINOR": L, "INFO": I}
SONAR_IMPACT: Mapping[str, Severity] = {
    "BLOCKER": C,
    "HIGH": H,
    "MEDIUM": M,
    "LOW": L,
    "INFO": I,
}
SONAR_HOTSPOT: Mapping[str, Severity] = {"HIGH": H, "MEDIUM": M, "LOW": L}
ZAP_RISK: Mapping[str, Severity] = {"3": H, "2": M, "1": L, "0": I}
CYCLONEDX: Mapping[str, Severity] = {
    "critical": C,
    "high": H,
    "medium": M,
    "low": L,
    "info": I,
    "none": I,
    "unknown": U,
}
SARIF_LEVEL: Mapping[str, Severity] = {"error": H, "warning": M, "note": L, "none": I}

BANDIT_CONFIDENCE: Mapping[str, Confidence] = {
    "HIGH": Confidence.HIGH,
    "MEDIUM": Confidence.MEDIUM,
    "LOW": Confidence.LOW,
}
ZAP_CONFIDENCE: Mapping[str, Confidence] = {
    "0": Confidence.FALSE_POSITIVE,
    "1": Confidence.LOW,
    "2": Confidence.MEDIUM,
    "3": Confidence.HIGH,
    "4": Confidence.CONFIRMED,
}

#: Number written to SARIF ``security-severity`` when no CVSS score is known.
SECURITY_SEVERITY: Mapping[Severity, float] = {C: 9.5, H: 8.0, M: 5.5, L: 2.0, I: 0.0, U: 0.0}

#: SARIF ``level`` per severity (SARIF 2.1.0 §3.27.10).
SARIF_LEVELS: Mapping[Severity, str] = {
    C: "error",
    H: "error",
    M: "warning",
    L: "note",
    I: "none",
    U: "warning",
}


def lookup(table: Mapping[str, Severity], word: object) -> Severity:
    """Return the severity `word` maps to in `table`, case-insensitively; unknown words give UNKNOWN."""
    if word is None:
        return U
    key = str(word).strip()
    found = table.get(key)
    if found is None:
        found = table.get(key.upper(), table.get(key.lower(), U))
    return found


def from_cvss(score: float | None) -> Severity:
    """Return the severity band of a CVSS v3/v4 base score (FIRST's qualitative scale)."""
    if score is None:
        return U
    if score >= 9.0:
        return C
    if score >= 7.0:
        return H
    if score >= 4.0:
        return M
    if score > 0.0:
        return L
    return I


def worst(severities: list[Severity]) -> Severity:
    """Return the worst of `severities`, or UNKNOWN when there are none."""
    return max(severities, key=lambda s: s.rank, default=U)
