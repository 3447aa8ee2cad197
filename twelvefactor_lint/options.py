"""`12f-lint check`'s options: one frozen object instead of two dozen parameters, and the click
declarations that fill it. A new option is one decorator here and one field of CheckOptions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from twelvefactor_lint.report import FORMATS
from twelvefactor_lint.severity import SEVERITIES

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CheckOptions:
    """What one `12f-lint check` command line asks for, as click parsed it."""

    paths: tuple[Path, ...] = ()
    fmt: str | None = None
    """None: not given (text, unless -o FILE's extension names a format)."""
    outputs: tuple[str, ...] = ()
    baseline_file: Path | None = None
    write_baseline: Path | None = None
    config_file: Path | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    fail_on: str | None = None
    exit_zero: bool = False
    force_exclude: bool | None = None
    no_respect_gitignore: bool = False
    color: bool | None = None
    debug: bool = False
    jobs: int | None = None
    cache_dir: Path | None = None
    no_cache: bool = False
    fix: bool = False
    show_diff: bool = False
    unsafe_fixes: bool = False
    add_ignores: bool = False
    show_source: bool = False
    show_advice: bool = False
    statistics: bool = False
    quiet: bool = False
    junit_passing: bool = False
    repo_url: str | None = None
    rule_dirs: tuple[Path, ...] = ()

    @property
    def targets(self) -> list[Path]:
        """The paths to lint: the ones given, else the current directory."""
        return list(self.paths) or [Path(".")]


rule_dir_option = click.option(
    "--rule-dir", "rule_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="Also load the YAML rules in DIR (repeatable; adds to config `rule-dirs`).")
"""Shared by `check`, `rules` and `explain`: every command that loads the catalogue sees the project's own rules."""

_OPTIONS: tuple[Callable[[F], F], ...] = (
    click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
    click.option("--format", "--output-format", "fmt", type=click.Choice(FORMATS, case_sensitive=False),
                 help="Report format [default: text, or the one -o FILE's extension names]."),
    click.option("-o", "--output", "outputs", multiple=True, metavar="[FORMAT:]FILE",
                 help="Write the --format report to FILE instead of stdout; FORMAT:FILE (repeatable) writes another format "
                      "too, e.g. -o sarif:12f.sarif -o html:report.html."),
    click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
                 help="Accept the findings recorded in this baseline file; report only new ones."),
    click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
                 help="Record the current findings as the baseline in FILE, then exit 0."),
    click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
                 help="Use this config file (pyproject.toml or .12f-lint.toml)."),
    click.option("--select", multiple=True,
                 help="Rules to run (ids, names, prefixes such as TF6, or ALL); replaces the config's select."),
    click.option("--extend-select", multiple=True, help="Rules to run in addition to the selection."),
    click.option("--ignore", multiple=True, help="Rules to skip (ids, names or prefixes)."),
    click.option("--severity", "severities", multiple=True, metavar="RULE=LEVEL", help="Override a rule's severity."),
    click.option("--fail-on", type=click.Choice(SEVERITIES),
                 help="Lowest severity that makes the exit code 1 [default: warning]."),
    click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings."),
    click.option("--force-exclude", is_flag=True, default=None, help="Apply excludes to paths given on the command line too."),
    click.option("--no-respect-gitignore", is_flag=True, help="Lint files that .gitignore excludes."),
    click.option("--color/--no-color", default=None,
                 help="Colour the text report [default: on a terminal; NO_COLOR (non-empty) turns it off, FORCE_COLOR on]."),
    click.option("--show-source", is_flag=True, help="Show each finding's source line with a caret under it."),
    click.option("--show-advice", is_flag=True,
                 help="Print each finding's whole message: why it matters and what to do [default: what and where]."),
    click.option("--statistics", is_flag=True, help="Count the findings per rule instead of listing them."),
    click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary, hints or progress."),
    click.option("--junit-passing", is_flag=True, help="JUnit: add a passing test case per clean file."),
    click.option("--repo-url", metavar="URL",
                 help="HTML: link findings to their source lines at this repository URL [default: the git remote]."),
    click.option("--debug", is_flag=True, help="Show tracebacks for internal errors."),
    click.option("-j", "--jobs", type=click.IntRange(min=0), metavar="N",
                 help="Analyze in N worker processes [default: 0, one per CPU when there are enough files; 1: none]."),
    click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                 help="Keep the facts cache here [default: config `cache-dir`, else the user cache directory]."),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache."),
    click.option("--fix", is_flag=True, help="Apply the safe fixes, then report the findings left."),
    click.option("--diff", "show_diff", is_flag=True,
                 help="Print the fixes as a unified diff instead of a report; write nothing (exit 1 when there are any)."),
    click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: also fixes that change behaviour."),
    rule_dir_option,
    click.option("--add-ignores", is_flag=True,
                 help="Write a `# 12f: ignore[ID] -- TODO: reason` directive for every current finding, then exit 0."),
)


def check_options(command: F) -> F:
    """Declare every check option on `command`, in the order --help lists them."""
    for declare in reversed(_OPTIONS):
        command = declare(command)
    return command
