"""Run the command-line interface as ``python -m sarifkit``."""

from sarifkit.cli import main

main()
