"""OWASP Top 10 categories (editions 2021 and 2025) and the CWE ids mapped to each.

The tables hold facts only: each category's id, its heading and the CWE numbers listed in the
page's "List of Mapped CWEs" section of the OWASP/Top10 repository (snapshot of 2026-08-05),
kept as listed there, including the upstream quirks (CWE-259 under both A02:2021 and A07:2021,
CWE-447 under A03:2025). Source: "OWASP Top 10:2021" and "OWASP Top 10:2025", OWASP Foundation,
github.com/OWASP/Top10, CC BY-SA 4.0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Edition = Literal["2021", "2025"]

#: The edition the gate uses when the policy does not pick one.
DEFAULT_EDITION: Edition = "2025"


@dataclass(frozen=True, slots=True)
class Category:
    """One OWASP Top 10 category: ``A01`` to ``A10`` of an edition, and its mapped CWE ids."""

    number: str
    edition: str
    name: str
    cwes: frozenset[int]

    @property
    def id(self) -> str:
        """Return the category's full id, for example ``A05:2025``."""
        return f"{self.number}:{self.edition}"


def _entry(number: str, edition: str, name: str, cwes: str) -> Category:
    """Return a category from its CWE ids written as whitespace-separated numbers."""
    return Category(number, edition, name, frozenset(int(cwe) for cwe in cwes.split()))


# fmt: off
# One category per entry: number, edition, heading, then its CWE ids as listed upstream.
_TOP10_2021: tuple[Category, ...] = (
    _entry("A01", "2021", "Broken Access Control", """
        22 23 35 59 200 201 219 264 275 276 284 285 352 359 377 402 425 441 497 538 540 548
        552 566 601 639 651 668 706 862 863 913 922 1275
    """),
    _entry("A02", "2021", "Cryptographic Failures", """
        259 261 296 310 319 321 322 323 324 325 326 327 328 329 330 331 335 336 337 338 340
        347 523 720 757 759 760 780 818 916
    """),
    _entry("A03", "2021", "Injection", """
        20 74 75 77 78 79 80 83 87 88 89 90 91 93 94 95 96 97 98 99 100 113 116 138 184 470
        471 564 610 643 644 652 917
    """),
    _entry("A04", "2021", "Insecure Design", """
        73 183 209 213 235 256 257 266 269 280 311 312 313 316 419 430 434 444 451 472 501
        522 525 539 579 598 602 642 646 650 653 656 657 799 807 840 841 927 1021 1173
    """),
    _entry("A05", "2021", "Security Misconfiguration", """
        2 11 13 15 16 260 315 520 526 537 541 547 611 614 756 776 942 1004 1032 1174
    """),
    _entry("A06", "2021", "Vulnerable and Outdated Components", """
        937 1035 1104
    """),
    _entry("A07", "2021", "Identification and Authentication Failures", """
        255 259 287 288 290 294 295 297 300 302 304 306 307 346 384 521 613 620 640 798 940
        1216
    """),
    _entry("A08", "2021", "Software and Data Integrity Failures", """
        345 353 426 494 502 565 784 829 830 915
    """),
    _entry("A09", "2021", "Security Logging and Monitoring Failures", """
        117 223 532 778
    """),
    _entry("A10", "2021", "Server-Side Request Forgery (SSRF)", """
        918
    """),
)

_TOP10_2025: tuple[Category, ...] = (
    _entry("A01", "2025", "Broken Access Control", """
        22 23 36 59 61 65 200 201 219 276 281 282 283 284 285 352 359 377 379 402 424 425
        441 497 538 540 548 552 566 601 615 639 668 732 749 862 863 918 922 1275
    """),
    _entry("A02", "2025", "Security Misconfiguration", """
        5 11 13 15 16 260 315 489 526 547 611 614 776 942 1004 1174
    """),
    _entry("A03", "2025", "Software Supply Chain Failures", """
        447 1035 1104 1329 1357 1395
    """),
    _entry("A04", "2025", "Cryptographic Failures", """
        261 296 319 320 321 322 323 324 325 326 327 328 329 330 331 332 334 335 336 337 338
        340 342 347 523 757 759 760 780 916 1240 1241
    """),
    _entry("A05", "2025", "Injection", """
        20 74 76 77 78 79 80 83 86 88 89 90 91 93 94 95 96 97 98 99 103 104 112 113 114 115
        116 129 159 470 493 500 564 610 643 644 917
    """),
    _entry("A06", "2025", "Insecure Design", """
        73 183 256 266 269 286 311 312 313 316 362 382 419 434 436 444 451 454 472 501 522
        525 539 598 602 628 642 646 653 656 657 676 693 799 807 841 1021 1022 1125
    """),
    _entry("A07", "2025", "Authentication Failures", """
        258 259 287 288 289 290 291 293 294 295 297 298 299 300 302 303 304 305 306 307 308
        309 346 350 384 521 613 620 640 798 940 941 1390 1391 1392 1393
    """),
    _entry("A08", "2025", "Software or Data Integrity Failures", """
        345 353 426 427 494 502 506 509 565 784 829 830 915 926
    """),
    _entry("A09", "2025", "Security Logging & Alerting Failures", """
        117 221 223 532 778
    """),
    _entry("A10", "2025", "Mishandling of Exceptional Conditions", """
        209 215 234 235 248 252 274 280 369 390 391 394 396 397 460 476 478 484 550 636 703
        754 755 756
    """),
)
# fmt: on

_EDITIONS: dict[str, tuple[Category, ...]] = {"2021": _TOP10_2021, "2025": _TOP10_2025}

#: The category of each edition that vulnerable third-party components belong to.
COMPONENTS_CATEGORY: dict[str, str] = {"2021": "A06:2021", "2025": "A03:2025"}

# Built once: CWE id -> categories, per edition (a CWE may sit in two categories, as 259 does).
_BY_CWE: dict[str, dict[int, tuple[Category, ...]]] = {}
for _edition, _categories in _EDITIONS.items():
    _index: dict[int, list[Category]] = {}
    for _category in _categories:
        for _cwe in _category.cwes:
            _index.setdefault(_cwe, []).append(_category)
    _BY_CWE[_edition] = {cwe: tuple(found) for cwe, found in _index.items()}


def categories(edition: str) -> tuple[Category, ...]:
    """Return the ten categories of `edition` (``"2021"`` or ``"2025"``), A01 first.

    Raises `KeyError` for another edition.
    """
    return _EDITIONS[edition]


def categories_for(cwes: Iterable[int], edition: str) -> list[str]:
    """Return the sorted ids of the categories of `edition` that any of `cwes` maps to."""
    index = _BY_CWE[edition]
    found = {category.id for cwe in cwes for category in index.get(cwe, ())}
    return sorted(found)
