"""The security score: formula, rating, OWASP Top 10 counts, and its properties (hypothesis)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from helpers import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarifkit.gate import Policy, Waiver, compute_score, owasp
from sarifkit.model import FindingStatus, ScanKind, Severity

TODAY = date(2025, 5, 1)


def score_of(scans: list[Any], policy: Policy | None = None) -> Any:
    return compute_score(scans, policy or Policy(), TODAY)


@pytest.mark.parametrize(
    ("severities", "score", "rating"),
    [
        ([], 100, "A"),
        (["info"] * 50, 100, "A"),
        (["low"], 99, "B"),
        (["unknown"], 99, "B"),
        (["medium", "low"], 96, "C"),
        (["high", "medium"], 87, "D"),
        (["critical"], 75, "E"),
        (["critical"] * 4, 0, "E"),
        (["critical"] * 5, 0, "E"),  # floored at 0
    ],
)
def test_formula_and_rating(build: Any, severities: list[str], score: float, rating: str) -> None:
    card = score_of([build.scan("sast", [build.finding(s) for s in severities])])
    assert (card.score, card.rating) == (score, rating)
    assert card.open_total == len(severities)


def test_weights_come_from_the_policy(build: Any) -> None:
    policy = Policy.model_validate({"score": {"weights": {"high": 2.5, "low": 0}}})
    card = score_of([build.scan("sast", [build.finding("high"), build.finding("low")])], policy)
    assert card.score == 97.5
    assert card.weights["high"] == 2.5


def test_counts_by_severity_and_kind(build: Any) -> None:
    card = score_of(
        [
            build.scan("sast", [build.finding("high"), build.finding("low")]),
            build.scan("dast", [build.finding("medium")]),
            build.scan("secret", [build.finding("critical")]),
        ]
    )
    assert card.open_by_severity == {
        "critical": 1,
        "high": 1,
        "medium": 1,
        "low": 1,
        "info": 0,
        "unknown": 0,
    }
    assert {k: v for k, v in card.open_by_kind.items() if v} == {"sast": 2, "dast": 1, "secret": 1}
    assert set(card.open_by_kind) == {k.value for k in ScanKind}


@pytest.mark.parametrize(
    ("edition", "cwe", "expected"),
    [
        ("2025", 89, ["A05:2025"]),
        ("2021", 89, ["A03:2021"]),
        ("2021", 259, ["A02:2021", "A07:2021"]),  # listed under both upstream
        ("2025", 918, ["A01:2025"]),  # SSRF moved into broken access control
        ("2021", 918, ["A10:2021"]),
        ("2025", 703, ["A10:2025"]),
        ("2025", 4242, []),
    ],
)
def test_owasp_mapping(build: Any, edition: str, cwe: int, expected: list[str]) -> None:
    policy = Policy.model_validate({"score": {"owasp_edition": edition}})
    card = score_of([build.scan("sast", [build.finding("high", cwe=cwe)])], policy)
    assert [c.id for c in card.owasp.categories if c.count] == expected
    assert card.owasp.unmapped == (0 if expected else 1)
    assert card.owasp.compliant_categories == 10 - len(expected)
    assert card.owasp.compliance == 10.0 * (10 - len(expected))


def test_components_category(build: Any) -> None:
    scans = [
        build.scan("dependency", [build.finding("high", cve="CVE-1", package="django", cwe=79)])
    ]
    on = score_of(scans)
    assert [c.id for c in on.owasp.categories if c.count] == ["A03:2025", "A05:2025"]
    off = score_of(scans, Policy.model_validate({"score": {"owasp_components": False}}))
    assert [c.id for c in off.owasp.categories if c.count] == ["A05:2025"]
    old = score_of(scans, Policy.model_validate({"score": {"owasp_edition": "2021"}}))
    assert [c.id for c in old.owasp.categories if c.count] == ["A03:2021", "A06:2021"]


@pytest.mark.parametrize("edition", ["2021", "2025"])
def test_tables_match_the_reference(edition: str) -> None:
    path = SHARED / "reference" / f"owasp-top10-{edition}-cwe.json"
    if not path.exists():
        pytest.skip("../shared/reference is not present")
    reference = json.loads(path.read_text())
    ours = [(c.id, c.name, sorted(c.cwes)) for c in owasp.categories(edition)]
    assert ours == [(c["id"], c["name"], sorted(c["cwes"])) for c in reference["categories"]]


def test_score_is_pure(build: Any) -> None:
    scans = [build.scan("sast", [build.finding("high", rule="B1")])]
    policy = Policy(waivers=[Waiver(rule="B1", reason="r", expires=date(2030, 1, 1))])
    before = [s.model_dump() for s in scans]
    assert score_of(scans, policy).score == 100
    assert [s.model_dump() for s in scans] == before


# -- properties ----------------------------------------------------------------------------

SEVERITY = st.sampled_from([s.value for s in Severity])
KIND = st.sampled_from(["sast", "dependency", "container", "dast", "secret", "license"])
FINDING = st.fixed_dictionaries(
    {
        "severity": SEVERITY,
        "kind": KIND,
        "cve": st.sampled_from([None, "CVE-2024-0001", "CVE-2024-0002"]),
        "package": st.sampled_from([None, "django", "Django", "flask"]),
        "rule": st.sampled_from(["B1", "B2", "B3"]),
        "cwe": st.sampled_from([None, 79, 89, 259, 918]),
        "status": st.sampled_from(["open", "open", "open", "suppressed", "fixed"]),
    }
)
WEIGHTS = st.fixed_dictionaries({s.value: st.floats(0, 60, allow_nan=False) for s in Severity})
WAIVER = st.fixed_dictionaries(
    {"rule": st.sampled_from(["B1", "B2", "B3"]), "expired": st.booleans()}
)


def make_scans(build: Any, specs: list[dict[str, Any]]) -> list[Any]:
    """Return one scan per kind of scan in `specs`, in a fixed order (scans group by kind)."""
    by_kind: dict[str, list[Any]] = {}
    for spec in specs:
        finding = build.finding(
            spec["severity"],
            rule=spec["rule"] if not spec["cve"] else None,
            cve=spec["cve"],
            package=spec["package"] if spec["cve"] else None,
            cwe=spec["cwe"],
        )
        if spec["status"] != "open":
            finding.status = FindingStatus(spec["status"])
        by_kind.setdefault(spec["kind"], []).append(finding)
    return [build.scan(kind, findings) for kind, findings in sorted(by_kind.items())]


def policy_of(weights: dict[str, float], waivers: list[dict[str, Any]] = ()) -> Policy:  # type: ignore[assignment]
    return Policy.model_validate(
        {
            "score": {"weights": weights},
            "waivers": [
                {
                    "rule": w["rule"],
                    "reason": "r",
                    "expires": "2020-01-01" if w["expired"] else "2030-01-01",
                }
                for w in waivers
            ],
        }
    )


PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY_SETTINGS
@given(st.lists(FINDING, max_size=40), WEIGHTS)
def test_score_stays_within_0_and_100(
    build: Any, specs: list[dict[str, Any]], weights: dict[str, float]
) -> None:
    card = score_of(make_scans(build, specs), policy_of(weights))
    assert 0 <= card.score <= 100
    if not any(s["status"] == "open" for s in specs):
        assert card.score == 100


@PROPERTY_SETTINGS
@given(st.lists(FINDING, max_size=30), FINDING, WEIGHTS)
def test_adding_an_open_finding_never_raises_the_score(
    build: Any, specs: list[dict[str, Any]], extra: dict[str, Any], weights: dict[str, float]
) -> None:
    policy = policy_of(weights)
    before = score_of(make_scans(build, specs), policy)
    after = score_of(make_scans(build, [*specs, {**extra, "status": "open"}]), policy)
    assert after.score <= before.score
    assert after.open_total >= before.open_total


@PROPERTY_SETTINGS
@given(st.lists(FINDING, max_size=30), st.lists(WAIVER, min_size=1, max_size=4), st.data(), WEIGHTS)
def test_removing_a_waiver_never_raises_the_score(
    build: Any,
    specs: list[dict[str, Any]],
    waivers: list[dict[str, Any]],
    data: Any,
    weights: dict[str, float],
) -> None:
    scans = make_scans(build, specs)
    dropped = data.draw(st.integers(0, len(waivers) - 1))
    with_all = score_of(scans, policy_of(weights, waivers))
    fewer = score_of(scans, policy_of(weights, waivers[:dropped] + waivers[dropped + 1 :]))
    assert fewer.score <= with_all.score
