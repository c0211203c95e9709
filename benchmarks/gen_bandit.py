"""Seeded generator of large Bandit JSON reports with the structure Bandit 1.9 writes.

Usage: ``python benchmarks/gen_bandit.py OUT COUNT [SEED]``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import orjson

BASELINE = "orjson"

# (test_id, test_name, severity, confidence, cwe, text) drawn from Bandit's real checks.
_TESTS = [
    ("B101", "assert_used", "LOW", "HIGH", 703, "Use of assert detected."),
    ("B105", "hardcoded_password_string", "LOW", "MEDIUM", 259, "Possible hardcoded password."),
    (
        "B201",
        "flask_debug_true",
        "HIGH",
        "MEDIUM",
        94,
        "A Flask app appears to be run with debug=True.",
    ),
    ("B301", "blacklist", "MEDIUM", "HIGH", 502, "Pickle and modules that wrap it can be unsafe."),
    (
        "B303",
        "blacklist",
        "MEDIUM",
        "HIGH",
        327,
        "Use of insecure MD2, MD4, MD5, or SHA1 hash function.",
    ),
    (
        "B311",
        "blacklist",
        "LOW",
        "HIGH",
        330,
        "Standard pseudo-random generators are not suitable.",
    ),
    (
        "B404",
        "blacklist",
        "LOW",
        "HIGH",
        78,
        "Consider possible security implications of subprocess.",
    ),
    (
        "B501",
        "request_with_no_cert_validation",
        "HIGH",
        "HIGH",
        295,
        "Call to requests with verify=False.",
    ),
    ("B506", "yaml_load", "MEDIUM", "HIGH", 20, "Use of unsafe yaml load."),
    (
        "B602",
        "subprocess_popen_with_shell_equals_true",
        "HIGH",
        "HIGH",
        78,
        "subprocess call with shell=True identified.",
    ),
    ("B608", "hardcoded_sql_expressions", "MEDIUM", "LOW", 89, "Possible SQL injection vector."),
    ("B110", "try_except_pass", "LOW", "HIGH", 703, "Try, Except, Pass detected."),
]
_DIRS = ["app", "app/api", "app/models", "app/services", "lib", "scripts", "tools/migrate"]


def _result(rng: random.Random, files: list[str]) -> dict[str, object]:
    test_id, name, sev, conf, cwe, text = rng.choice(_TESTS)
    line = rng.randint(1, 2000)
    span = 1 if rng.random() < 0.85 else rng.randint(2, 4)
    col = rng.randint(0, 16)
    code = "".join(
        f"{n} {'    ' * rng.randint(0, 2)}value_{n} = compute({n})\n"
        for n in range(line - 1, line + span + 1)
    )
    anchor = test_id.lower()
    return {
        "code": code,
        "col_offset": col,
        "end_col_offset": col + rng.randint(5, 60),
        "filename": rng.choice(files),
        "issue_confidence": conf,
        "issue_cwe": {"id": cwe, "link": f"https://cwe.mitre.org/data/definitions/{cwe}.html"},
        "issue_severity": sev,
        "issue_text": text,
        "line_number": line,
        "line_range": list(range(line, line + span)),
        "more_info": f"https://bandit.readthedocs.io/en/1.9.4/plugins/{anchor}_{name}.html",
        "test_id": test_id,
        "test_name": name,
    }


def generate(path: Path, count: int, seed: int = 0) -> None:
    """Write a Bandit JSON report with `count` results to `path`, reproducibly for `seed`."""
    rng = random.Random(seed)
    files = [f"{rng.choice(_DIRS)}/module_{n}.py" for n in range(max(10, count // 40))]
    results = [_result(rng, files) for _ in range(count)]
    totals = {"loc": count * 12, "nosec": 0, "skipped_tests": 0}
    for level in ("HIGH", "MEDIUM", "LOW", "UNDEFINED"):
        totals[f"SEVERITY.{level}"] = sum(r["issue_severity"] == level for r in results)
        totals[f"CONFIDENCE.{level}"] = sum(r["issue_confidence"] == level for r in results)
    doc = {
        "errors": [
            {"filename": "scripts/legacy.py", "reason": "syntax error while parsing AST from file"}
        ],
        "generated_at": "2026-01-01T00:00:00Z",
        "metrics": {"_totals": totals},
        "results": results,
    }
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
