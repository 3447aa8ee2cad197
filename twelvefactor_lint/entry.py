"""The `12f-lint` console script: answers `--version` before importing click and the pipeline.

Importing the command line (click, the catalogue, the config loader) costs most of a `--version`
run; editors and pre-commit ask for the version often, so that one question is answered here.
"""

from __future__ import annotations

import gc
import sys

_YOUNG = 100_000
"""Container objects allocated between two runs of the cycle collector (Python's default: 700). A run makes tens
of thousands at import and in discovery, hardly any of them cyclic garbage (reference counting frees the rest): at
700 the collector ran some 45 times in a warm run of a 4,000-file project, 3-5 % of it, and at this threshold once.
The analysis workers set their own (`infra.pool`)."""


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from twelvefactor_lint import __version__

        print(f"12f-lint, version {__version__}")  # click's version_option says the same
        return
    gc.set_threshold(_YOUNG, 20, 20)
    from twelvefactor_lint.cli import main as cli_main

    cli_main()
