"""Precision and recall of saved 12f-lint runs against the corpus labels.

    python bench/accuracy/score.py [--half tune] [--json]

Precision counts the warning+ findings that carry a judgment (matched by fingerprint, else by
rule + path + line, and judged at the finding's severity unless the verdict cannot depend on it: `false`
holds at any severity, `true` at any lower one): strict counts `noisy` as false. Recall counts the `expected:` entries a finding
of the same factor reaches (same path, within ±3 lines of `line` or of the `lines: [a, b]` range),
or a finding of the expected `rule` anywhere on that path: once at warning+ and once at any severity.
Unjudged warning+ findings are listed so nobody skips one silently. Exits 2 on malformed labels.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import corpus
import yaml

WARNING_PLUS = ("warning", "error")
VERDICTS = ("true", "false", "noisy")
_RANK = {"info": 0, "warning": 1, "error": 2}
FACTORS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NEAR = 3  # lines either side of an expected location a finding may point at
_RULE = re.compile(r"^TF\d{3,4}$")


def _line_range(item: dict) -> tuple[int, int] | None:
    if "lines" in item:
        lines = item["lines"]
        ok = isinstance(lines, list) and len(lines) == 2 and all(type(n) is int and n > 0 for n in lines)
        return (lines[0], lines[1]) if ok and lines[0] <= lines[1] else None
    line = item.get("line")
    return (line, line) if type(line) is int and line > 0 else None


def _expected_errors(item: dict) -> list[str]:
    errors = []
    if not isinstance(item.get("path"), str) or not item["path"]:
        errors.append("path missing")
    if _line_range(item) is None:
        errors.append("needs line (a positive int) or lines: [first, last]")
    if item.get("factor") not in FACTORS:
        errors.append(f"factor must be a roman numeral I..XII, got {item.get('factor')!r}")
    if "rule" in item and not (isinstance(item["rule"], str) and _RULE.match(item["rule"])):
        errors.append(f"rule must look like TF601, got {item['rule']!r}")
    if not isinstance(item.get("what"), str) or not item["what"].strip():
        errors.append("what (one line on the problem) missing")
    return errors


def _judgment_errors(item: dict) -> list[str]:
    errors = []
    if not (isinstance(item.get("rule"), str) and _RULE.match(item["rule"])):
        errors.append("rule missing or not like TF601")
    if not isinstance(item.get("path"), str) or type(item.get("line")) is not int:
        errors.append("path and line (int) required")
    if verdict(item) not in VERDICTS:
        errors.append(f"verdict must be true, false or noisy, got {item.get('verdict')!r}")
    if not isinstance(item.get("why"), str) or not item["why"].strip():
        errors.append("why (one line) missing")
    return errors


def validate(labels: object, entry: corpus.Entry) -> list[str]:
    """Everything wrong with one label file, as messages (empty when well formed)."""
    if not isinstance(labels, dict):
        return ["not a mapping"]
    errors = []
    if labels.get("repo") != entry.repo:
        errors.append(f"repo is {labels.get('repo')!r}, corpus.yaml says {entry.repo}")
    if labels.get("commit") != entry.commit:
        errors.append(f"commit is {labels.get('commit')!r}, corpus.yaml says {entry.commit}")
    for key, check in (("expected", _expected_errors), ("judgments", _judgment_errors)):
        items = labels.get(key) or []
        if not isinstance(items, list):
            errors.append(f"{key} is not a list")
            continue
        for i, item in enumerate(items):
            problems = check(item) if isinstance(item, dict) else ["not a mapping"]
            errors.extend(f"{key}[{i}]: {problem}" for problem in problems)
    return errors


def verdict(judgment: dict) -> object:
    """A judgment's verdict as a word; YAML reads an unquoted true/false as a bool."""
    value = judgment.get("verdict")
    return ("true" if value else "false") if isinstance(value, bool) else value


def holds_at(judgment: dict, severity: str) -> bool:
    """Whether a verdict given at the judgment's severity still stands for a finding at `severity`:
    a `false` finding is no problem at any severity and a `true` one stays true when lowered, but a
    `noisy` one (often "wrong severity") and a `true` one raised must be judged again."""
    judged_at = judgment.get("severity")
    if judged_at in (None, severity):
        return True
    said = verdict(judgment)
    return said == "false" or (said == "true" and _RANK.get(severity, 0) < _RANK.get(judged_at, 0))


