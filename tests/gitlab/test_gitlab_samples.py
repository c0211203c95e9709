"""The shared samples (../shared/samples) through the GitLab writers, when the folder exists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from helpers import SAMPLES, assert_valid_gitlab, report_samples

from sarifkit.model import ScanKind
from sarifkit.writers.codequality import build_codequality
from sarifkit.writers.gitlab import build_reports

SAMPLE_FILES = report_samples()


def _scans(path: Path) -> list[Any]:
    from sarifkit.parsers import parse_paths

    # Every shared sample is a report some parser reads: a detection failure fails the test.
    return parse_paths([str(path)])


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_sample_reports_validate_with_one_vulnerability_per_open_finding(
    path: Path, gitlab_schema_validator: Callable[[str], Any]
) -> None:
    scans = _scans(path)
    reports = build_reports(scans)
    for kind, report in reports.items():
        assert_valid_gitlab(gitlab_schema_validator, kind, report)
        ids = [v["id"] for v in report["vulnerabilities"]]
        assert len(set(ids)) == len(ids)
    # Security reports carry open security findings; quality and license ones go to Code Quality.
    carried = sum(
        f.is_open and f.category.is_security
        for scan in scans
        for f in scan.findings
        if scan.kind not in (ScanKind.LICENSE, ScanKind.COVERAGE)
    )
    assert sum(len(r["vulnerabilities"]) for r in reports.values()) == carried
    issues = build_codequality(scans)
    assert len(issues) == sum(f.is_open for scan in scans for f in scan.findings)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # Byte-identical on a second run.
    again = build_reports(_scans(path))
    assert orjson.dumps(again) == orjson.dumps(reports)


def test_samples_cover_every_report_type(samples: Path) -> None:
    from sarifkit.parsers import parse_paths

    wanted = {
        "trivy/image-ubi7-redhat-os-and-python.json": "container_scanning",
        "trivy/repo-pip-with-package-list.json": "dependency_scanning",
        "trivy/secret-scan-repo.json": "secret_detection",
        "zap/json-2.14.0-baseline-single-site.json": "dast",
        "bandit/bandit-1.9.4-vulnerable-app.json": "sast",
    }
    for name, kind in wanted.items():
        assert kind in build_reports(parse_paths([str(samples / name)])), name
