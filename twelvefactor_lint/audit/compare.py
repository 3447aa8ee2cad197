"""`--compare previous-audit.json`: what got better or worse, per repository and per factor.

Only repositories audited in both runs are compared (a repository that failed, was skipped, is new or
is gone says so instead); a factor's change is summed over those same repositories.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from twelvefactor_lint.audit.schema import FORMAT, factor_key


class CompareError(ValueError):
    """The previous audit cannot be read."""


def summarise(records: Iterable[dict]) -> dict[str, dict]:
    """Name -> status, findings and findings per factor: all a comparison needs of a record."""
    return {r["name"]: {"status": r["status"], "findings": r["findings_total"],
                        "by_factor": {k: sum(v.values()) for k, v in r["by_factor"].items()}} for r in records}


def load_previous(path: Path) -> tuple[dict, dict[str, dict]]:
    """The previous audit's header facts and its summarised repositories."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            raise CompareError(f"{path} is not a 12f-lint audit (no \"format\": \"{FORMAT}\")")
        about = {"path": str(path), "tool_version": document["tool"]["version"],
                 "finished_at": document.get("run", {}).get("finished_at")}
        return about, summarise(document["repositories"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        if isinstance(error, CompareError):
            raise
        raise CompareError(f"cannot read the previous audit {path}: {error}") from None


def _change(before: dict | None, after: dict | None) -> dict:
    if before is None or after is None:
        return {"change": "new" if before is None else "gone", "before": None, "after": None, "delta": None}
    if before["status"] != "ok" or after["status"] != "ok":
        return {"change": "unaudited", "before": None, "after": None, "delta": None}
    delta = after["findings"] - before["findings"]
    return {"change": "better" if delta < 0 else "worse" if delta > 0 else "same",
            "before": before["findings"], "after": after["findings"], "delta": delta}


def compare(current: dict[str, dict], previous: dict[str, dict], about: dict) -> dict:
    repositories = {name: _change(previous.get(name), current.get(name)) for name in sorted({*current, *previous})}
    both = [name for name, change in repositories.items() if change["delta"] is not None]
    factors: dict[str, dict] = {}
    for name in both:
        for side, summary in (("before", previous[name]), ("after", current[name])):
            for key, count in summary["by_factor"].items():
                factors.setdefault(key, {"before": 0, "after": 0})[side] += count
    changes = [c["change"] for c in repositories.values()]
    return {
        "previous": about,
        "counts": {kind: changes.count(kind) for kind in ("better", "worse", "same", "new", "gone", "unaudited")},
        "repositories": repositories,
        "factors": {key: {**factors[key], "delta": factors[key]["after"] - factors[key]["before"]}
                    for key in sorted(factors, key=factor_key)},
    }
