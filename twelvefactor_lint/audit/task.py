"""One repository's audit: the task a local pool worker or a Dask worker runs.

It gets the sources itself (reads the checkout or clones the URL into the work dir), lints them in a
child process (`lint_repo`) bounded by the per-repository timeout, and returns the record built
from the JSON report. Whatever goes wrong becomes the record's status and reason, never an exception:
the audit goes on.
"""

from __future__ import annotations

import json
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from twelvefactor_lint.audit.schema import ReportError, repo_record, unaudited
from twelvefactor_lint.audit.sources import Source, SourceProblem, commit_of, materialise
from twelvefactor_lint.infra.external import ToolFailed, ToolTimeout, run_own


@dataclass(frozen=True)
class Options:
    work_dir: str
    """Absolute; clones and per-repository reports go under it (on a cluster, each worker's own path)."""
    timeout: float = 600.0
    """Seconds each of cloning and linting one repository may take."""
    html: bool = False
    """Also write the per-repository HTML report (the dashboard's drill-down)."""
    use_baselines: bool = False


def spool_line(source: Source, record: dict, seconds: float) -> dict:
    """What the spool keeps of a finished task: which source, how long it took, its record."""
    return {"key": source.key, "seconds": round(seconds, 3), "record": record}


def audit_repo(source: Source, options: Options) -> dict:
    """The spool line of one repository's audit."""
    started = time.monotonic()
    return spool_line(source, _audit(source, options), time.monotonic() - started)


def _audit(source: Source, options: Options) -> dict:
    work = Path(options.work_dir)

    def failed(reason: str) -> dict:
        return unaudited(source.name, source.location, source.ref, "failed", reason)

    try:
        repo = materialise(source, work, options.timeout)
    except SourceProblem as problem:
        return unaudited(source.name, source.location, source.ref, "skipped", str(problem))
    try:
        commit = commit_of(repo)
        report = _lint(repo, source.slug, work / "reports", options)
        return repo_record(source.name, source.location, source.ref, commit, report)
    except _LintFailed as failure:
        return failed(str(failure))
    except ReportError as error:
        return failed(str(error))
    finally:
        if source.remote:
            shutil.rmtree(repo, ignore_errors=True)


class _LintFailed(Exception):
    pass


def _lint(repo: Path, slug: str, reports: Path, options: Options) -> dict:
    reports.mkdir(parents=True, exist_ok=True)
    out = reports / f"{slug}.json"
    out.unlink(missing_ok=True)
    command = ["-m", "twelvefactor_lint.audit.lint_repo", str(repo), "--json", str(out)]
    if options.html:
        command += ["--html", str(reports / f"{slug}.html")]
    if options.use_baselines:
        command.append("--use-baseline")
    try:
        done = run_own(command, timeout=options.timeout)
    except ToolTimeout:
        raise _LintFailed(f"linting took longer than {options.timeout:g} s (killed)") from None
    except ToolFailed as error:
        raise _LintFailed(str(error)) from None
    if done.returncode < 0:
        raise _LintFailed(f"the linter died of {_signal_name(-done.returncode)}")
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        raise _LintFailed(lines[-1][:300] if lines else f"the linter exited {done.returncode}")
    try:
        return json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise _LintFailed(f"the linter's report could not be read: {error}") from None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
