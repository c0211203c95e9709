"""Seeded generator of large OWASP ZAP traditional XML reports, laid out as ZAP 2.14 writes them.

The report has a few sites (the target, an API host and two third-party hosts the spider
visited), about 100 ``<alertitem>``s over real ZAP alert types, and `count` ``<instance>``s
spread over them unevenly, as real scans are (a few passive alerts fire on almost every page).
Indentation, escaping and element order follow the reports add-on's ``traditional-xml``
template.

Usage: ``python benchmarks/gen_zap.py OUT COUNT [SEED]``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

BASELINE = "lxml"

# (pluginid, alertRef, name, riskcode, confidence, cweid, wascid, param kind) from ZAP's catalogue.
_ALERTS = [
    (10038, "10038-1", "Content Security Policy (CSP) Header Not Set", 2, 3, 693, 15, ""),
    (10020, "10020-1", "Missing Anti-clickjacking Header", 2, 2, 1021, 15, "x-frame-options"),
    (
        10021,
        "10021",
        "X-Content-Type-Options Header Missing",
        1,
        2,
        693,
        15,
        "x-content-type-options",
    ),
    (10035, "10035-1", "Strict-Transport-Security Header Not Set", 1, 3, 319, 15, ""),
    (10037, "10037", "Server Leaks Information via X-Powered-By", 1, 2, 200, 13, ""),
    (10036, "10036", "Server Leaks Version Information via Server Header", 1, 3, 200, 13, ""),
    (10096, "10096", "Timestamp Disclosure - Unix", 0, 1, 200, 13, ""),
    (10027, "10027", "Information Disclosure - Suspicious Comments", 0, 1, 200, 13, ""),
    (10109, "10109", "Modern Web Application", 0, 2, -1, -1, ""),
    (10049, "10049", "Storable and Cacheable Content", 0, 2, 524, 13, ""),
    (10015, "10015", "Re-examine Cache-control Directives", 0, 1, 525, 13, "cache-control"),
    (10054, "10054-1", "Cookie without SameSite Attribute", 1, 2, 1275, 13, "session"),
    (10010, "10010", "Cookie No HttpOnly Flag", 1, 2, 1004, 13, "session"),
    (10011, "10011", "Cookie Without Secure Flag", 1, 2, 614, 13, "session"),
    (10098, "10098", "Cross-Domain Misconfiguration", 2, 2, 264, 14, ""),
    (10017, "10017", "Cross-Domain JavaScript Source File Inclusion", 1, 2, 829, 15, "src"),
    (10202, "10202", "Absence of Anti-CSRF Tokens", 2, 1, 352, 9, ""),
    (10055, "10055-4", "CSP: Wildcard Directive", 2, 3, 693, 15, "content-security-policy"),
    (10063, "10063-1", "Permissions Policy Header Not Set", 1, 2, 693, 15, ""),
    (90022, "90022", "Application Error Disclosure", 1, 2, 200, 13, ""),
    (40012, "40012", "Cross Site Scripting (Reflected)", 3, 2, 79, 8, "q"),
    (40014, "40014", "Cross Site Scripting (Persistent)", 3, 2, 79, 8, "comment"),
    (40018, "40018", "SQL Injection", 3, 2, 89, 19, "id"),
    (90020, "90020", "Remote OS Command Injection", 3, 2, 78, 31, "host"),
    (6, "6-1", "Path Traversal", 3, 2, 22, 33, "file"),
    (10104, "10104", "User Agent Fuzzer", 0, 2, -1, -1, "Header User-Agent"),
    (10112, "10112", "Session Management Response Identified", 0, 2, -1, -1, "session"),
    (10031, "10031", "User Controllable HTML Element Attribute (Potential XSS)", 0, 1, 20, 20, "q"),
    (0, "0", "Directory Browsing", 2, 2, 548, 48, ""),
]
_PAGES = [
    "",
    "robots.txt",
    "sitemap.xml",
    "login",
    "logout",
    "search",
    "api/v1/items",
    "api/v1/users",
    "static/js/app.js",
    "static/css/site.css",
    "products",
    "basket",
    "account/settings",
    "admin/config",
    "ftp/backup.bak",
]
_ATTACKS = ["", "", "", "<script>alert(1);</script>", "' OR '1'='1", "../../../../etc/passwd"]
_EVIDENCE = [
    "",
    "Server: nginx/1.25.3",
    "X-Powered-By: Express",
    "Access-Control-Allow-Origin: *",
    "1706900864",
    '<input type="hidden" name="token" value="a&b">',
    "default-src 'none'",
    "Set-Cookie: session",
]
_DESC = (
    "<p>{name} was detected on the site. ZAP raised it while spidering and scanning the "
    "application and its APIs.</p><p>Attackers may use this weakness to harm users.</p>"
)
_SOLUTION = "<p>Configure the application and the web server so that {name} no longer applies.</p>"
_REFERENCE = (
    "<p>https://owasp.org/www-community/attacks/{slug}</p>"
    "<p>https://cheatsheetseries.owasp.org/cheatsheets/{slug}_Cheat_Sheet.html</p>"
)
_RISK = {0: "Informational", 1: "Low", 2: "Medium", 3: "High"}
_CONF = {0: "False Positive", 1: "Low", 2: "Medium", 3: "High", 4: "Confirmed"}
_I5 = "\t" * 5
_I8 = "\t" * 8
_I9 = "\t" * 9


def _e(text: str) -> str:
    """Escape text as the reports add-on does (``&``, ``<``, ``>``, quotes)."""
    return escape(text, {'"': "&quot;", "'": "&apos;"})


def _sites(rng: random.Random) -> list[tuple[str, str, int, bool]]:
    """Return (name, host, port, ssl) of the target, its API host and two third-party sites."""
    sites = [
        ("https://shop.example.test", "shop.example.test", 443, True),
        ("http://api.example.test:8080", "api.example.test", 8080, False),
        ("https://cdn.thirdparty.test", "cdn.thirdparty.test", 443, True),
    ]
    number = rng.randint(1, 9)
    return [*sites, (f"https://fonts{number}.static.test", f"fonts{number}.static.test", 443, True)]


def _spread(rng: random.Random, count: int, buckets: int) -> list[int]:
    """Split `count` over `buckets`, unevenly but with at least one each."""
    weights = [1.0 / (rank + 1) ** 0.9 * rng.uniform(0.5, 1.5) for rank in range(buckets)]
    rng.shuffle(weights)
    total = sum(weights)
    shares = [1 + int((count - buckets) * w / total) for w in weights]
    for index in range(count - sum(shares)):
        shares[index % buckets] += 1
    return shares


def _instance(out: IO[str], rng: random.Random, site: str, param_kind: str, serial: int) -> None:
    page = rng.choice(_PAGES)
    query = f"?id={serial}&amp;sort=asc" if rng.random() < 0.4 else ""
    attack = rng.choice(_ATTACKS) if param_kind else ""
    evidence = rng.choice(_EVIDENCE)
    other = f"Seen on request {serial % 997}." if rng.random() < 0.2 else ""
    method = "POST" if rng.random() < 0.1 else "GET"
    out.write(
        f"{_I8}<instance>\n"
        f"{_I9}<uri>{site}/{page}{query}</uri>\n"
        f"{_I9}<nodeName>{site}/{page}</nodeName>\n"
        f"{_I9}<method>{method}</method>\n"
        f"{_I9}<param>{_e(param_kind)}</param>\n"
        f"{_I9}<attack>{_e(attack)}</attack>\n"
        f"{_I9}<evidence>{_e(evidence)}</evidence>\n"
        f"{_I9}<otherinfo>{_e(other)}</otherinfo>\n"
        f"{_I8}</instance>\n"
    )


def _alert(
    out: IO[str],
    rng: random.Random,
    site: str,
    alert: tuple[int, str, str, int, int, int, int, str],
    instances: int,
    serial: int,
) -> None:
    plugin, ref, name, risk, conf, cwe, wasc, param_kind = alert
    slug = name.split(" ")[0]
    fields = (
        f"{_I5}<alertitem>\n"
        f"{_I5}\t<pluginid>{plugin}</pluginid>\n"
        f"{_I5}\t<alertRef>{ref}</alertRef>\n"
        f"{_I5}\t<alert>{_e(name)}</alert>\n"
        f"{_I5}\t<name>{_e(name)}</name>\n"
        f"{_I5}\t<riskcode>{risk}</riskcode>\n"
        f"{_I5}\t<confidence>{conf}</confidence>\n"
        f"{_I5}\t<riskdesc>{_RISK[risk]} ({_CONF[conf]})</riskdesc>\n"
        f"{_I5}\t<confidencedesc>{_CONF[conf]}</confidencedesc>\n"
        f"{_I5}\t<desc>{_e(_DESC.format(name=name))}</desc>\n"
        f"{_I5}\t<instances>\n"
    )
    out.write(fields)
    for number in range(instances):
        out.write("\n")
        _instance(out, rng, site, param_kind, serial + number)
        out.write("\n")
    out.write(
        f"{_I5}\t</instances>\n"
        f"{_I5}\t<count>{instances}</count>\n"
        f"{_I5}\t<systemic>{'true' if instances > 1000 else 'false'}</systemic>\n"
        f"{_I5}\t<solution>{_e(_SOLUTION.format(name=name))}</solution>\n"
        f"{_I5}\t<otherinfo></otherinfo>\n"
        f"{_I5}\t<reference>{_e(_REFERENCE.format(slug=slug))}</reference>\n"
        f"{_I5}\t<cweid>{cwe}</cweid>\n"
        f"{_I5}\t<wascid>{wasc}</wascid>\n"
        f"{_I5}\t<sourceid>{rng.randint(1, 400)}</sourceid>\n"
        f"{_I5}</alertitem>\n"
    )


def generate(path: Path, count: int, seed: int = 0) -> None:
    """Write a ZAP traditional XML report with `count` instances to `path`, reproducibly."""
    rng = random.Random(seed)
    sites = _sites(rng)
    # Each site gets its own share of alert types; the same type may fire on several sites.
    pairs = [(site, alert) for site in range(len(sites)) for alert in _ALERTS]
    plan = sorted(rng.sample(pairs, min(100, count)), key=lambda item: (item[0], item[1][1]))
    shares = _spread(rng, count, len(plan)) if plan else []
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            '<?xml version="1.0"?>\n<OWASPZAPReport programName="ZAP" version="2.14.0" '
            'generated="Fri, 2 Feb 2024 20:47:44" created="2024-02-02T20:47:44.123456Z">\n'
        )
        serial = 0
        for site_index, (name, host, port, ssl) in enumerate(sites):
            out.write(
                f'\t\t<site name="{name}" host="{host}" port="{port}" ssl="{str(ssl).lower()}">\n'
                "\t\t\t<alerts>\n"
            )
            for (owner, alert), share in zip(plan, shares, strict=True):
                if owner == site_index:
                    _alert(out, rng, name, alert, share, serial)
                    serial += share
            out.write("\t\t\t</alerts>\n\t\t</site>\n")
        out.write("</OWASPZAPReport>\n")


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
