"""Cross-tool duplicates count once, and the report says what was merged."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from helpers import REPO, run_cli

from sarifkit.gate import EnvironmentChoice, Policy, assess, decide
from sarifkit.gate.dedup import tally
from sarifkit.model import Scan


def count(scans: list[Scan]) -> Any:
    return tally(scans, lambda f: False)


def django(build: Any, severity: str = "critical", name: str = "django") -> Any:
    return build.finding(severity, cve="CVE-2019-19844", package=name, version="2.2.0")


@pytest.mark.parametrize(
    ("scans_of", "counted", "merged"),
    [
        pytest.param(
            lambda b: [b.scan("dependency", [django(b)]), b.scan("container", [django(b)])],
            1,
            1,
            id="safety and trivy",
        ),
        pytest.param(
            lambda b: [
                b.scan("dependency", [django(b)], tool="Trivy", source="fs.json"),
                b.scan("container", [django(b, name="Django")], tool="Trivy", source="image.json"),
            ],
            1,
            1,
            id="trivy fs and trivy image, name case differs",
        ),
        pytest.param(
            lambda b: [b.scan("dependency", [django(b), django(b)])],
            2,
            0,
            id="twice in one scan counts twice",
        ),
        pytest.param(
            lambda b: [
                b.scan("dependency", [django(b)]),
                b.scan("container", [django(b, name="flask")]),
            ],
            2,
            0,
            id="other package",
        ),
        pytest.param(
            lambda b: [
                b.scan("dependency", [django(b), django(b)]),
                b.scan("container", [django(b)]),
            ],
            2,
            1,
            id="busiest scan sets the count",
        ),
        pytest.param(
            lambda b: [b.scan("sast", [b.finding("high", rule="B1", path="a.py")])] * 2,
            1,
            1,
            id="same report given twice (same fingerprints)",
        ),
    ],
)
def test_counted_once(build: Any, scans_of: Any, counted: int, merged: int) -> None:
    result = count(scans_of(build))
    assert len(result.counted) == counted
    assert len(result.merges) == merged


def test_worst_severity_is_kept(build: Any) -> None:
    result = count(
        [
            build.scan("dependency", [django(build, "medium")]),
            build.scan("container", [django(build, "critical")]),
        ]
    )
    assert [c.severity.value for c in result.counted] == ["critical"]
    assert result.merges[0].what == "CVE-2019-19844 in django"
    assert [m.scan.tool.name for m in result.merges[0].members] == ["Safety", "Trivy"]


def test_verdict_reports_merges(build: Any) -> None:
    scans = build.clean_pipeline(
        build.scan("dependency", [django(build)], source="safety.json"),
        build.scan("container", [django(build)], source="trivy.json"),
    )
    verdict = decide(assess(scans, Policy(), EnvironmentChoice("staging", "t"), date(2025, 5, 1)))
    assert verdict.score.open_by_severity["critical"] == 1
    assert verdict.score.not_counted.merged == 1
    (merge,) = verdict.duplicates
    assert merge.what == "CVE-2019-19844 in django"
    assert [(m.tool, m.source) for m in merge.members] == [
        ("Safety", "safety.json"),
        ("Trivy", "trivy.json"),
    ]


def test_cli_merges_safety_and_both_trivy_scans(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "v.json"
    reports = [
        f"fixtures/gate/reports/{n}"
        for n in ("safety-django.json", "trivy-fs-django.json", "trivy-image-django.json")
    ]
    result = run_cli(["gate", *reports, "--environment", "staging", "--json", str(out)])
    assert result.exit_code == 1
    assert (
        "merged: CVE-2019-19844 in django, counted once (Safety fixtures/gate/reports/safety-django.json, "
        "Trivy fixtures/gate/reports/trivy-fs-django.json, Trivy fixtures/gate/reports/trivy-image-django.json)"
    ) in result.stdout
    verdict = json.loads(out.read_text())
    # Django (merged, 3 findings) and PyYAML (Safety only): 2 critical, not 4.
    assert verdict["metrics"]["vulnerabilities"]["critical"] == 2
    assert verdict["score"]["not_counted"]["merged"] == 2
    assert verdict["metrics"]["cves"]["critical"] == 2
