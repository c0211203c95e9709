"""Baseline for the benchmarks: load a JSON report with orjson and dump it back to a file."""

import sys

import orjson

with open(sys.argv[1], "rb") as src:
    data = orjson.loads(src.read())
with open(sys.argv[2], "wb") as dst:
    dst.write(orjson.dumps(data))
