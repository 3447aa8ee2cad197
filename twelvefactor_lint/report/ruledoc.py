"""A rule's documentation, from its catalogue entry: the text of `explain`, the rule docs and SARIF help.

The skeleton is ruff's: What it does / Why is this bad? / Example / Use instead / References.
"What it does" is written from what the rule really does: the kinds of file its examples are,
the roles it judges, and the findings 12f-lint reports on its first bad example, run for real.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from twelvefactor_lint.discover.scope import DEV, PROD, ROLES
from twelvefactor_lint.discover.walk import content_kind, kind_of
from twelvefactor_lint.factors import FACTORS
from twelvefactor_lint.judge.catalogue import Catalogue, Example, Rule
from twelvefactor_lint.judge.examples import findings
from twelvefactor_lint.model import Finding
from twelvefactor_lint.report.docs import rule_url

_KIND_NOUNS = {"python": "Python modules", "dockerfile": "Dockerfiles", "compose": "compose files",
               "procfile": "Procfiles", "shell": "shell scripts", "kubernetes": "Kubernetes manifests",
               "paas": "PaaS files (fly.toml, render.yaml, heroku.yml, app.json, App Engine)"}
_FENCES = {"python": "python", "dockerfile": "dockerfile", "compose": "yaml", "shell": "sh", "kubernetes": "yaml", "paas": ""}
_NOT_JUDGED = "tests, migrations, scripts, docs and build files"


def _kind(path: str, code: str = "") -> str | None:
    name = path.rsplit("/", 1)[-1]
    return kind_of(name) or content_kind(name, code.encode()) or ("shell" if path.endswith(".sh") else None)


def _sources(rule: Rule) -> str:
    if rule.factor == "tool":
        return "every file it reads"
    kinds = []
    for example in (*rule.bad, *rule.good):
        kind = _kind(example.files[0].path, example.files[0].code)
        if kind in _KIND_NOUNS and kind not in kinds:
            kinds.append(kind)
    nouns = [_KIND_NOUNS[k] for k in kinds] or ["every file it reads"]
    return nouns[0] if len(nouns) == 1 else ", ".join(nouns[:-1]) + " and " + nouns[-1]


def _roles(rule: Rule) -> str:
    if set(rule.roles) == set(ROLES):
        return "It judges every file it reads, whatever its role."
    if set(rule.roles) == {PROD, DEV}:
        return (f"It judges production files, and dev-only files as info (one severity lower when they are "
                f"development only by a guess); {_NOT_JUDGED} are not judged.")
    if set(rule.roles) == {PROD}:
        return f"It judges production files only; dev-only files, {_NOT_JUDGED} are not judged."
    return f"It judges files in these roles: {', '.join(rule.roles)}."


def reported(rule: Rule, example: Example) -> list[Finding]:
    """What 12f-lint reports on an example, from a real run over the example's files in a scratch directory."""
    return [f for f in findings(example, (rule.id,), Catalogue((rule,))) if f.rule == rule.id]


def _what_it_does(rule: Rule) -> list[str]:
    lines = [f"12f-lint looks for this in {_sources(rule)}: {rule.title[0].lower()}{rule.title[1:]}.", _roles(rule), ""]
    # The tool's own findings quote the interpreter (a parse error names the Python that parsed it): not shown.
    findings = reported(rule, rule.bad[0]) if rule.bad and rule.factor != "tool" else []
    if findings:
        several_files = len(rule.bad[0].files) > 1
        lines += ["On the example below it reports:", ""]
        for f in findings:
            where = f"{f.path}:{f.line}" if several_files else f"line {f.line}"
            lines.append(f"- {where} ({f.severity}): {f.message}")
        lines.append("")
    return lines


def _code(example: Example) -> list[str]:
    lines = []
    for file in example.files:
        fence = _FENCES.get(_kind(file.path, file.code) or "", "")
        lines += [f"`{file.path}`:", "", f"```{fence}", file.code.rstrip("\n"), "```", ""]
    return lines


