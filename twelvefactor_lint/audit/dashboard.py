"""The fleet dashboard: one self-contained page from an audit.json (the HTML report's page machinery:
escaped Jinja, the base stylesheet, a hash-only Content-Security-Policy).

A factor x repository heatmap that stays usable with hundreds of repositories (a scrolling box with
sticky headers and the name column, a filter, sortable columns), the most common rules with their
documentation, the worst repositories, links to each repository's own HTML report (copied beside the
dashboard), and, when the audit was compared with an earlier one, what got better or worse.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from twelvefactor_lint.audit.sources import slug
from twelvefactor_lint.factors import FACTORS, TWELVE, label
from twelvefactor_lint.report.docs import rule_url
from twelvefactor_lint.severity import SEVERITIES

_TEMPLATES = Path(__file__).with_name("templates")
_WORST_FIRST = tuple(reversed(SEVERITIES))
_LEVELS = (1, 2, 4, 10, 30)
"""A cell's heat level is how many of these its findings reach: 1, 2-3, 4-9, 10-29, 30+."""
TOP_RULES = 15
WORST = 10


@dataclass(frozen=True)
class Cell:
    count: int
    level: int
    worst: str


@dataclass(frozen=True)
class Row:
    name: str
    status: str
    reason: str
    findings: int
    severities: dict[str, int]
    cells: tuple[Cell, ...]
    link: str | None
    change: dict | None


@dataclass(frozen=True)
class RuleView:
    id: str
    findings: int
    repositories: int
    name: str
    title: str
    factor: str
    rationale: str
    fix: str
    url: str
    """The factor's page at 12factor.net."""
    docs: str
    """The rule's own documentation page."""


def _cell(counts: dict[str, int] | None) -> Cell:
    total = sum(counts.values()) if counts else 0
    worst = next((s for s in _WORST_FIRST if counts and counts.get(s)), "")
    return Cell(total, sum(total >= threshold for threshold in _LEVELS), worst)


def _rules(by_rule: dict[str, dict]) -> list[RuleView]:
    from twelvefactor_lint.judge import catalogue

    try:
        known = {rule.id: rule for rule in catalogue.load().rules}
    except catalogue.CatalogueError:
        known = {}
    top = sorted(by_rule.items(), key=lambda item: (-item[1]["repositories"], -item[1]["findings"], item[0]))[:TOP_RULES]
    views = []
    for rule_id, counts in top:
        rule = known.get(rule_id)
        if rule is None:  # a rule of a newer 12f-lint or of a user's rule directory: its id and counts only
            views.append(RuleView(rule_id, counts["findings"], counts["repositories"], "", "", "", "", "", "", ""))
            continue
        factor = FACTORS.get(rule.factor)
        views.append(RuleView(rule_id, counts["findings"], counts["repositories"], rule.name, rule.title,
                              label(rule.factor) if factor else "", rule.rationale, rule.fix, factor.url if factor else "",
                              rule_url(rule.id, rule.name)))
    return views


def _links(document: dict, out: Path, reports: Path | None) -> dict[str, str]:
    """Copy each audited repository's own HTML report beside the dashboard; name -> relative link."""
    if reports is None:
        return {}
    folder = out.parent / f"{out.stem}-repos"
    links = {}
    for repo in document["repositories"]:
        report = reports / f"{slug(repo['name'])}.html"
        if repo["status"] == "ok" and report.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(report, folder / report.name)
            links[repo["name"]] = f"{folder.name}/{report.name}"
    return links


def render_dashboard(document: dict, links: dict[str, str]) -> str:
    from twelvefactor_lint.report.page import content_security_policy, environment, stylesheet

    repositories = document["repositories"]
    columns = [*TWELVE, *(["tool"] if "tool" in document["totals"]["by_factor"] else [])]
    changes = (document.get("comparison") or {}).get("repositories", {})
    rows = [Row(r["name"], r["status"], r["reason"] or "", r["findings_total"], r["by_severity"],
                tuple(_cell(r["by_factor"].get(key)) for key in columns), links.get(r["name"]), changes.get(r["name"]))
            for r in repositories]
    audited = [row for row in rows if row.status == "ok"]
    worst = sorted((row for row in audited if row.findings),
                   key=lambda row: (*(-row.severities[s] for s in _WORST_FIRST), row.name))[:WORST]
    css = stylesheet(_TEMPLATES / "fleet.css")
    script = (_TEMPLATES / "fleet.js").read_text(encoding="utf-8")
    return environment(_TEMPLATES).get_template("fleet.html.j2").render(
        document=document, totals=document["totals"], severities=_WORST_FIRST,
        columns=[(key, FACTORS[key].name, FACTORS[key].url) for key in columns],
        factor_totals={key: _cell(document["totals"]["by_factor"].get(key)) for key in columns},
        rows=rows, worst=worst, rules=_rules(document["totals"]["by_rule"]),
        unaudited=[row for row in rows if row.status != "ok"],
        comparison=document.get("comparison"), factor_labels={key: label(key) for key in FACTORS},
        css=css, script=script, csp=content_security_policy(css, script),
    )


def write_dashboard(document_path: Path, out: Path, reports: Path | None) -> None:
    """Render the dashboard of the audit at `document_path` to `out`, with drill-down reports from `reports`."""
    document = json.loads(document_path.read_text(encoding="utf-8"))
    out.write_text(render_dashboard(document, _links(document, out, reports)), encoding="utf-8")
