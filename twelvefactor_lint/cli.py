"""The command line: wires the pipeline stages together; nothing imports this module."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from twelvefactor_lint import __version__
from twelvefactor_lint.judge.catalogue import Catalogue, CatalogueError
from twelvefactor_lint.config import ConfigError, Settings
from twelvefactor_lint.model import Result
from twelvefactor_lint.report import FORMATS
from twelvefactor_lint.severity import SEVERITIES, rank

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _DefaultToCheck(click.Group):
    """`12f-lint PATH...` means `12f-lint check PATH...`, as with ruff's bare invocation."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _fail(message: str) -> NoReturn:
    click.echo(f"12f-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _catalogue(rule_dirs: tuple[Path, ...] = ()) -> Catalogue:
    """The built-in rules and those of user rule directories; a bad rule file stops the run (exit 2)."""
    from twelvefactor_lint.judge import catalogue

    try:
        return catalogue.load(rule_dirs)
    except CatalogueError as error:
        _fail(f"rule catalogue: {error}")


def _project_catalogue(rule_dirs: tuple[Path, ...], config_file: Path | None = None) -> Catalogue:
    """For commands that lint nothing (`rules`, `explain`): the current project's `rule-dirs`, then `--rule-dir`s."""
    from twelvefactor_lint import config

    try:
        settings = config.load([Path(".")], config_file)
    except ConfigError as error:
        _fail(str(error))
    return _catalogue((*settings.rule_paths(), *rule_dirs))


_RULE_DIR = click.option("--rule-dir", "rule_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
                         metavar="DIR", help="Also load the YAML rules in DIR (repeatable; adds to config `rule-dirs`).")


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="12f-lint")
def main() -> None:
    """A twelve-factor compliance linter for Python services.

    Run `12f-lint PATH...` to lint; `12f-lint rules` lists the rules; `12f-lint explain ID` documents one.
    """


def _severity_overrides(values: tuple[str, ...]) -> dict[str, str] | None:
    if not values:
        return None
    overrides = {}
    for value in values:
        rule, _, level = value.partition("=")
        if level not in SEVERITIES or not rule:
            _fail(f"--severity takes RULE=LEVEL with LEVEL one of {', '.join(SEVERITIES)}, not {value!r}")
        overrides[rule] = level
    return overrides


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Report format.")
@click.option("-o", "--output", "outputs", multiple=True, metavar="[FORMAT:]FILE",
              help="Write the --format report to FILE instead of stdout; FORMAT:FILE (repeatable) writes another format too, "
                   "e.g. -o sarif:12f.sarif -o html:report.html.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Accept the findings recorded in this baseline file; report only new ones.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current findings as the baseline in FILE, then exit 0.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file (pyproject.toml or .12f-lint.toml).")
@click.option("--select", multiple=True, help="Rules to run (ids, names, prefixes such as TF6, or ALL); replaces the config's select.")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selection.")
@click.option("--ignore", multiple=True, help="Rules to skip (ids, names or prefixes).")
@click.option("--severity", "severities", multiple=True, metavar="RULE=LEVEL", help="Override a rule's severity.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Lowest severity that makes the exit code 1 [default: warning].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--force-exclude", is_flag=True, default=None, help="Apply excludes to paths given on the command line too.")
@click.option("--no-respect-gitignore", is_flag=True, help="Lint files that .gitignore excludes.")
@click.option("--color/--no-color", default=None, help="Colour the text report [default: only on a terminal].")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), metavar="N",
              help="Analyze in N worker processes [default: 0, one per CPU when there are enough files; 1: none].")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the facts cache here [default: config `cache-dir`, else the user cache directory].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report the findings left.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff instead of a report; write nothing "
              "(exit 1 when there are any).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: also fixes that change behaviour.")
