"""Precision per rule and severity on unseen code: every report half as it stood when it was rotated out.

    python bench/accuracy/history.py [--last N] [--json]

A report half is run on a linter that never saw it and judged by people who tune nothing; rotating its
repositories into the tune half renames their label files from labels/report to labels/tune, so the parent
of each commit that did is their last report-time state (runs and judgments); a rotation may move part of
the half. Pooling those states gives, per rule and severity, how findings fared on code the rule was not
tuned on: the evidence for which shapes earn `error` and which rule families hold their warnings. The
tune half's own figures overstate, since its false findings are the ones fixed.
Reads git history only (the repository this file is in); no checkout is needed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import score
import yaml

HERE = Path(__file__).resolve().parent
_REPORT = "bench/accuracy/{kind}/report"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def rotations(root: Path) -> dict[str, set[str]]:
    """The commits of the repository at `root` that rotated report repositories into tune, oldest first,
    each with the slugs it rotated (its renames of labels/report/X.yaml to labels/tune/X.yaml)."""
    report, tune = (_REPORT.format(kind="labels") + "/", _REPORT.format(kind="labels").replace("/report", "/tune") + "/")
    log = _git(root, "log", "--reverse", "--format=%x00%H", "--name-status", "-M", "--diff-filter=R", "--",
               f":(top){report}", f":(top){tune}")
    found: dict[str, set[str]] = {}
    for block in log.split("\0")[1:]:
        commit, *changes = block.split("\n")
        slugs = {parts[1][len(report):-len(".yaml")] for parts in (c.split("\t") for c in changes)
                 if len(parts) == 3 and parts[1].startswith(report) and parts[2].startswith(tune)}
        if slugs:
            found[commit] = slugs
    return found


def judged_findings(root: Path, commit: str, slugs: set[str]) -> list[dict]:
    """The warning+ findings of the report repositories `slugs` as they stood at `commit`, each with its
    verdict (`unjudged` when none matched)."""
    rows = []
    labels_dir = _REPORT.format(kind="labels")
    for slug in sorted(slugs):
        try:
            run = _git(root, "show", f"{commit}:{_REPORT.format(kind='runs')}/{slug}.json")
        except subprocess.CalledProcessError:
            continue  # labelled but never run before the rotation
        labels = yaml.safe_load(_git(root, "show", f"{commit}:{labels_dir}/{slug}.yaml")) or {}
        for finding, judgment in score.match_judgments(json.loads(run)["findings"], labels.get("judgments") or []):
            rows.append({"repo": labels.get("repo", slug), "rule": finding["rule"], "severity": finding["severity"],
                         "verdict": score.verdict(judgment) if judgment else "unjudged"})
    return rows


def table(rows: list[dict]) -> dict[str, dict[str, dict[str, int]]]:
    """{rule: {severity: {verdict: count}}}."""
    counts: dict[tuple[str, str], Counter] = {}
    for row in rows:
        counts.setdefault((row["rule"], row["severity"]), Counter())[row["verdict"]] += 1
    result: dict[str, dict[str, dict[str, int]]] = {}
    for (rule, severity), verdicts in sorted(counts.items()):
        result.setdefault(rule, {})[severity] = dict(sorted(verdicts.items()))
    return result


def _line(label: str, verdicts: dict[str, int]) -> str:
    judged = sum(verdicts.get(v, 0) for v in score.VERDICTS)
    share = f"{100 * verdicts.get('true', 0) / judged:5.1f} %" if judged else "    -  "
    return (f"{label:18} {share}  true {verdicts.get('true', 0):3}  noisy {verdicts.get('noisy', 0):3}  "
            f"false {verdicts.get('false', 0):3}" + (f"  unjudged {verdicts['unjudged']}" if verdicts.get("unjudged") else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--last", type=int, default=0, help="only the last N rotated report halves")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    found = rotations(HERE)
    chosen = list(found)[-args.last:] if args.last else list(found)
    rounds = {commit: judged_findings(HERE, f"{commit}^", found[commit]) for commit in chosen}
    pooled = [row for rows in rounds.values() for row in rows]
    if args.json:
        print(json.dumps({"rounds": {c: table(r) for c, r in rounds.items()}, "pooled": table(pooled)}, indent=2))
        return 0
    for commit, rows in rounds.items():
        total = Counter(r["verdict"] for r in rows)
        errors = Counter(r["verdict"] for r in rows if r["severity"] == "error")
        print(_line(f"rotated at {commit[:7]}", total) + "   error: " + _line("", errors).strip())
    print(f"\npooled over {len(rounds)} report halves, per rule and severity:")
    for rule, severities in table(pooled).items():
        for severity, verdicts in severities.items():
            print(_line(f"{rule} {severity}", verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
