"""Where a run's reports go: `--format` to stdout (or `-o FILE`), and any number of
`-o FORMAT:FILE` besides, so CI lints once and keeps text, SARIF and HTML from the same run."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from twelvefactor_lint.model import Result
from twelvefactor_lint.report import FORMATS, ReportOptions, render


@dataclass(frozen=True)
class Output:
    fmt: str
    path: Path | None
    """None: standard output."""


_FORMAT_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]+\Z")  # two letters at least: `C:` is a Windows drive
_BY_EXTENSION = {".sarif": "sarif", ".sarif.json": "sarif", ".json": "json", ".html": "html", ".htm": "html", ".xml": "junit"}
_SHARED_EXTENSION = {"json": {"sarif", "gitlab"}}
"""Formats whose files are commonly named with another format's extension: SARIF and Code Quality are JSON."""


def _by_extension(path: Path) -> str | None:
    name = path.name.lower()
    matches = [ext for ext in _BY_EXTENSION if name.endswith(ext) and len(name) > len(ext)]
    return _BY_EXTENSION[max(matches, key=len)] if matches else None


def _primary_format(fmt: str | None, path: Path, spec: str) -> str:
    """The format of `-o FILE`: --format's, else the one its extension names; an extension that names
    another format than --format is refused rather than writing, say, text into report.sarif."""
    implied = _by_extension(path)
    if fmt is None:
        return implied or "text"
    if implied is not None and implied != fmt and fmt not in _SHARED_EXTENSION.get(implied, ()):
        raise ValueError(f"-o {spec}: the extension says {implied} but --format is {fmt}; "
                         f"give --format {implied}, or -o {fmt}:{spec} to write {fmt} there anyway")
    return fmt


def plan(fmt: str | None, specs: tuple[str, ...]) -> list[Output]:
    """The outputs a command line asks for; ValueError names a spec that cannot be honoured.

    `-o FILE` takes the `--format` report (without --format, the format its extension names);
    `-o FORMAT:FILE` (FORMAT one of FORMATS, any case) adds another. A file literally named like
    `json:x` can be given as `./json:x`.
    """
    primary: Output | None = None
    extra: list[Output] = []
    for spec in specs:
        name, colon, target = spec.partition(":")
        if colon and name.lower() in FORMATS:
            if not target:
                raise ValueError(f"-o {spec}: give a file after the colon, e.g. -o {name}:report.{name}")
            extra.append(Output(name.lower(), Path(target)))
        elif colon and _FORMAT_PREFIX.match(name):
            raise ValueError(f"-o {spec}: unknown format {name!r} (one of {', '.join(FORMATS)}; "
                             f"a file with a colon in its name: -o ./{spec})")
        elif primary is not None:
            raise ValueError(f"-o {spec}: the --format report already goes to {primary.path}; "
                             "add other reports as -o FORMAT:FILE")
        else:
            primary = Output(_primary_format(fmt, Path(spec), spec), Path(spec))
    outputs = [primary or Output(fmt or "text", None), *extra]
    paths = [o.path for o in outputs if o.path is not None]
    if len(set(paths)) != len(paths):
        raise ValueError("two reports would be written to the same file")
    return outputs


def write(result: Result, outputs: list[Output], report_options: ReportOptions) -> str:
    """Write the file outputs and return what goes to stdout; OSError names a file that could not be written.
    Colour and cwd-relative paths are for the terminal: a text file gets neither."""
    stdout = ""
    for output in outputs:
        styled = report_options if output.path is None else replace(report_options, color=False, cwd=None)
        text = render(result, output.fmt, styled)
        if output.path is None:
            stdout = text
        else:
            output.path.write_text(text, encoding="utf-8")
    if any(o.fmt == "github" for o in outputs) and os.environ.get("GITHUB_STEP_SUMMARY"):
        from twelvefactor_lint.report.step_summary import step_summary

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(step_summary(result))
    return stdout
