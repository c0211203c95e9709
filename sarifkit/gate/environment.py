"""Which environment a gate run is for: ``--environment``, else GitLab CI's variables.

GitLab CI variables read (docs.gitlab.com/ci/variables/predefined_variables):
``CI_MERGE_REQUEST_TARGET_BRANCH_NAME`` (merge request pipelines: the branch being merged into),
``CI_COMMIT_BRANCH`` (branch pipelines), ``CI_COMMIT_REF_NAME`` (any pipeline: branch or tag)
and ``CI_DEFAULT_BRANCH`` (the project's default branch).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sarifkit.gate.policy import FALLBACK_ENVIRONMENT, Policy


@dataclass(frozen=True, slots=True)
class EnvironmentChoice:
    """The environment chosen and, in words, why."""

    name: str
    reason: str


def choose_environment(
    policy: Policy, option: str | None, variables: Mapping[str, str]
) -> EnvironmentChoice:
    """Return the environment to gate for.

    `option` (``--environment``) wins. Otherwise the branch GitLab CI names, in this order: the
    merge request's target branch (the deploy the merge leads to), ``CI_COMMIT_BRANCH``, then
    ``CI_COMMIT_REF_NAME``. A branch goes to the first environment whose ``branches`` globs
    match it; the project's default branch (``CI_DEFAULT_BRANCH``) unclaimed by any glob is
    production; any other branch, and a run outside CI, is development.
    Raises `ConfigError` when `option` names no environment of `policy`.
    """
    if option:
        policy.environment(option)  # raises for an unknown name
        return EnvironmentChoice(option, "given with --environment")
    for variable in (
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
        "CI_COMMIT_BRANCH",
        "CI_COMMIT_REF_NAME",
    ):
        branch = variables.get(variable, "").strip()
        if branch:
            return _for_branch(policy, branch, variable, variables.get("CI_DEFAULT_BRANCH", ""))
    return EnvironmentChoice(
        FALLBACK_ENVIRONMENT, "no --environment and no GitLab CI branch variable"
    )


def _for_branch(
    policy: Policy, branch: str, variable: str, default_branch: str
) -> EnvironmentChoice:
    what = "merge request into" if variable.startswith("CI_MERGE_REQUEST") else "branch"
    said = f"{what} {branch} ({variable}={branch})"
    for name in _claim_order(policy):
        globs = policy.environment(name).branches
        if any(fnmatchcase(branch, glob) for glob in globs):
            return EnvironmentChoice(name, f"{said} matches {name} branches {globs}")
    if default_branch and branch == default_branch and "production" in policy.environment_names():
        return EnvironmentChoice("production", f"{said} is CI_DEFAULT_BRANCH")
    return EnvironmentChoice(FALLBACK_ENVIRONMENT, f"{said} matches no environment's branches")


def _claim_order(policy: Policy) -> list[str]:
    """Return environments in the order their branch globs are tried: production first."""
    names = policy.environment_names()
    first = [n for n in ("production", "staging") if n in names]
    return first + [n for n in names if n not in first]