@_RULE_DIR
def check(paths: tuple[Path, ...], fmt: str, outputs: tuple[str, ...], baseline_file: Path | None, write_baseline: Path | None,
          config_file: Path | None, select: tuple[str, ...], extend_select: tuple[str, ...], ignore: tuple[str, ...],
          severities: tuple[str, ...], fail_on: str | None, exit_zero: bool, force_exclude: bool | None,
          no_respect_gitignore: bool, color: bool | None, debug: bool,
          jobs: int | None, cache_dir: Path | None, no_cache: bool, fix: bool, show_diff: bool,
          unsafe_fixes: bool, rule_dirs: tuple[Path, ...]) -> None:
    """Lint PATHS (default: the current directory).

    Named files are reported on alone, with the rest of the project read for cross-file context
    (as pre-commit passes the staged files).
    """
    from twelvefactor_lint import config
    from twelvefactor_lint.report import outputs as report_outputs

    try:
        planned = report_outputs.plan(fmt, outputs)
    except ValueError as error:
        _fail(str(error))
    if (fix or show_diff) and write_baseline is not None:
        _fail("--fix and --diff cannot be combined with --write-baseline")
    if unsafe_fixes and not (fix or show_diff):
        _fail("--unsafe-fixes needs --fix or --diff")
    targets = list(paths) or [Path(".")]
    try:
        settings = config.load(targets, config_file)
        settings = settings.with_overrides(
            select=select or None,
            extend_select=(*settings.extend_select, *extend_select) if extend_select else None,
            ignore=(*settings.ignore, *ignore) if ignore else None,
            severity={**settings.severity, **_severity_overrides(severities)} if severities else None,
            fail_on=fail_on, force_exclude=force_exclude,
            respect_gitignore=False if no_respect_gitignore else None,
            jobs=jobs, cache=False if no_cache else None, cache_dir=str(cache_dir.absolute()) if cache_dir else None,
        )
    except ConfigError as error:
        _fail(str(error))
    catalogue = _catalogue((*settings.rule_paths(), *rule_dirs))
    result = _lint(targets, settings, catalogue, debug)

    if write_baseline is not None:
        _write_baseline(result, write_baseline)
    result = _accept_baseline(result, settings, baseline_file)
    if show_diff:
        changed = _fixes(result, targets, unsafe_fixes, write=False)
        sys.exit(EXIT_FINDINGS if changed and not exit_zero else EXIT_CLEAN)
    if fix and _fixes(result, targets, unsafe_fixes, write=True):
        result = _accept_baseline(_lint(targets, settings, catalogue, debug), settings, baseline_file)

    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    try:
        text = report_outputs.write(result, planned, color=color)
    except OSError as error:
        _fail(f"cannot write {error.filename}: {error.strerror or error}")
    click.echo(text, nl=False)
    if debug:
        for trace in result.tracebacks:
            click.echo(trace, err=True)

    if result.tracebacks:
        count = len(result.tracebacks)
        hint = "" if debug else "; run with --debug for the traceback"
        _fail(f"internal error in {count} file{'s' * (count != 1)} (reported as TF002){hint}")
    threshold = rank(settings.fail_on)
    failing = any(rank(f.severity) >= threshold for f in result.findings)
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


def _newer_syntax_notice(result: Result, root: Path) -> None:
    """One line on stderr when files were skipped for syntax newer than this Python: how to analyze them."""
    from twelvefactor_lint.analyze.python.newer import NEWER_SYNTAX
    from twelvefactor_lint.config import requires_python

    count = sum(skipped.reason.startswith(NEWER_SYNTAX) for skipped in result.skipped)
    if not count:
        return
    wanted = requires_python(root)
    project = f"the project requires Python {wanted}; " if wanted else ""
    click.echo(f"12f-lint: {count} file{'s' * (count != 1)} skipped for {NEWER_SYNTAX}: {project}run 12f-lint "
               "on that Python (pre-commit: `language_version: python3.X`; the GitHub action: `python-version`), "
               "or put a newer python3.X on PATH and 12f-lint parses them with it", err=True)


