"""Where a run's reports go: `--format` to stdout (or `-o FILE`), and any number of
`-o FORMAT:FILE` besides, so CI lints once and keeps text, SARIF and HTML from the same run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from twelvefactor_lint.model import Result
from twelvefactor_lint.report import FORMATS, render


@dataclass(frozen=True)
class Output:
    fmt: str
    path: Path | None
    """None: standard output."""


def plan(fmt: str, specs: tuple[str, ...]) -> list[Output]:
    """The outputs a command line asks for; ValueError names a spec that cannot be honoured.

    `-o FILE` takes the `--format` report; `-o FORMAT:FILE` (FORMAT one of FORMATS) adds another.
    A file literally named like `json:x` can be given as `./json:x`.
    """
    primary: Path | None = None
    extra: list[Output] = []
    for spec in specs:
        name, colon, target = spec.partition(":")
        if colon and name in FORMATS:
            if not target:
                raise ValueError(f"-o {spec}: give a file after the colon, e.g. -o {name}:report.{name}")
            extra.append(Output(name, Path(target)))
        elif primary is not None:
            raise ValueError(f"-o {spec}: the --format report already goes to {primary}; add other reports as -o FORMAT:FILE")
        else:
            primary = Path(spec)
    outputs = [Output(fmt, primary), *extra]
    paths = [o.path for o in outputs if o.path is not None]
    if len(set(paths)) != len(paths):
        raise ValueError("two reports would be written to the same file")
    return outputs


def write(result: Result, outputs: list[Output], color: bool) -> str:
    """Write the file outputs and return what goes to stdout; OSError names a file that could not be written."""
    stdout = ""
    for output in outputs:
        text = render(result, output.fmt, color=color and output.path is None)
        if output.path is None:
            stdout = text
        else:
            output.path.write_text(text, encoding="utf-8")
    if any(o.fmt == "github" for o in outputs) and os.environ.get("GITHUB_STEP_SUMMARY"):
        from twelvefactor_lint.report.step_summary import step_summary

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(step_summary(result))
    return stdout
