"""The `12f-lint` console script: answers `--version` before importing click and the pipeline.

Importing the command line (click, the catalogue, the config loader) costs most of a `--version`
run; editors and pre-commit ask for the version often, so that one question is answered here.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from twelvefactor_lint import __version__

        print(f"12f-lint, version {__version__}")  # click's version_option says the same
        return
    from twelvefactor_lint.cli import main as cli_main

    cli_main()
