"""The two ways to an `audit.json`: audit SOURCES here (pool or cluster), or merge per-repository
JSON reports made elsewhere. Both end in `schema.write_document` over records built the same way."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from twelvefactor_lint.audit import compare as comparing
from twelvefactor_lint.audit.execute import Spool, run_dask, run_local
from twelvefactor_lint.audit.schema import ReportError, repo_record, unaudited, unique_names, write_document
from twelvefactor_lint.audit.sources import commit_of, expand
from twelvefactor_lint.audit.task import Options

SPOOL = "audit.jsonl"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _finish(out: Path, loaders: Sequence[Callable[[], dict]], run: dict, previous: Path | None) -> dict:
    comparison = None
    if previous is not None:
        about, before = comparing.load_previous(previous)
        comparison = comparing.compare(comparing.summarise(load() for load in loaders), before, about)
    return write_document(out, loaders, run, comparison)


def audit(arguments: Sequence[str], out: Path, options: Options, jobs: int, scheduler: str | None = None,
          resume: bool = False, previous: Path | None = None) -> dict:
    """Audit every repository SOURCES name into `out`; returns the document's header and totals."""
    sources = expand(arguments)
    started, clock = _now(), time.monotonic()
    spool = Spool(Path(options.work_dir) / SPOOL, resume)
    try:
        done = spool.done() if resume else set()
        todo = [source for source in sources if source.key not in done]
        if scheduler:
            run_dask(todo, options, spool, scheduler)
        else:
            run_local(todo, options, spool, jobs)
    finally:
        spool.close()
    loaders, durations = spool.loaders(source.key for source in sources)
    run = {"mode": "dask" if scheduler else "local", "started_at": started, "finished_at": _now(),
           "duration_seconds": round(time.monotonic() - clock, 3), "resumed": len(sources) - len(todo),
           "durations": durations}
    return _finish(out, loaders, run, previous)


def merge(reports: Sequence[Path], out: Path, previous: Path | None = None) -> dict:
    """An audit.json from per-repository `--format json` reports (a CI matrix's); a report that cannot
    be read is a failed repository, named after its file."""
    started, clock = _now(), time.monotonic()
    names = unique_names(_report_name(path) for path in reports)
    chosen = sorted(zip(names, reports, strict=True))
    loaders = [lambda name=name, path=path: _merged_record(name, path) for name, path in chosen]
    run = {"mode": "merge", "started_at": started, "finished_at": _now(),
           "duration_seconds": round(time.monotonic() - clock, 3), "resumed": 0, "durations": {}}
    return _finish(out, loaders, run, previous)


def _read(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ReportError("not a 12f-lint JSON report (not an object)")
    return data


def _report_name(path: Path) -> str:
    """A report is named after the repository it is about (its root's last part)."""
    try:
        root = _read(path).get("root")
    except (OSError, ValueError):
        root = None
    return Path(root).name if isinstance(root, str) and Path(root).name else path.stem


def _merged_record(name: str, path: Path) -> dict:
    try:
        report = _read(path)
        root = report.get("root")
        if not isinstance(root, str) or not root:
            return repo_record(name, str(path), None, None, report)
        return repo_record(name, root, None, commit_of(Path(root)) if Path(root).is_dir() else None, report)
    except ReportError as error:
        return unaudited(name, str(path), None, "failed", str(error))
    except (OSError, ValueError) as error:
        return unaudited(name, str(path), None, "failed", f"cannot read the report: {error}")
