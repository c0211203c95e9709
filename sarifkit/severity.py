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
| CVSS v2 score      | –                 | 7.0–10.0             | 4.0–6.9       | 0.1–3.9      | 0.0           |
| Safety, no CVSS    | –                 | –                    | default       | –            | –             |
| CycloneDX rating   | critical          | high                 | medium        | low          | info, none    |
| SARIF level        | –                 | error                | warning       | note         | none          |
| SARIF property     | critical          | high                 | medium        | low          | info, none    |

Safety reports CVSS data only for some advisories (and none in 1.8 or `scan` JSON); an
advisory without it gets `SAFETY_DEFAULT` (medium): Safety matched it against the installed
version, so it is a real finding, but nothing says it is high or critical. CVSS v2 has no
critical band (NVD's v2 scale), so `from_cvss_v2` stops at high.

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
#: Severity words some tools put in a SARIF result's property bag (``severity``, Bandit's
#: ``issue_severity``; sarifkit's own output writes its words there too).
SARIF_PROPERTY: Mapping[str, Severity] = {
    "critical": C,
    "high": H,
    "medium": M,
    "moderate": M,
    "low": L,
    "info": I,
    "informational": I,
    "none": I,
}

#: CVSS v3 ``base_severity`` words (as NVD and Safety write them).
CVSS_V3_RATING: Mapping[str, Severity] = {
    "CRITICAL": C,
    "HIGH": H,
    "MEDIUM": M,
    "LOW": L,
    "NONE": I,
}
#: Severity of a Safety advisory that carries no CVSS data.
SAFETY_DEFAULT: Severity = M

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
#: SARIF rule ``precision`` (GitHub's words) and the confidence words tools put in result
#: property bags (Bandit's ``issue_confidence``, ZAP's ``confidence``, sarifkit's own).
SARIF_CONFIDENCE: Mapping[str, Confidence] = {
    "very-high": Confidence.HIGH,
    "high": Confidence.HIGH,
    "medium": Confidence.MEDIUM,
    "low": Confidence.LOW,
    "confirmed": Confidence.CONFIRMED,
    "false_positive": Confidence.FALSE_POSITIVE,
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


def from_cvss_v2(score: float | None) -> Severity:
    """Return the severity band of a CVSS v2 base score (NVD's v2 scale: low, medium, high)."""
    if score is None:
        return U
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
