"""Pytest fixtures shared by every test module (helpers live in `helpers.py`)."""

from helpers import (  # noqa: F401 - re-exported fixtures
    gitlab_schema_validator,
    json_snapshot,
    multitool,
    multitool_errors,
    samples,
    sarif_schema_validator,
)
