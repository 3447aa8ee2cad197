"""The command line: wires the pipeline stages together; nothing imports this module."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import click

from twelvefactor_lint import __version__, preflight
from twelvefactor_lint.audit import commands as fleet_commands
from twelvefactor_lint.config import ConfigError, Settings
from twelvefactor_lint.judge.catalogue import Catalogue, CatalogueError
from twelvefactor_lint.model import Result
from twelvefactor_lint.options import CheckOptions, check_options, rule_dir_option
from twelvefactor_lint.severity import SEVERITIES, rank

if TYPE_CHECKING:
    from twelvefactor_lint.model import BaselineEntry
    from twelvefactor_lint.report.outputs import Output

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _DefaultToCheck(click.Group):
    """`12f-lint PATH...` means `12f-lint check PATH...`, as with ruff's bare invocation; every usage
    error, click's own included, is one line `12f-lint: error: ...` with exit code 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            if args and (unknown := preflight.unknown_command(args[0], self.commands)):
                raise click.UsageError(unknown)
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The bare `12f-lint PATH...` is `check`, so the top-level help lists check's options too."""
        super().format_options(ctx, formatter)
        check = self.commands["check"]
        records = [record for param in check.get_params(ctx)
                   if isinstance(param, click.Option) and param.name != "help"
                   and (record := param.get_help_record(ctx)) is not None]
        with formatter.section("Check options (12f-lint [check] [OPTIONS] [PATHS]...)"):
            formatter.write_dl(records)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            value = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as error:
            if not standalone_mode:
                raise
            _fail(" ".join(error.format_message().split()), error.exit_code if error.exit_code != 1 else EXIT_ERROR)
        except CatalogueError as error:  # a rule file read only when a report asks for rule metadata (`_catalogue`)
            if not standalone_mode:
                raise
            _fail(f"rule catalogue: {error}")
        except click.Abort:
            if not standalone_mode:
                raise
            click.echo("12f-lint: aborted", err=True)
            sys.exit(EXIT_FINDINGS)
        if not standalone_mode:
            return value
        sys.exit(value if isinstance(value, int) else EXIT_CLEAN)


class Baseline(NamedTuple):
    entries: tuple[BaselineEntry, ...]
    source: str
    """How the report names it: as given on the command line or in the config."""


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"12f-lint: error: {message}", err=True)
    sys.exit(code)


def _catalogue(rule_dirs: tuple[Path, ...] = (), check_vocabulary: bool = True, cache: Path | None = None) -> Catalogue:
    """The built-in rules and those of user rule directories; a bad rule file stops the run (exit 2).
    Without `check_vocabulary` (a run): the rules are read (through the `cache` directory, when given; their fact
    kinds and fields checked) when the run asks for them, which a run replaying its snapshot does only for a
    report showing rule metadata."""
    from twelvefactor_lint.judge import catalogue

    try:
        return catalogue.load(rule_dirs, check_vocabulary, lazy=not check_vocabulary, cache=cache)
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
@check_options
def check(**params: Any) -> None:
    """Lint PATHS (default: the current directory).

    Named files are reported on alone, with the rest of the project read for cross-file context
    (as pre-commit passes the staged files).
    """
    _check(CheckOptions(**params))


def _check(opts: CheckOptions) -> NoReturn:
    from twelvefactor_lint.infra.cache import location
    from twelvefactor_lint.report import ReportOptions
    from twelvefactor_lint.report import outputs as report_outputs

    planned, accepted = _preflight(opts)
    targets = opts.targets
    settings = _settings(opts)
    catalogue = _catalogue((*settings.rule_paths(), *opts.rule_dirs), check_vocabulary=False,
                           cache=location(settings.root, settings.cache_dir) if settings.cache else None)
    if accepted is None and settings.baseline and opts.write_baseline is None:
        accepted = _load_baseline(settings.root / settings.baseline, settings.baseline)
    result = _lint(targets, settings, catalogue, opts.debug, opts.quiet)

    if opts.write_baseline is not None:
        _write_baseline(result, opts.write_baseline)
    result = _accept_baseline(result, accepted)
    if opts.add_ignores:
        _add_ignores(result, targets)
    if opts.show_diff:
        changed = _fixes(result, targets, opts.unsafe_fixes, write=False)
        sys.exit(EXIT_FINDINGS if changed and not opts.exit_zero else EXIT_CLEAN)
    if opts.fix and _fixes(result, targets, opts.unsafe_fixes, write=True):
        result = _accept_baseline(_lint(targets, settings, catalogue, opts.debug, opts.quiet), accepted)

    report_options = ReportOptions(color=_use_color(opts.color), show_source=opts.show_source,
                                   show_advice=opts.show_advice, statistics=opts.statistics, quiet=opts.quiet, cwd=os.getcwd(),
                                   junit_passing=opts.junit_passing, repo_url=opts.repo_url)
    try:
        text = report_outputs.write(result, planned, report_options)
    except OSError as error:
        _fail(f"cannot write {error.filename}: {error.strerror or error}")
    click.echo(text, nl=False, color=report_options.color)  # click would strip the colour from a pipe
    if opts.debug:
        for trace in result.tracebacks:
            click.echo(trace, err=True)

    if result.tracebacks:
        count = len(result.tracebacks)
        hint = "" if opts.debug else "; run with --debug for the traceback"
        _fail(f"internal error in {count} file{'s' * (count != 1)} (reported as TF002){hint}")
    threshold = rank(settings.fail_on)
    failing = any(rank(f.severity) >= threshold for f in result.findings)
    sys.exit(EXIT_FINDINGS if failing and not opts.exit_zero else EXIT_CLEAN)


