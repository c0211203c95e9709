"""Generate a large, realistic Trivy JSON image report (schema 2) for benchmarks.

The report scans one image: OS packages plus language packages in several targets (Node.js
packages under many ``node_modules`` paths, Python, Java jars, a Go binary), with the same CVEs
repeating across packages, targets and copies of one package at different paths — the shape that
makes naive converters merge findings that are in fact distinct. Output is seeded: the same
``count`` and ``seed`` give byte-identical files.

Usage: ``python benchmarks/gen_trivy.py OUT COUNT [SEED]``; then compare, side by side,
``/usr/bin/time -v sarifkit convert OUT -o out.sarif`` with ``BASELINE`` (``baseline_orjson.py``,
an orjson load and dump of the same file), or run ``python benchmarks/run.py --format trivy``.
"""

from __future__ import annotations

import pathlib
import random
import sys
from typing import Any

import orjson

#: What the conversion time and peak memory are compared with.
BASELINE = "orjson"

_WORDS = (
    "buffer overflow in the parser allows remote attackers to cause a denial of service via a "
    "crafted request heap use after free when handling malformed headers integer overflow leads "
    "to out of bounds write improper validation of certificate chains permits spoofing of "
    "trusted peers path traversal in archive extraction writes files outside the target "
    "directory regular expression with exponential backtracking on untrusted input"
).split()
_TARGETS = (
    ("os-pkgs", "alpine", None),
    ("lang-pkgs", "node-pkg", "Node.js"),
    ("lang-pkgs", "python-pkg", "Python"),
    ("lang-pkgs", "jar", "Java"),
    ("lang-pkgs", "gobinary", "usr/local/bin/server"),
    ("lang-pkgs", "npm", "srv/app/package-lock.json"),
)
_SOURCES = ("nvd", "ghsa", "redhat", "alpine")


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _cve(rng: random.Random, number: int) -> dict[str, Any]:
    """Return the vulnerability-database part of an entry: the same wherever the CVE repeats."""
    year = 2015 + number % 10
    vid = f"CVE-{year}-{10000 + number}" if number % 7 else f"GHSA-{number:04x}-{year}-abcd"
    score3 = round(rng.uniform(2.0, 9.9), 1)
    cvss: dict[str, Any] = {
        "nvd": {
            "V2Vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "V2Score": round(min(score3 + 0.3, 10.0), 1),
            "V3Score": score3,
        }
    }
    if number % 3 == 0:
        cvss["redhat"] = {
            "V3Vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
            "V3Score": 5.9,
        }
    if number % 11 == 0:
        cvss["ghsa"] = {
            "V40Vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "V40Score": 9.3,
        }
    severity = (
        "CRITICAL" if score3 >= 9 else "HIGH" if score3 >= 7 else "MEDIUM" if score3 >= 4 else "LOW"
    )
    if number % 53 == 0:
        severity = "UNKNOWN"
    return {
        "VulnerabilityID": vid,
        "SeveritySource": rng.choice(_SOURCES),
        "PrimaryURL": f"https://avd.aquasec.com/nvd/{vid.lower()}",
        "DataSource": {
            "ID": "ghsa",
            "Name": "GitHub Security Advisory",
            "URL": "https://github.com/advisories",
        },
        "Title": _sentence(rng, 8),
        "Description": _sentence(rng, rng.randint(30, 90)),
        "Severity": severity,
        "CweIDs": [f"CWE-{rng.choice((20, 79, 89, 125, 416, 787, 1333))}"],
        "VendorSeverity": {source: rng.randint(1, 4) for source in _SOURCES[: rng.randint(1, 4)]},
        "CVSS": cvss,
        "References": [
            f"https://example.org/advisories/{vid}/{n}" for n in range(rng.randint(2, 8))
        ],
        "PublishedDate": f"{year}-0{1 + number % 9}-1{number % 10}T10:15:00Z",
        "LastModifiedDate": f"{year + 1}-0{1 + number % 9}-2{number % 10}T08:00:00Z",
    }


def _package(rng: random.Random, klass: str, ptype: str, number: int) -> dict[str, Any]:
    name = f"{'lib' if klass == 'os-pkgs' else ''}{rng.choice(_WORDS)}-{number}"
    version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
    purl_type = {
        "alpine": "apk/alpine",
        "node-pkg": "npm",
        "npm": "npm",
        "python-pkg": "pypi",
        "jar": "maven/org.example",
        "gobinary": "golang/example.com",
    }[ptype]
    return {"name": name, "version": version, "purl": f"pkg:{purl_type}/{name}@{version}"}


