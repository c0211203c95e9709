"""The verdict for people and CI: readable text, JUnit XML and a Markdown summary.

JUnit XML follows the shape GitLab's unit test report reads (docs.gitlab.com/ci/testing/
unit_test_reports): one ``testcase`` per check, a ``failure`` element for a failed one. The
Markdown comes from the jinja2 template ``templates/gate-summary.md.j2``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from importlib import resources
from typing import Any

import jinja2

from sarifkit.gate.verdict import Check, Owasp, ScoreCard, Verdict

#: Characters XML 1.0 cannot carry, even escaped; scanner text sometimes holds them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Markdown that a finding's title could use to format, link or mention someone in a comment.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_MARK = {True: "✓", False: "✗"}


def render_text(verdict: Verdict) -> str:
    """Return the verdict as the lines ``sarifkit gate`` prints."""
    env = verdict.environment
    lines = [
        f"environment: {env.name} ({env.reason})",
        f"policy: {verdict.policy}",
        "",
        *_check_table(verdict.checks),
        "",
        _score_line(verdict),
        _owasp_line(verdict.score.owasp),
    ]
    lines.extend(
        f"merged: {m.what}, counted once ({', '.join(f'{x.tool} {x.source}' for x in m.members)})"
        for m in verdict.duplicates
    )
    waived = verdict.score.not_counted.waived
    if waived:
        used = sum(1 for w in verdict.waivers if w.state == "applied")
        lines.append(f"waived: {waived} finding(s) by {used} waiver(s)")
    lines.extend(f"warning: {w}" for w in verdict.warnings)
    lines.append(f"verdict: {verdict.status.upper()}: {verdict.summary}")
    return "\n".join(lines) + "\n"


def _check_table(checks: list[Check]) -> list[str]:
    header = ("check", "threshold", "value")
    rows = [(c.name, c.threshold, c.value) for c in checks]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    out = ["  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for check, row in zip(checks, rows, strict=True):
        cells = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        suffix = "" if check.passed or check.blocking else "  (not enforced)"
        out.append(f"{_MARK[check.passed]} {cells}{suffix}")
        out.extend(f"    {detail}" for detail in ([] if check.passed else check.details))
    return out


def _score_line(verdict: Verdict) -> str:
    card = verdict.score
    counts = ", ".join(f"{n} {s}" for s, n in card.open_by_severity.items())
    return f"security score: {_num(card.score)}/100 (rating {card.rating}); open: {counts}"


def _owasp_line(top: Owasp) -> str:
    hit = ", ".join(f"{c.id} {c.name} {c.count}" for c in top.categories if c.count)
    return (
        f"OWASP Top 10:{top.edition}: {top.compliant_categories} of 10 categories clear "
        f"({_num(top.compliance)} %)" + (f"; {hit}" if hit else "")
    )


def render_score(card: ScoreCard) -> str:
    """Return what ``sarifkit score`` prints: the score and the counts alone."""
    lines = [
        f"security score: {_num(card.score)}/100 (rating {card.rating})",
        "open by severity: " + ", ".join(f"{s} {n}" for s, n in card.open_by_severity.items()),
        "open by kind of scan: " + ", ".join(f"{k} {n}" for k, n in card.open_by_kind.items() if n),
        _owasp_line(card.owasp),
        "not counted: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in card.not_counted.model_dump().items()),
    ]
    return "\n".join(lines) + "\n"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def render_junit(verdict: Verdict) -> bytes:
    """Return JUnit XML with one test case per check, for GitLab's test report widget."""
    failures = sum(1 for c in verdict.checks if not c.passed)
    suites = ET.Element(
        "testsuites", name="sarifkit gate", tests=str(len(verdict.checks)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"sarifkit gate ({verdict.environment.name})",
        tests=str(len(verdict.checks)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time="0",
    )
    for check in verdict.checks:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"sarifkit.gate.{check.group}",
            name=_xml(f"{check.name} {check.threshold}"),
            time="0",
        )
        if not check.passed:
            failure = ET.SubElement(
                case,
                "failure",
                message=_xml(f"{check.name}: {check.value}, expected {check.threshold}"),
                type="blocking" if check.blocking else "not enforced",
            )
            failure.text = _xml("\n".join(check.details) or check.value)
        out = ET.SubElement(case, "system-out")
        out.text = _xml(f"value: {check.value}; threshold: {check.threshold}")
    ET.indent(suites)
    data: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def markdown_escape(text: object) -> str:
    """Return `text` safe to put in a Markdown table cell of a merge request comment.

    Formatting characters are backslash-escaped, HTML and ``@`` mentions are turned into
    entities (a finding's title must not ping anyone), and line breaks become spaces.
    """
    value = " ".join(str(text).split())
    value = _MARKDOWN_SPECIAL.sub(r"\\\1", value)
    return value.replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")


def _template_environment() -> jinja2.Environment:
    def load(name: str) -> str:
        return resources.files("sarifkit.templates").joinpath(name).read_text(encoding="utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        # Markdown, not HTML: escaping is the `md` filter's job, applied to every value.
        autoescape=False,  # noqa: S701
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["num"] = _num
    return env


def render_markdown(verdict: Verdict, template: str = "gate-summary.md.j2") -> str:
    """Return the Markdown summary of `verdict`, for a merge request comment."""
    context: dict[str, Any] = {"v": verdict, "mark": {True: "✅", False: "❌"}}
    return _template_environment().get_template(template).render(context)
