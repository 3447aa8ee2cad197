"""One repository's lint, as `12f-lint REPO --format json` runs it, in a process of its own.

The audit runs this module as a child process per repository, so that a crash, a runaway memory
use or a hang (killed at the per-repository timeout) costs that repository alone. It reuses the
runner and the reporters: the JSON it writes is the `--format json` report.

    python -m twelvefactor_lint.audit.lint_repo REPO --json OUT.json [--html OUT.html] [--use-baseline]

Exit 0 when the reports are written, 2 with one line on stderr otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from twelvefactor_lint import config, runner
from twelvefactor_lint.judge import baseline, catalogue
from twelvefactor_lint.model import Result
from twelvefactor_lint.report import PLAIN, outputs


def lint(repo: Path, use_baseline: bool) -> Result:
    """The repository linted with its own config; jobs=1, as the audit parallelises across repositories."""
    settings = config.load([repo]).with_overrides(jobs=1)
    result = runner.run([repo], settings, catalogue.load())
    if use_baseline and settings.baseline:
        result = baseline.apply(result, baseline.load(settings.root / settings.baseline), settings.baseline)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m twelvefactor_lint.audit.lint_repo")
    parser.add_argument("repo", type=Path)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--use-baseline", action="store_true")
    args = parser.parse_args(argv)
    planned = [outputs.Output("json", args.json), *([outputs.Output("html", args.html)] if args.html else [])]
    try:
        outputs.write(lint(args.repo, args.use_baseline), planned, PLAIN)
    except (config.ConfigError, catalogue.CatalogueError, baseline.BaselineError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - the parent records the reason, one line
        print(f"internal error: {type(error).__name__}: {error}".splitlines()[0][:300], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
