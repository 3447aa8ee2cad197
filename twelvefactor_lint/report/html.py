"""The HTML report: one self-contained page (no CDN, works offline) with a twelve-factor scorecard,
findings grouped by factor and file with their code, and filters that need no server.

Everything taken from the repository is escaped by Jinja's autoescape; on top of that the page's
Content-Security-Policy allows only its own inline style and script (by hash), so markup that
slipped into a file name or a snippet could still not run or load anything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import PurePath

from twelvefactor_lint.factors import FACTORS, TWELVE, label
from twelvefactor_lint.judge.catalogue import Rule
from twelvefactor_lint.model import Finding, Process, Related, Result
from twelvefactor_lint.report import PLAIN, ReportOptions
from twelvefactor_lint.report.checkout import checkout_prefix, checkout_root
from twelvefactor_lint.report.docs import docs_base, rule_url
from twelvefactor_lint.report.page import TEMPLATES, content_security_policy, environment, stylesheet
from twelvefactor_lint.report.snippets import SnippetLine, SnippetReader
from twelvefactor_lint.report.source_links import blob_base, source_link
from twelvefactor_lint.severity import SEVERITIES

_WORST_FIRST = tuple(reversed(SEVERITIES))
LONG_INVENTORY = 8
"""More processes than this, and the findings come first, the inventory folded below them."""


@dataclass(frozen=True)
class Segment:
    severity: str
    x: float
    width: float


@dataclass(frozen=True)
class Card:
    key: str
    name: str
    motto: str
    url: str
    counts: dict[str, int]
    total: int
    checked: bool
    segments: tuple[Segment, ...]

    @property
    def worst(self) -> str:
        """The most severe level among the card's findings, `` when it has none."""
        return next((s for s in _WORST_FIRST if self.counts[s]), "")


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    rule: Rule | None
    snippet: tuple[SnippetLine, ...]
    doc_url: str
    source_url: str | None
    processes: str
    """The indexes of the processes the finding is about, space-separated, for the process filter."""
    related: tuple[tuple[Related, str | None], ...] = ()
    """The other places a rolled-up finding stands for, each with its source link (when known)."""

    @property
    def anchor(self) -> str:
        return f"f-{self.finding.fingerprint}" if self.finding.fingerprint else f"f-{self.finding.line}"


@dataclass(frozen=True)
class ProcessFile:
    """The processes one deploy file declares: a long inventory is read file by file."""

    path: str
    processes: tuple[tuple[int, Process], ...]


@dataclass(frozen=True)
class FileGroup:
    path: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class FactorGroup:
    key: str
    name: str
    label: str
    motto: str
    url: str
    total: int
    files: tuple[FileGroup, ...]


def _cards(result: Result) -> list[Card]:
    counts = Counter((f.factor, f.severity) for f in result.findings)
    checked = {rule.factor for rule in result.catalogue.rules if rule.id in result.rules}
    totals = {key: sum(counts[key, s] for s in SEVERITIES) for key in TWELVE}
    scale = 100 / max(1, *totals.values())
    cards = []
    for key in TWELVE:
        segments, x = [], 0.0
        for severity in _WORST_FIRST:
            width = counts[key, severity] * scale
            if width:
                segments.append(Segment(severity, round(x, 2), round(width, 2)))
                x += width
        factor = FACTORS[key]
        cards.append(Card(key, factor.name, factor.motto, factor.url, {s: counts[key, s] for s in _WORST_FIRST},
                          totals[key], key in checked, tuple(segments)))
    return cards


def _groups(result: Result, reader: SnippetReader, blob: str | None) -> list[FactorGroup]:
    rules = {rule.id: rule for rule in result.catalogue.rules}
    owners: dict[str, list[str]] = defaultdict(list)
    for index, process in enumerate(result.processes):
        for key in process.findings:
            owners[key].append(str(index))
    tree: dict[str, dict[str, list[FindingView]]] = defaultdict(lambda: defaultdict(list))
    for f in result.findings:
        tree[f.factor][f.path].append(FindingView(
            f, rules.get(f.rule), reader.around(f.path, f.line, f.last_line()),
            rule_url(f.rule, f.name, result.docs_url), source_link(blob, result.root, f.path, f.line) if blob else None,
            " ".join(owners.get(f"{f.rule} {f.path}:{f.line}", ())),
            tuple((r, source_link(blob, result.root, r.path, r.line) if blob else None) for r in f.related)))
    groups = []
    for key in (*TWELVE, "tool"):
        if key in tree:
            files = tuple(FileGroup(path, tuple(views)) for path, views in sorted(tree[key].items()))
            factor = FACTORS[key]
            groups.append(FactorGroup(key, factor.name, label(key), factor.motto, factor.url,
                                      sum(len(g.findings) for g in files), files))
    return groups


def _process_files(processes: tuple[Process, ...]) -> list[ProcessFile]:
    by_file: dict[str, list[tuple[int, Process]]] = defaultdict(list)
    for index, process in enumerate(processes):
        by_file[process.declared_at.rpartition(":")[0] or process.declared_at].append((index, process))
    return [ProcessFile(path, tuple(found)) for path, found in by_file.items()]


def _shown_root(root: str) -> str:
    """The project as the repository knows it (`repo/services/api`), never the machine's absolute path."""
    prefix = checkout_prefix(root).as_posix()
    name = checkout_root(root).name or root
    return name if prefix in ("", ".") else f"{name}/{prefix}"


def render_html(result: Result, options: ReportOptions = PLAIN) -> str:
    css = stylesheet(TEMPLATES / "report.css")
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    reader = SnippetReader(result.root)
    groups = _groups(result, reader, blob_base(result.root, options.repo_url))
    cards = _cards(result)
    return environment().get_template("report.html.j2").render(
        result=result,
        project=PurePath(result.root).name or result.root,
        shown_root=_shown_root(result.root),
        process_files=_process_files(result.processes),
        long_inventory=len(result.processes) > LONG_INVENTORY,
        docs_index=f"{docs_base(result.docs_url)}/",
        counts=result.counts(),
        severities=_WORST_FIRST,
        cards=cards,
        verdict={"with_findings": sum(1 for c in cards if c.total), "clean": sum(1 for c in cards if c.checked and not c.total),
                 "unchecked": sum(1 for c in cards if not c.checked and not c.total)},
        processes=result.processes,
        groups=groups,
        factors_with_findings=[(g.key, g.label) for g in groups],
        css=css,
        script=script,
        csp=content_security_policy(css, script),
    )
