"""The baseline: accept the findings a project has today, so that a run reports only new ones.

Entries match findings by the line-independent fingerprint (rule, path, the code's anchor and its
occurrence number), so a baseline survives edits that move code up or down. Accepted findings are
kept as suppressed (SARIF kind `external`), never dropped. Entries that no longer match are
*fixed* when this run checked their file and rule (the baseline can shrink), and *stale* when their
file or rule no longer exists; entries for files or rules outside this run are left alone, so a
pre-commit run over three files does not call the rest of the baseline fixed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from twelvefactor_lint.model import BaselineEntry, BaselineStatus, Finding, Result

FORMAT = "12f-lint baseline"
VERSION = 1


class BaselineError(Exception):
    """An unreadable or malformed baseline file; exit code 2."""


def entries(findings: tuple[Finding, ...]) -> list[BaselineEntry]:
    return [BaselineEntry(f.rule, f.path, f.fingerprint, f.line, f.message) for f in findings]


def dumps(result: Result) -> str:
    """The baseline of a run's active findings, sorted like the report, one entry per finding."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "findings": [{"rule": e.rule, "path": e.path, "fingerprint": e.fingerprint, "line": e.line, "message": e.message}
                     for e in entries(result.findings)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> tuple[BaselineEntry, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline file not found: {path} (create it with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"cannot read baseline {path}: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a 12f-lint baseline (write one with --write-baseline)")
    if data.get("version") != VERSION:
        raise BaselineError(f"{path} is baseline version {data.get('version')!r}; this 12f-lint reads version {VERSION}")
    found = []
    for item in data["findings"]:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("rule", "path", "fingerprint")):
            raise BaselineError(f"{path}: each entry needs string `rule`, `path` and `fingerprint`")
        line = item.get("line", 0)
        found.append(BaselineEntry(item["rule"], item["path"], item["fingerprint"],
                                   line if isinstance(line, int) else 0, str(item.get("message", ""))))
    return tuple(found)


def apply(result: Result, accepted: tuple[BaselineEntry, ...], source: str) -> Result:
    """Move the findings the baseline accepts to `suppressed`, and account for its unmatched entries."""
    remaining = Counter(e.fingerprint for e in accepted)
    active, matched = [], []
    for finding in result.findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            matched.append(replace(finding, suppression=f"accepted in baseline {source}", suppression_kind="external"))
        else:
            active.append(finding)
    unmatched = []
    for entry in accepted:
        if remaining[entry.fingerprint] > 0:
            remaining[entry.fingerprint] -= 1
            unmatched.append(entry)
    known_rules = {rule.id for rule in result.catalogue.rules}
    checked_files, checked_rules = set(result.files), set(result.rules)
    fixed, stale = [], []
    for entry in unmatched:
        if entry.rule not in known_rules or not (Path(result.root) / entry.path).exists():
            stale.append(entry)
        elif entry.path in checked_files and entry.rule in checked_rules:
            fixed.append(entry)
    return replace(
        result,
        findings=tuple(active),
        suppressed=tuple(sorted((*result.suppressed, *matched), key=Finding.sort_key)),
        baseline=BaselineStatus(source, len(matched), tuple(fixed), tuple(stale)),
    )
