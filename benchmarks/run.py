"""Time `sarifkit convert` against a plain load-and-dump of the same report, side by side.

Usage::

    python benchmarks/run.py [--format bandit|trivy|zap] [--sizes 1000,50000,500000] [--repeat 3]

For each size a seeded report is generated once under ``benchmarks/data/``. Then the baseline
(orjson load + dump for JSON reports, an lxml parse for XML) and ``sarifkit convert`` run in turn,
``--repeat`` times each, alternating so that drift in the machine's speed hits both alike. Every
run is a fresh process; wall time comes from a monotonic clock and peak memory from the kernel's
accounting of the finished child (``ru_maxrss``). The script prints median figures, findings per
second, and the sarifkit/baseline ratios. It is run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SUFFIX = {"bandit": ".json", "trivy": ".json", "zap": ".xml"}


def _generator(fmt: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"gen_{fmt}", HERE / f"gen_{fmt}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _measure(cmd: list[str]) -> tuple[float, int]:
    """Return (wall seconds, peak RSS in bytes) of one run of `cmd`."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-500:]}")
    return elapsed, usage.ru_maxrss * 1024


def _bench(fmt: str, size: int, repeat: int) -> None:
    generator = _generator(fmt)
    DATA.mkdir(exist_ok=True)
    report = DATA / f"{fmt}-{size}{SUFFIX[fmt]}"
    if not report.exists():
        generator.generate(report, size, 0)
    out = DATA / "out.tmp"
    baseline_script = HERE / f"baseline_{generator.BASELINE}.py"
    baseline = [sys.executable, str(baseline_script), str(report), str(out)]
    sarifkit = [sys.executable, "-m", "sarifkit", "convert", str(report), "-o", str(out)]
    rows: dict[str, list[tuple[float, int]]] = {"baseline": [], "sarifkit": []}
    for _ in range(repeat):
        rows["baseline"].append(_measure(baseline))
        rows["sarifkit"].append(_measure(sarifkit))
    out.unlink(missing_ok=True)
    base_t = statistics.median(t for t, _ in rows["baseline"])
    base_m = statistics.median(m for _, m in rows["baseline"])
    ours_t = statistics.median(t for t, _ in rows["sarifkit"])
    ours_m = statistics.median(m for _, m in rows["sarifkit"])
    ratios_t = [a[0] / b[0] for a, b in zip(rows["sarifkit"], rows["baseline"], strict=True)]
    mib = 1024 * 1024
    print(
        f"{fmt:7} {size:>8} findings  {report.stat().st_size / mib:8.1f} MiB | "
        f"baseline ({generator.BASELINE}) {base_t:7.2f} s {base_m / mib:7.0f} MiB | "
        f"sarifkit {ours_t:7.2f} s {ours_m / mib:7.0f} MiB {size / ours_t:9.0f} findings/s | "
        f"time x{statistics.median(ratios_t):.2f} memory x{ours_m / base_m:.2f}",
        flush=True,
    )


def main() -> None:
    """Parse the arguments and run every requested benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", default="bandit", choices=sorted(SUFFIX))
    parser.add_argument("--sizes", default="1000,50000,500000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        _bench(args.format, size, args.repeat)


if __name__ == "__main__":
    main()
