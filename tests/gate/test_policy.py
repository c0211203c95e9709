"""The TOML policy: layering, files, pyproject.toml, errors, and choosing the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES, REPO, run_cli

from sarifkit.errors import ConfigError
from sarifkit.gate import Policy, choose_environment, find_policy, read_policy
from sarifkit.model import ScanKind

POLICIES = FIXTURES / "gate" / "policies"
BANDIT = "fixtures/gate/reports/bandit-low-only.json"


def test_defaults_are_the_pipeline_design() -> None:
    policy = Policy()
    staging = policy.environment("staging")
    assert (staging.max_critical, staging.max_high, staging.max_medium) == (0, 0, 5)
    assert (staging.coverage_above, staging.min_score, staging.enforce) == (80.0, 80.0, True)
    assert policy.environment("development").enforce is False
    production = policy.environment("production")
    assert production.manual_approval and production.enforce
    assert ScanKind.DAST in production.required_scans
    assert policy.score.owasp_edition == "2025"
    assert policy.score.weights.model_dump() == {
        "critical": 25.0,
        "high": 10.0,
        "medium": 3.0,
        "low": 1.0,
        "info": 0.0,
        "unknown": 1.0,
    }


def test_file_layers_over_the_defaults() -> None:
    policy = read_policy(POLICIES / "sarifkit.toml")
    staging = policy.environment("staging")
    assert staging.max_medium == 10  # [gate]
    assert staging.coverage_above == 70  # [environments.staging]
    assert staging.required_scans == [ScanKind.SAST, ScanKind.DEPENDENCY]
    assert policy.environment("development").enforce is False  # built-in kept
    assert policy.environment("production").manual_approval is True
    review = policy.environment("review")
    assert (review.max_high, review.branches, review.enforce) == (2, ["review/*"], True)
    assert policy.score.owasp_edition == "2021"
    assert policy.score.weights.critical == 40 and policy.score.weights.medium == 3
    assert [w.label() for w in policy.waivers] == ["cve CVE-2019-19844", "rule B404, path app/**"]
    assert policy.params == {"license_deny": ["AGPL-3.0"]}
    assert policy.environment_names() == ["development", "staging", "production", "review"]


def test_pyproject_tool_table() -> None:
    policy = read_policy(POLICIES / "pyproject" / "pyproject.toml")
    assert policy.environment("staging").coverage_above == 95
    assert policy.environment("production").max_medium == 0
    assert policy.source.endswith("pyproject.toml [tool.sarifkit]")


def test_discovery_in_the_working_directory(tmp_path: Path) -> None:
    assert find_policy(None, tmp_path).source == "built-in defaults"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_policy(None, tmp_path).source == "built-in defaults"
    (tmp_path / "pyproject.toml").write_text("[tool.sarifkit.gate]\nmax_high = 3\n")
    assert find_policy(None, tmp_path).environment("staging").max_high == 3
    (tmp_path / "sarifkit.toml").write_text("[gate]\nmax_high = 4\n")
    assert find_policy(None, tmp_path).environment("staging").max_high == 4


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-toml.toml", "not-toml.toml: not valid TOML: "),
        ("unknown-key.toml", "unknown-key.toml: environments.production.max_critcal: unknown key"),
        ("waiver-no-selector.toml", "a waiver needs at least one of fingerprint, rule, cve, path"),
        ("waiver-no-expiry.toml", "waiver-no-expiry.toml: waivers.0.expires: Field required"),
        ("negative-weight.toml", "score.weights.low: Input should be greater than or equal to 0"),
        ("missing.toml", "missing.toml: cannot read policy"),
    ],
)
def test_bad_policy_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, message: str
) -> None:
    monkeypatch.chdir(REPO)
    json_out = tmp_path / "verdict.json"
    policy = f"fixtures/gate/policies/{name}"
    result = run_cli(["gate", BANDIT, "--policy", policy, "--json", str(json_out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sarifkit: error: ")
    assert message in lines[0]
    assert not json_out.exists()
    with pytest.raises(ConfigError, match="fixtures/gate/policies"):
        read_policy(policy)


def test_pyproject_without_table_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"has no \[tool.sarifkit\] table"):
        read_policy(tmp_path / "pyproject.toml")


def test_unknown_environment_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli(["gate", BANDIT, "--environment", "qa"])
    assert result.exit_code == 2
    assert "unknown environment 'qa' (known: development, staging, production)" in result.stderr


CI = "CI_COMMIT_BRANCH"
MR = "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
REF = "CI_COMMIT_REF_NAME"


@pytest.mark.parametrize(
    ("option", "variables", "name", "reason"),
    [
        ("staging", {CI: "main"}, "staging", "given with --environment"),
        (None, {}, "development", "no --environment and no GitLab CI branch variable"),
        (
            None,
            {CI: "main"},
            "production",
            "branch main (CI_COMMIT_BRANCH=main) matches production",
        ),
        (None, {CI: "develop"}, "staging", "branch develop (CI_COMMIT_BRANCH=develop)"),
        (None, {CI: "feature/login"}, "development", "matches no environment's branches"),
        (None, {REF: "develop"}, "staging", "CI_COMMIT_REF_NAME=develop"),
        (None, {MR: "main", REF: "feature/x"}, "production", "merge request into main"),
        (None, {CI: "trunk", "CI_DEFAULT_BRANCH": "trunk"}, "production", "is CI_DEFAULT_BRANCH"),
        (None, {CI: "trunk", "CI_DEFAULT_BRANCH": "main"}, "development", "matches no"),
    ],
)
def test_environment_from_gitlab_variables(
    option: str | None, variables: dict[str, str], name: str, reason: str
) -> None:
    choice = choose_environment(Policy(), option, variables)
    assert choice.name == name
    assert reason in choice.reason


def test_policy_branches_choose_custom_environments() -> None:
    policy = read_policy(POLICIES / "sarifkit.toml")
    assert choose_environment(policy, None, {CI: "review/42"}).name == "review"
    assert choose_environment(policy, None, {CI: "main"}).name == "production"


def test_chosen_environment_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for key in (MR, REF, "CI_DEFAULT_BRANCH"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv(CI, "develop")
    result = run_cli(["gate", BANDIT])
    assert result.stdout.startswith(
        "environment: staging (branch develop (CI_COMMIT_BRANCH=develop) matches staging"
    )