def _use_color(flag: bool | None) -> bool:
    """--color/--no-color, else NO_COLOR (when non-empty, as no-color.org says) off, FORCE_COLOR on, else a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _settings(opts: CheckOptions) -> Settings:
    """The config file's settings with the command line's overrides on top."""
    from twelvefactor_lint import config

    try:
        settings = config.load(opts.targets, opts.config_file)
        return settings.with_overrides(
            select=opts.select or None,
            extend_select=(*settings.extend_select, *opts.extend_select) if opts.extend_select else None,
            ignore=(*settings.ignore, *opts.ignore) if opts.ignore else None,
            severity={**settings.severity, **(_severity_overrides(opts.severities) or {})} if opts.severities else None,
            fail_on=opts.fail_on, force_exclude=opts.force_exclude,
            respect_gitignore=False if opts.no_respect_gitignore else None,
            jobs=opts.jobs, cache=False if opts.no_cache else None,
            cache_dir=str(opts.cache_dir.absolute()) if opts.cache_dir else None,
        )
    except ConfigError as error:
        _fail(str(error))


def _newer_syntax_notice(result: Result, root: Path) -> None:
    """One line on stderr when files were skipped for syntax newer than this Python: how to analyze them."""
    from twelvefactor_lint.analyze import NEWER_SYNTAX
    from twelvefactor_lint.config import requires_python

    count = sum(skipped.reason.startswith(NEWER_SYNTAX) for skipped in result.skipped)
    if not count:
        return
    wanted = requires_python(root)
    project = f"the project requires Python {wanted}; " if wanted else ""
    click.echo(f"12f-lint: {count} file{'s' * (count != 1)} skipped for {NEWER_SYNTAX}: {project}run 12f-lint "
               "on that Python (pre-commit: `language_version: python3.X`; the GitHub action: `python-version`), "
               "or put a newer python3.X on PATH and 12f-lint parses them with it", err=True)


def _lint(targets: list[Path], settings: Settings, catalogue: Catalogue, debug: bool, quiet: bool = False) -> Result:
    """One run of the pipeline; named files are reported alone, the project read around them."""
    from twelvefactor_lint import replay
    from twelvefactor_lint.infra.progress import Progress
    from twelvefactor_lint.judge import focus

    progress = Progress(sys.stderr, enabled=not quiet)
    try:
        scope = focus.focus_for(targets, settings.root)
        paths = [settings.root, *targets] if scope else targets
        started = replay.start(paths, settings, catalogue, progress, scope)
        if started.replayed is not None:
            result = started.replayed
        else:  # the runner (analyzers, link, rules) is imported only now
            from twelvefactor_lint import runner

            result = runner.run(paths, settings, catalogue, progress, scope, started)
        progress.finish()
        _newer_syntax_notice(result, settings.root)
        return focus.narrowed(result, scope) if scope else result
    except ConfigError as error:
        _fail(str(error))
    except CatalogueError as error:  # a fact kind or field no fact has (checked once a run is not replayed)
        _fail(f"rule catalogue: {error}")
    except Exception as error:  # noqa: BLE001 - an internal error is one line unless --debug
        if debug:
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)")
    finally:
        progress.finish()


def _preflight(opts: CheckOptions) -> tuple[list[Output], Baseline | None]:
    """Everything about the command line that can be wrong, found before the analysis runs:
    the outputs it asks for, the paths it names, the files it will write, the baseline it reads."""
    from twelvefactor_lint.report import outputs as report_outputs

    try:
        planned = report_outputs.plan(opts.fmt, opts.outputs)
        rewriting = [name for name, given in (("--fix", opts.fix), ("--diff", opts.show_diff),
                                               ("--add-ignores", opts.add_ignores),
                                               ("--write-baseline", opts.write_baseline is not None)) if given]
        if len(rewriting) > 1:
            raise preflight.UsageError(f"{' and '.join(rewriting)} cannot be combined")
        if opts.unsafe_fixes and not (opts.fix or opts.show_diff):
            raise preflight.UsageError("--unsafe-fixes needs --fix or --diff")
        preflight.check_paths(opts.paths)
        for output in planned:
            if output.path is not None:
                preflight.check_writable(output.path, "-o")
        if opts.write_baseline is not None:
            preflight.check_writable(opts.write_baseline, "--write-baseline")
    except (ValueError, preflight.UsageError) as error:
        _fail(str(error))
    baseline_file = opts.baseline_file
    if baseline_file is None or opts.write_baseline is not None:  # a baseline being written need not exist yet
        return planned, None
    return planned, _load_baseline(baseline_file, str(baseline_file))


def _load_baseline(path: Path, source: str) -> Baseline:
    from twelvefactor_lint.judge import baseline

    try:
        return Baseline(baseline.load(path), source)
    except baseline.BaselineError as error:
        _fail(str(error))


def _accept_baseline(result: Result, accepted: Baseline | None) -> Result:
    from twelvefactor_lint.judge import baseline

    return result if accepted is None else baseline.apply(result, accepted.entries, accepted.source)


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


def _add_ignores(result: Result, targets: list[Path]) -> NoReturn:
    from twelvefactor_lint import fix
    from twelvefactor_lint.fix import ignores

    proposal = ignores.propose(result, targets)
    changes, notices = fix.apply(proposal)
    for notice in (*proposal.notices, *notices):
        click.echo(f"12f-lint: {notice}", err=True)
    click.echo(f"12f-lint: {ignores.summary(changes)}", err=True)
    sys.exit(EXIT_CLEAN)


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
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text", show_default=True)
@click.option("--write-docs", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write one markdown doc per rule (the text of `explain`) and an index into DIR, e.g. docs/rules.")
@click.option("--test", "test_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Run the bad and good examples of the rules in DIR through the real pipeline; exit 1 on a failure.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
@rule_dir_option
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


def _docs_url() -> str:
    """The configured `docs-url` of the project here, if any; a broken config does not stop `explain`."""
    from twelvefactor_lint import config

    try:
        return config.load([Path(".")]).docs_url
    except ConfigError:
        return ""


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
@rule_dir_option
def explain(rule: str, config_file: Path | None, rule_dirs: tuple[Path, ...]) -> None:
    """Document one rule, by id (TF601) or name (mutable-module-state)."""
    from twelvefactor_lint.report.ruledoc import explanation

    found = _project_catalogue(rule_dirs, config_file).get(rule)
    if found is None:
        _fail(f"no rule named {rule!r} (see `12f-lint rules`)")
    click.echo(explanation(found, _docs_url()), nl=False)


def _project(paths: tuple[Path, ...], config_file: Path | None) -> tuple[list[Path], Settings]:
    """The paths a project command reads (default: the current directory) and its settings; a missing path or
    a bad config stops it (exit 2)."""
    from twelvefactor_lint import config

    targets = list(paths) or [Path(".")]
    try:
        preflight.check_paths(paths)
        return targets, config.load(targets, config_file)
    except (preflight.UsageError, ConfigError) as error:
        _fail(str(error))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text", show_default=True)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
def processes(paths: tuple[Path, ...], fmt: str, config_file: Path | None) -> None:
    """List every process type PATHS declare: kind, command, where, and its findings."""
    from twelvefactor_lint import runner
    from twelvefactor_lint.report.processes import render_processes

    targets, settings = _project(paths, config_file)
    try:
        result = runner.run(targets, settings, _catalogue(settings.rule_paths()))
    except ConfigError as error:
        _fail(str(error))
    click.echo(render_processes(result.processes, fmt), nl=False)
    if fmt == "text":
        click.echo(result.reachability, nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text", show_default=True)
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
    from twelvefactor_lint import runner
    from twelvefactor_lint.judge import focus

    targets, settings = _project(paths, config_file)
    try:
        scope = focus.focus_for(targets, settings.root)
        _, linked = runner.gather([settings.root, *targets] if scope else targets, settings)
    except ConfigError as error:
        _fail(str(error))
    shown = [f for f in linked.facts if scope is None or scope.covers(f.path)]
    click.echo(factdoc.listing(shown, fmt), nl=False)


@main.command()
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The cache to remove [default: the configured one, else the user cache directory's].")
def clean(cache_dir: Path | None) -> None:
    """Remove the facts cache (it only ever holds what a run can make again)."""
    from twelvefactor_lint import config
    from twelvefactor_lint.infra import cache

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


@main.command()
def server() -> None:
    """Run the language server (LSP over stdin/stdout) for editors; needs the `lsp` extra."""
    from twelvefactor_lint.lsp import MissingExtra, serve

    try:
        serve()
    except MissingExtra as error:
        _fail(str(error))


main.add_command(fleet_commands.audit)
main.add_command(fleet_commands.merge)