def _entry(
    cve: dict[str, Any], pkg: dict[str, Any], layer: dict[str, str], path: str | None, uid: int
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "VulnerabilityID": cve["VulnerabilityID"],
        "PkgID": f"{pkg['name']}@{pkg['version']}",
        "PkgName": pkg["name"],
    }
    if path:
        entry["PkgPath"] = path
    entry["PkgIdentifier"] = {"PURL": pkg["purl"], "UID": f"{uid:016x}"}
    entry["InstalledVersion"] = pkg["version"]
    if uid % 4:
        major = int(pkg["version"].split(".")[0])
        entry["FixedVersion"] = f"{major}.99.1" if uid % 5 else f"{major}.99.1, {major + 1}.0.2"
        entry["Status"] = "fixed"
    else:
        entry["Status"] = ("affected", "will_not_fix", "fix_deferred", "not_affected")[
            uid % 16 // 4
        ]
    entry["Layer"] = layer
    entry.update((key, value) for key, value in cve.items() if key != "VulnerabilityID")
    entry["Fingerprint"] = f"sha256:{uid:064x}"
    return entry


def generate(path: pathlib.Path, count: int, seed: int = 0) -> None:
    """Write a Trivy image report with exactly `count` vulnerabilities to `path`."""
    rng = random.Random(seed)
    cves = [_cve(rng, n) for n in range(max(50, count // 25))]
    layers = [
        {
            "Digest": f"sha256:{rng.getrandbits(256):064x}",
            "DiffID": f"sha256:{rng.getrandbits(256):064x}",
        }
        for _ in range(6)
    ]
    results: list[dict[str, Any]] = []
    per_target = [count // len(_TARGETS)] * len(_TARGETS)
    per_target[0] += count - sum(per_target)
    uid = 0
    for (klass, ptype, label), wanted in zip(_TARGETS, per_target, strict=True):
        vulns: list[dict[str, Any]] = []
        number = 0
        while len(vulns) < wanted:
            pkg = _package(rng, klass, ptype, number)
            number += 1
            # node_modules holds the same package at several paths: each copy is its own finding.
            copies = rng.randint(1, 3) if ptype == "node-pkg" else 1
            chosen = rng.sample(cves, min(len(cves), rng.randint(1, 8)))
            for copy in range(copies):
                pkg_path = None
                if ptype == "node-pkg":
                    pkg_path = (
                        f"srv/app/node_modules/dep{copy}/node_modules/{pkg['name']}/package.json"
                    )
                elif ptype in ("python-pkg", "jar"):
                    pkg_path = f"usr/lib/{ptype}/{pkg['name']}-{pkg['version']}"
                for cve in chosen:
                    if len(vulns) == wanted:
                        break
                    uid += 1
                    vulns.append(_entry(cve, pkg, rng.choice(layers), pkg_path, uid))
        target = (
            "registry.example.com/shop/web:2.7.1 (alpine 3.19.1)" if klass == "os-pkgs" else label
        )
        results.append({"Target": target, "Class": klass, "Type": ptype, "Vulnerabilities": vulns})
    report = {
        "SchemaVersion": 2,
        "Trivy": {"Version": "0.58.1"},
        "ReportID": "0193c1f2-0000-7000-8000-000000000001",
        "CreatedAt": "2025-01-15T09:30:00.123456789Z",
        "ArtifactName": "registry.example.com/shop/web:2.7.1",
        "ArtifactType": "container_image",
        "Metadata": {
            "OS": {"Family": "alpine", "Name": "3.19.1"},
            "ImageID": f"sha256:{rng.getrandbits(256):064x}",
            "DiffIDs": [layer["DiffID"] for layer in layers],
            "RepoTags": ["registry.example.com/shop/web:2.7.1"],
            "RepoDigests": [f"registry.example.com/shop/web@sha256:{rng.getrandbits(256):064x}"],
            "Layers": layers,
        },
        "Results": results,
    }
    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python benchmarks/gen_trivy.py OUT COUNT [SEED]")
    generate(
        pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 0
    )