def match_judgments(findings: list[dict], judgments: list[dict]) -> list[tuple[dict, dict | None]]:
    """Pair each warning+ finding with its judgment: by fingerprint first, then (for the judgments
    left) by rule + path + line, so a judgment survives a fingerprint change of a rerun; a judgment
    that does not hold at the finding's severity (`holds_at`) pairs with nothing."""
    graded = [f for f in findings if f["severity"] in WARNING_PLUS]
    by_print = {j["fingerprint"]: j for j in judgments if j.get("fingerprint")}
    paired = {i: j if (j := by_print.get(f.get("fingerprint"))) and holds_at(j, f["severity"]) else None
              for i, f in enumerate(graded)}
    used = {id(j) for j in paired.values() if j is not None}
    for i, finding in enumerate(graded):
        if paired[i] is None:
            key = (finding["rule"], finding["path"], finding["line"])
            paired[i] = next((j for j in judgments if id(j) not in used and (j["rule"], j["path"], j["line"]) == key
                              and holds_at(j, finding["severity"])), None)
            if paired[i] is not None:
                used.add(id(paired[i]))
    return [(f, paired[i]) for i, f in enumerate(graded)]


def _reaches(finding: dict, expected: dict, severities: tuple[str, ...] | None) -> bool:
    if finding["path"] != expected["path"] or (severities and finding["severity"] not in severities):
        return False
    if expected.get("rule") == finding["rule"]:
        return True
    first, last = _line_range(expected)
    return finding.get("factor") == expected["factor"] and first - NEAR <= finding["line"] <= last + NEAR


def _ratio(hit: int, total: int) -> float | None:
    return round(hit / total, 4) if total else None


def score_half(root: Path, half: str, runs: Path | None = None) -> dict:
    """Figures of one half; raises corpus.CorpusError listing every malformed label file."""
    counts = {sev: dict.fromkeys(VERDICTS, 0) for sev in ("warning+", "error")}
    by_rule: dict[str, dict[str, int]] = {}
    recall = {f: {"expected": 0, "found_warning+": 0, "found_any": 0} for f in FACTORS}
    unjudged, missed, missing, errors = [], [], [], []
    stale, repos = [], 0
    for entry in corpus.load(root / "corpus.yaml", half):
        label_path = root / "labels" / half / f"{entry.slug}.yaml"
        run_path = (runs or root / "runs") / half / f"{entry.slug}.json"
        if not label_path.is_file() or not run_path.is_file():
            missing.append({"repo": entry.repo, "labels": label_path.is_file(), "run": run_path.is_file()})
        if not label_path.is_file():
            continue
        try:  # labels are checked before any run exists: labellers rely on it
            labels = yaml.safe_load(label_path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            errors.append(f"{label_path.name}: not YAML ({error})")
            continue
        problems = validate(labels, entry)
        errors.extend(f"{label_path.name}: {p}" for p in problems)
        if problems or not run_path.is_file():
            continue
        repos += 1
        findings = json.loads(run_path.read_text(encoding="utf-8"))["findings"]
        judgments = labels.get("judgments") or []
        used = set()
        for finding, judgment in match_judgments(findings, judgments):
            if judgment is None:
                unjudged.append({"repo": entry.repo, **{k: finding.get(k) for k in
                                 ("rule", "severity", "path", "line", "fingerprint", "message")}})
                continue
            used.add(id(judgment))
            counts["warning+"][verdict(judgment)] += 1
            by_rule.setdefault(finding["rule"], dict.fromkeys(VERDICTS, 0))[verdict(judgment)] += 1
            if finding["severity"] == "error":
                counts["error"][verdict(judgment)] += 1
        stale += [{"repo": entry.repo, "rule": j["rule"], "path": j["path"], "line": j["line"]}
                  for j in judgments if id(j) not in used]
        for expected in labels.get("expected") or []:
            row = recall[expected["factor"]]
            row["expected"] += 1
            found = any(_reaches(f, expected, WARNING_PLUS) for f in findings)
            row["found_warning+"] += found
            row["found_any"] += any(_reaches(f, expected, None) for f in findings)
            if not found:
                missed.append({"repo": entry.repo, "path": expected["path"], "line": _line_range(expected)[0],
                               "factor": expected["factor"], "what": expected["what"]})
    if errors:
        raise corpus.CorpusError("\n".join(errors))
    precision = {}
    for sev, c in counts.items():
        judged = sum(c.values())
        precision[sev] = {**c, "judged": judged, "strict": _ratio(c["true"], judged),
                          "lenient": _ratio(c["true"] + c["noisy"], judged)}
    totals = {k: sum(r[k] for r in recall.values()) for k in ("expected", "found_warning+", "found_any")}
    return {"half": half, "repos_scored": repos, "missing": missing, "precision": precision,
            "by_rule": dict(sorted(by_rule.items())),
            "recall": {f: r for f, r in recall.items() if r["expected"]}, "recall_total": totals,
            "unjudged": unjudged, "stale_judgments": stale, "missed": missed}


def lost_since(result: dict, earlier: dict) -> list[dict]:
    """The expected violations `earlier` (the same half scored on other runs, e.g. the baseline's) found at
    warning+ and `result` misses there: recall a later linter lost, to check against what it demoted on purpose."""
    missed_before = {(m["repo"], m["path"], m["line"], m["factor"], m["what"]) for m in earlier["missed"]}
    return [m for m in result["missed"] if (m["repo"], m["path"], m["line"], m["factor"], m["what"]) not in missed_before]


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value * 100:5.1f}%"


