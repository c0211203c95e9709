"""sarifkit: scanner reports in, one findings model, SARIF 2.1.0, GitLab reports and a gate out."""

from sarifkit._version import __version__

__all__ = ["__version__"]