def _lint(targets: list[Path], settings: Settings, catalogue: Catalogue, debug: bool) -> Result:
    """One run of the pipeline; named files are reported alone, the project read around them."""
    from twelvefactor_lint.judge import focus
    from twelvefactor_lint import runner

    try:
        scope = focus.focus_for(targets, settings.root)
        result = runner.run([settings.root, *targets] if scope else targets, settings, catalogue)
        _newer_syntax_notice(result, settings.root)
        return focus.narrowed(result, scope) if scope else result
    except ConfigError as error:
        _fail(str(error))
    except Exception as error:  # noqa: BLE001 - an internal error is one line unless --debug
        if debug:
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)")


def _accept_baseline(result: Result, settings: Settings, baseline_file: Path | None) -> Result:
    from twelvefactor_lint.judge import baseline

    accepted = baseline_file or (settings.root / settings.baseline if settings.baseline else None)
    if accepted is None:
        return result
    try:
        return baseline.apply(result, baseline.load(accepted), str(baseline_file or settings.baseline))
    except baseline.BaselineError as error:
        _fail(str(error))


def _fixes(result: Result, targets: list[Path], unsafe: bool, write: bool) -> int:
    """Write the fixes (`--fix`) or print them as a diff (`--diff`), with notices and a summary on stderr;
    returns how many files changed (or would)."""
    from twelvefactor_lint import fix

    proposal = fix.propose(result, targets, unsafe)
    changes, notices = fix.apply(proposal) if write else (list(proposal.changes), [])
    if not write:
        click.echo(fix.diff(proposal), nl=False)
    for notice in (*proposal.notices, *notices):
        click.echo(f"12f-lint: {notice}", err=True)
    click.echo(f"12f-lint: {fix.summary(changes, proposal.held_back, applied=write)}", err=True)
    return len(changes)


def _write_baseline(result: Result, target: Path) -> NoReturn:
    from twelvefactor_lint.judge import baseline

    try:
        target.write_text(baseline.dumps(result), encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {target}: {error.strerror or error}")
    count = len(result.findings)
    click.echo(f"12f-lint: wrote {count} finding{'s' * (count != 1)} to the baseline {target}", err=True)
    sys.exit(EXIT_CLEAN)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--write-docs", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write one markdown doc per rule (the text of `explain`) and an index into DIR, e.g. docs/rules.")