def format_text(result: dict) -> str:
    lines = [f"== {result['half']} half: {result['repos_scored']} repositories scored"]
    lines += [f"   not scored: {m['repo']} (labels: {m['labels']}, run: {m['run']})" for m in result["missing"]]
    for sev, p in result["precision"].items():
        lines.append(f"precision {sev:8}: strict {_pct(p['strict'])} ({p['true']}/{p['judged']}), "
                     f"lenient {_pct(p['lenient'])}  [true {p['true']}, noisy {p['noisy']}, false {p['false']}]")
    lines.append("judged warning+ findings per rule (true/noisy/false): " + ", ".join(
        f"{rule} {c['true']}/{c['noisy']}/{c['false']}" for rule, c in result["by_rule"].items()))
    lines.append("recall per factor   warning+            any severity")
    for factor, r in [*result["recall"].items(), ("all", result["recall_total"])]:
        lines.append(f"  {factor:5} {r['found_warning+']:4}/{r['expected']:<4} {_pct(_ratio(r['found_warning+'], r['expected']))}"
                     f"      {r['found_any']:4}/{r['expected']:<4} {_pct(_ratio(r['found_any'], r['expected']))}")
    lines.append(f"UNJUDGED warning+ findings: {len(result['unjudged'])}")
    lines += [f"  {u['repo']} {u['path']}:{u['line']} {u['rule']} [{u['severity']}] {u['fingerprint']}"
              for u in result["unjudged"]]
    if result["stale_judgments"]:
        lines.append(f"judgments matching no warning+ finding (stale?): {len(result['stale_judgments'])}")
        lines += [f"  {s['repo']} {s['path']}:{s['line']} {s['rule']}" for s in result["stale_judgments"]]
    if "lost_since" in result:
        lines.append(f"found at warning+ by the earlier runs, missed now: {len(result['lost_since'])}")
        lines += [f"  {m['repo']} {m['path']}:{m['line']} [{m['factor']}] {m['what']}" for m in result["lost_since"]]
    lines.append(f"missed at warning+: {len(result['missed'])}")
    lines += [f"  {m['repo']} {m['path']}:{m['line']} [{m['factor']}] {m['what']}" for m in result["missed"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=corpus.HALVES, action="append", help="default: both")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--root", type=Path, default=corpus.HERE, help="the bench/accuracy directory")
    parser.add_argument("--runs", type=Path, help="the runs directory (default: ROOT/runs), e.g. ROOT/baseline")
    parser.add_argument("--lost-since", type=Path, metavar="RUNS",
                        help="also list what those runs found at warning+ and these miss (e.g. ROOT/baseline)")
    args = parser.parse_args(argv)
    try:
        results = [score_half(args.root, half, args.runs) for half in args.half or corpus.HALVES]
        for result in results if args.lost_since else ():
            result["lost_since"] = lost_since(result, score_half(args.root, result["half"], args.lost_since))
    except (corpus.CorpusError, OSError, yaml.YAMLError) as error:
        print(f"malformed corpus or labels:\n{error}", file=sys.stderr)
        return 2
    print(json.dumps(results, indent=2) if args.json else "\n\n".join(map(format_text, results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
