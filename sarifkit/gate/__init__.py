"""The deploy gate: a security score and one verdict, computed from the findings model alone.

Modules: `policy` (the TOML policy), `environment` (which environment a run gates),
`waivers`, `dedup` (what counts, once), `score`, `owasp` (Top 10 tables), `decision` (checks
and verdict), `rego` (Rego policies through regopy), `verdict` (output models and schema) and
`report` (text, JUnit, Markdown).
"""

from __future__ import annotations

from sarifkit.gate.decision import Assessment, assess, decide
from sarifkit.gate.environment import EnvironmentChoice, choose_environment
from sarifkit.gate.policy import EnvironmentPolicy, Policy, Waiver, find_policy, read_policy
from sarifkit.gate.score import compute_score
from sarifkit.gate.verdict import ScoreCard, Verdict, verdict_schema
from sarifkit.gate.waivers import apply_waivers, match_waivers

__all__ = [
    "Assessment",
    "EnvironmentChoice",
    "EnvironmentPolicy",
    "Policy",
    "ScoreCard",
    "Verdict",
    "Waiver",
    "apply_waivers",
    "assess",
    "choose_environment",
    "compute_score",
    "decide",
    "find_policy",
    "match_waivers",
    "read_policy",
    "verdict_schema",
]