def _autofix(rule: Rule) -> list[str]:
    """How `--fix` handles the rule, with its first fix example as a diff."""
    if rule.autofix is None:
        return []
    command = "12f-lint --fix" if rule.autofix.safety == "safe" else "12f-lint --fix --unsafe-fixes"
    example = rule.autofix.examples[0]
    diff = difflib.unified_diff(example.before.splitlines(keepends=True), example.after.splitlines(keepends=True),
                                f"a/{example.path}", f"b/{example.path}")
    return [f"**Automatic fix** ({rule.autofix.safety}, `{command}`): {' '.join(rule.autofix.summary.split())}", "",
            "```diff", "".join(diff).rstrip("\n"), "```", ""]


def _factor_quote(rule: Rule) -> str:
    factor = FACTORS[rule.factor]
    if rule.factor == "tool":
        return f"> {factor.name}: {factor.motto}"
    return f"> **{rule.factor}. {factor.name}**: {factor.motto} ({factor.url})"


def markdown(rule: Rule) -> str:
    """The whole rule doc: `12f-lint explain` prints it and `docs/rules/<id>-<name>.md` holds it."""
    factor = FACTORS[rule.factor]
    lines = [
        f"# {rule.id} {rule.name}",
        "",
        f"**{rule.title}** · factor {rule.factor} ({factor.name}) · default severity `{rule.severity}`",
        "",
        "## What it does",
        "",
        *_what_it_does(rule),
        "## Why is this bad?",
        "",
        _factor_quote(rule),
        "",
        rule.rationale,
        "",
        "## Example",
        "",
        *(_code(rule.bad[0]) if rule.bad else ["(This rule reports on 12f-lint's own run; there is no code to show.)", ""]),
        "## Use instead",
        "",
        rule.fix,
        "",
        *_autofix(rule),
        *_code(rule.good[0]),
        "## References",
        "",
        *[f"- {ref}" for ref in rule.references],
        "",
    ]
    return "\n".join(lines)


def explanation(rule: Rule, docs_base: str = "") -> str:
    """What `12f-lint explain` prints (and an editor shows on hover): the rule doc, then where it is online."""
    return f"{markdown(rule)}\nOnline: {rule_url(rule.id, rule.name, docs_base)}\n"


def help_markdown(rule: Rule) -> str:
    """Why and how to fix, without examples: SARIF's `help.markdown` (code scanning shows it beside an alert)."""
    references = [f"- {ref}" for ref in rule.references]
    parts = [_factor_quote(rule), "", rule.rationale, "", "**Use instead:** " + rule.fix, "", *references]
    return "\n".join(parts).strip() + "\n"


def help_text(rule: Rule) -> str:
    """The plain-text twin of `help_markdown`, for viewers that do not render markdown."""
    return " ".join(f"{rule.rationale} Use instead: {rule.fix}".split())


def doc_files(catalogue: Catalogue) -> dict[str, str]:
    """The rule docs directory's content: `<id>-<name>.md` per rule, and an index `README.md`."""
    files = {f"{rule.id}-{rule.name}.md": markdown(rule) for rule in catalogue.rules}
    rows = [f"| [{rule.id}]({rule.id}-{rule.name}.md) | {rule.name} | {rule.factor} | {rule.severity} | {rule.title} |"
            for rule in catalogue.rules]
    files["README.md"] = "\n".join([
        "# Rules", "",
        "Generated from the catalogue in `rules/` by `12f-lint rules --write-docs docs/rules`; do not edit by hand.", "",
        "| id | name | factor | severity | what it finds |", "|---|---|---|---|---|", *rows, "",
    ])
    return files


def write_docs(catalogue: Catalogue, directory: Path) -> list[Path]:
    """Write the rule docs and delete docs of rules that are gone; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = doc_files(catalogue)
    for old in directory.glob("TF*-*.md"):
        if old.name not in wanted:
            old.unlink()
    written = []
    for name, text in wanted.items():
        target = directory / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
