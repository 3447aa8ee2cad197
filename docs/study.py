"""The figures of docs/state-of-twelve-factor.md, from the committed summary alone.

    python docs/study.py summarise audit.json > docs/state-of-twelve-factor.json   # once, after the audit
    python docs/study.py figures [docs/state-of-twelve-factor.json]                # every figure, as markdown

The summary keeps, per repository, its name, commit, status and counts (files, findings by factor,
severity and rule, process inventory) - no code, no finding messages, no paths inside the repositories.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUMMARY = HERE / "state-of-twelve-factor.json"
FACTORS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
"""Rule TF<n><two digits> belongs to factor n (TF0xx: the tool itself)."""
_KEPT = ("name", "commit", "status", "reason", "version", "files", "findings_total", "by_severity", "by_factor",
         "by_rule", "suppressed", "processes")
# The study's questions, each a set of rules (see docs/rules/ for what each rule matches).
QUESTIONS = {
    "several processes per container (TF609)": ("TF609",),
    "state in request handlers or jobs (TF601 module state, TF602 local caches, TF604 in-memory sessions)":
        ("TF601", "TF602", "TF604"),
    "migrations on every start (TF1201)": ("TF1201",),
    "secrets in code (TF301 secret literals)": ("TF301",),
    "secrets in code or in the image (TF301, TF302 secret env fallbacks, TF307 secrets baked into the image)":
        ("TF301", "TF302", "TF307"),
    "logs to files (TF1101, TF1103)": ("TF1101", "TF1103"),
    "a shell as PID 1 (TF901)": ("TF901",),
}


def summarise(audit: dict) -> dict:
    """The audit without its findings and local paths: what the study may publish."""
    repositories = []
    for record in audit["repositories"]:
        kept = {key: record[key] for key in _KEPT}
        kept["name"] = record["name"].replace("+", "/", 1)  # the checkouts were named owner+name
        repositories.append(kept)
    return {"about": "12f-lint fleet audit of public Python service repositories; summary for docs/state-of-twelve-factor.md",
            "format": audit["format"], "schema_version": audit["schema_version"], "tool": audit["tool"],
            "rule_selection": audit["rule_selection"], "totals": audit["totals"],
            "run": {key: audit["run"][key] for key in ("mode", "started_at", "finished_at", "duration_seconds")},
            "repositories": repositories}


def _share(count: int, total: int) -> str:
    return f"{count} of {total} ({100 * count / total:.0f} %)" if total else "0"


def figures(summary: dict) -> str:
    repos = summary["repositories"]
    audited = [r for r in repos if r["status"] == "ok"]
    n = len(audited)
    containers = [r for r in audited if r["processes"] and r["processes"]["total"]]
    lines = [f"- Repositories: {len(repos)} listed, {n} analysed, "
             f"{sum(r['status'] == 'failed' for r in repos)} failed, {sum(r['status'] == 'skipped' for r in repos)} skipped.",
             f"- Files analysed: {sum(r['files']['analyzed'] for r in audited)}; "
             f"skipped: {sum(r['files']['skipped'] for r in audited)}.",
             f"- With at least one finding: {_share(sum(bool(r['findings_total']) for r in audited), n)}; "
             f"with an error: {_share(sum(bool(r['by_severity']['error']) for r in audited), n)}.",
             f"- Findings: {sum(r['findings_total'] for r in audited)}; per repository median "
             f"{statistics.median(r['findings_total'] for r in audited) if audited else 0:g}, "
             f"max {max((r['findings_total'] for r in audited), default=0)}.",
             f"- With a finding about the tool itself (TF0xx: a file it could not parse, an internal error): "
             f"{_share(sum('tool' in r['by_factor'] for r in audited), n)}.",
             f"- Declaring at least one process (Dockerfile, compose, Procfile, supervisord): {_share(len(containers), n)}; "
             f"process types in all: {sum(r['processes']['total'] for r in containers)}."]
    checked = {FACTORS[int(rule[2:-2]) - 1] for rule in summary["rule_selection"]["rules"] if int(rule[2:-2] or 0)}
    lines += ["", "| factor | repositories with findings | findings | errors |", "|---|---|---|---|"]
    for key in sorted(FACTORS, key=lambda k: -sum(k in r["by_factor"] for r in audited)):
        hit = [r for r in audited if key in r["by_factor"]]
        if key not in checked:
            lines.append(f"| {key} | not checked (no rule) | | |")
            continue
        lines.append(f"| {key} | {_share(len(hit), n)} | {sum(sum(r['by_factor'][key].values()) for r in hit)} | "
                     f"{sum(r['by_factor'][key]['error'] for r in hit)} |")
    rules: dict[str, list[int]] = {}
    for record in audited:
        for rule, count in record["by_rule"].items():
            rules.setdefault(rule, []).append(count)
    lines += ["", "| rule | repositories | findings |", "|---|---|---|"]
    for rule, counts in sorted(rules.items(), key=lambda item: (-len(item[1]), -sum(item[1]), item[0]))[:15]:
        lines.append(f"| {rule} | {_share(len(counts), n)} | {sum(counts)} |")
    lines += ["", "| question | all analysed | those declaring a process |", "|---|---|---|"]
    for question, ids in QUESTIONS.items():
        hits = [sum(any(rule in r["by_rule"] for rule in ids) for r in group) for group in (audited, containers)]
        lines.append(f"| {question} | {_share(hits[0], n)} | {_share(hits[1], len(containers))} |")
    kinds: dict[str, int] = {}
    for record in containers:
        for kind in record["processes"]["by_kind"]:
            kinds[kind] = kinds.get(kind, 0) + 1
    lines += ["", "| process kind declared | repositories |", "|---|---|"]
    common = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))[:10]
    lines += [f"| {kind} | {_share(count, n)} |" for kind, count in common]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "summarise":
        print(json.dumps(summarise(json.loads(Path(argv[1]).read_text(encoding="utf-8"))), indent=1, ensure_ascii=False))
        return 0
    if argv and argv[0] == "figures":
        path = Path(argv[1]) if len(argv) > 1 else SUMMARY
        print(figures(json.loads(path.read_text(encoding="utf-8"))), end="")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
