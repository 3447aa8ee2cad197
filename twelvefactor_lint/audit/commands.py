"""`12f-lint audit` and `12f-lint merge`: the fleet commands, kept apart from the one-repository CLI
(cli.py only adds them to its group)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from twelvefactor_lint.severity import SEVERITIES

EXIT_ERROR = 2


def _fail(message: str) -> NoReturn:
    click.echo(f"12f-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _outputs(specs: tuple[str, ...]) -> tuple[Path, Path | None]:
    """`-o FILE` / `-o json:FILE` is the audit.json (default ./audit.json), `-o html:FILE` the dashboard."""
    document: Path | None = None
    dashboard: Path | None = None
    for spec in specs:
        kind, colon, target = spec.partition(":")
        if colon and kind in ("json", "html"):
            if not target:
                _fail(f"-o {spec}: give a file after the colon")
            if kind == "html":
                dashboard = Path(target)
                continue
            spec = target
        if document is not None:
            _fail(f"-o {spec}: the audit already goes to {document}")
        document = Path(spec)
    return document or Path("audit.json"), dashboard


_output_option = click.option(
    "-o", "--output", "outputs", multiple=True, metavar="[json:|html:]FILE",
    help="Write the audit to FILE [default: audit.json]; html:FILE (repeatable with it) writes the fleet dashboard.")
_compare_option = click.option("--compare", "previous", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                               help="An earlier audit.json: record and show what got better or worse.")
_fail_on_option = click.option("--fail-on", type=click.Choice(SEVERITIES), default="warning", show_default=True,
                               help="Lowest severity that makes the exit code 1 (2 when a repository could not be audited).")


def _conclude(head: dict, document: Path, dashboard: Path | None, reports: Path | None, fail_on: str) -> NoReturn:
    from twelvefactor_lint.audit.schema import exit_code

    if dashboard is not None:
        from twelvefactor_lint.audit.dashboard import write_dashboard

        try:
            write_dashboard(document, dashboard, reports)
        except OSError as error:
            _fail(f"cannot write the dashboard {dashboard}: {error.strerror or error}")
    totals = head["totals"]
    status = totals["by_status"]
    severities = ", ".join(f"{count} {name}" for name, count in totals["by_severity"].items())
    click.echo(f"Audited {totals['repositories']} repositories ({status['ok']} ok, {status['failed']} failed, "
               f"{status['skipped']} skipped): {totals['findings']} findings ({severities}) -> {document}"
               + (f", {dashboard}" if dashboard else ""))
    sys.exit(exit_code(totals, fail_on))


@click.command()
@click.argument("sources", nargs=-1, required=True)
@_output_option
@_compare_option
@click.option("--resume", is_flag=True, help="Keep the repositories the work dir's spool already has; audit the rest.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Repositories audited at once [default: one per CPU].")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Run the tasks on this Dask distributed scheduler (pip install 'twelvefactor-lint[dask]').")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".12f-lint-audit"), show_default=True,
              help="Clones, per-repository reports and the spool.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Seconds one repository's clone, and its lint, may take; a slower one is recorded as failed.")
@click.option("--use-baselines", is_flag=True, help="Apply each repository's configured baseline (ignored by default).")
@_fail_on_option
def audit(sources: tuple[str, ...], outputs: tuple[str, ...], previous: Path | None, resume: bool, jobs: int | None,
          scheduler: str | None, work_dir: Path, timeout: float, use_baselines: bool, fail_on: str) -> None:
    """Audit a fleet: every repository SOURCES name, each linted as `12f-lint` lints it.

    SOURCES: checkouts, directories of checkouts, git URLs, or files listing them (LOCATION [REF] [name=NAME] a line).
    Exit 2 when a repository could not be audited, else 1 with findings at --fail-on, else 0.
    """
    from twelvefactor_lint.audit import fleet
    from twelvefactor_lint.audit.compare import CompareError
    from twelvefactor_lint.audit.task import Options
    from twelvefactor_lint.infra import pool

    document, dashboard = _outputs(outputs)
    options = Options(str(work_dir.absolute()), timeout, html=dashboard is not None, use_baselines=use_baselines)
    try:
        head = fleet.audit(sources, document, options, jobs or pool.cpu_count(), scheduler, resume, previous)
    except (CompareError, RuntimeError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename or 'audit'}: {error.strerror or error}")
    _conclude(head, document, dashboard, work_dir / "reports", fail_on)


@click.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_output_option
@_compare_option
@_fail_on_option
def merge(reports: tuple[Path, ...], outputs: tuple[str, ...], previous: Path | None, fail_on: str) -> None:
    """Build an audit from per-repository reports (`12f-lint --format json`, e.g. from a CI matrix)."""
    from twelvefactor_lint.audit import fleet
    from twelvefactor_lint.audit.compare import CompareError

    document, dashboard = _outputs(outputs)
    try:
        head = fleet.merge(reports, document, previous)
    except CompareError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename or 'merge'}: {error.strerror or error}")
    _conclude(head, document, dashboard, None, fail_on)