@click.option("--test", "test_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Run the bad and good examples of the rules in DIR through the real pipeline; exit 1 on a failure.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
@_RULE_DIR
def rules(fmt: str, write_docs: Path | None, test_dir: Path | None, config_file: Path | None,
          rule_dirs: tuple[Path, ...]) -> None:
    """List the rules in the catalogue (with the project's own rule directories)."""
    if test_dir is not None:
        _test_rules(test_dir)
    if write_docs is not None:
        from twelvefactor_lint.report.ruledoc import write_docs as write

        try:
            written = write(_catalogue(), write_docs)  # the built-in rules' docs
        except OSError as error:
            _fail(f"cannot write rule docs to {write_docs}: {error.strerror or error}")
        click.echo(f"wrote {len(written)} files to {write_docs}")
        return
    catalogue = _project_catalogue(rule_dirs, config_file)
    if fmt == "json":
        data = [{"id": r.id, "name": r.name, "factor": r.factor, "severity": r.severity, "title": r.title,
                 "rationale": r.rationale, "fix": r.fix, "references": list(r.references),
                 "autofix": r.autofix.safety if r.autofix else None} for r in catalogue.rules]
        click.echo(json.dumps(data, indent=2))
        return
    width = max(len(r.name) for r in catalogue.rules)
    for r in catalogue.rules:
        click.echo(f"{r.id:<7} {r.name:<{width}}  {r.factor:<5} {r.severity:<8} {r.title}")


def _test_rules(directory: Path) -> NoReturn:
    """`rules --test DIR`: each example of DIR's rules, pass or fail, through the same checks as the test suite."""
    from twelvefactor_lint.judge import examples

    catalogue = _catalogue((directory,))
    mine = [r for r in catalogue.rules if r.source.parent == directory]
    if not mine:
        _fail(f"no rule files (*.yaml) in {directory}")
    outcomes = [outcome for rule in mine for outcome in examples.check(rule, catalogue)]
    for outcome in outcomes:
        click.echo(outcome.line())
    failed = sum(1 for o in outcomes if o.problem)
    click.echo(f"{len(outcomes) - failed} passed, {failed} failed ({len(mine)} rule{'s' * (len(mine) != 1)} in {directory})")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@main.command()
@click.argument("rule")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
@_RULE_DIR
def explain(rule: str, config_file: Path | None, rule_dirs: tuple[Path, ...]) -> None:
    """Document one rule, by id (TF601) or name (mutable-module-state)."""
    from twelvefactor_lint.report.ruledoc import markdown

    found = _project_catalogue(rule_dirs, config_file).get(rule)
    if found is None:
        _fail(f"no rule named {rule!r} (see `12f-lint rules`)")
    click.echo(markdown(found), nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
def processes(paths: tuple[Path, ...], fmt: str, config_file: Path | None) -> None:
    """List every process type PATHS declare: kind, command, where, and its findings."""
    from twelvefactor_lint import config, runner
    from twelvefactor_lint.report.processes import render_processes

    targets = list(paths) or [Path(".")]
    try:
        settings = config.load(targets, config_file)
        result = runner.run(targets, settings, _catalogue(settings.rule_paths()))
    except ConfigError as error:
        _fail(str(error))
    click.echo(render_processes(result.processes, fmt), nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
@click.option("--kinds", is_flag=True, help="List the fact kinds and their fields instead.")
@click.option("--write-docs", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the fact vocabulary's reference to FILE (docs/facts.md) instead.")
def facts(paths: tuple[Path, ...], fmt: str, config_file: Path | None, kinds: bool, write_docs: Path | None) -> None:
    """Print the facts rules see in PATHS (after linking): the first tool for writing a rule.

    Named files are shown alone, with the rest of the project read for linking (as `check` does).
    """
    from twelvefactor_lint.report import factdoc

    if write_docs is not None:
        try:
            write_docs.write_text(factdoc.markdown(_catalogue()), encoding="utf-8")
        except OSError as error:
            _fail(f"cannot write {write_docs}: {error.strerror or error}")
        click.echo(f"wrote {write_docs}")
        return
    if kinds:
        click.echo(factdoc.kinds_text(), nl=False)
        return
    from twelvefactor_lint import config, runner
    from twelvefactor_lint.judge import focus

    targets = list(paths) or [Path(".")]
    try:
        settings = config.load(targets, config_file)
        scope = focus.focus_for(targets, settings.root)
        gathered = runner.gather([settings.root, *targets] if scope else targets, settings)
    except ConfigError as error:
        _fail(str(error))
    shown = [f for f in gathered.facts if scope is None or scope.covers(f.path)]
    click.echo(factdoc.listing(shown, fmt), nl=False)


@main.command()
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The cache to remove [default: the configured one, else the user cache directory's].")
def clean(cache_dir: Path | None) -> None:
    """Remove the facts cache (it only ever holds what a run can make again)."""
    from twelvefactor_lint.infra import cache
    from twelvefactor_lint import config

    if cache_dir is None:
        try:
            settings = config.load([Path(".")])
        except ConfigError as error:
            _fail(str(error))
        cache_dir = cache.location(settings.root, settings.cache_dir)
    try:
        removed = cache.clean(cache_dir)
    except (ValueError, OSError) as error:
        _fail(str(error))
    click.echo(f"removed the cache {cache_dir}" if removed else f"no cache at {cache_dir}")
