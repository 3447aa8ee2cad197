"""Run the installed 12f-lint on each checkout of one half and save its JSON reports.

    python bench/accuracy/run.py --half tune [--corpus-dir /work/corpus] [--repo owner/name]

Writes runs/<half>/<owner>__<name>.json (`12f-lint --no-cache --exit-zero --format json`, run from
the checkout's root so paths are relative to it, as labels give them) and records in
runs/<half>/META.json which 12f-lint version, project commit and linter commit produced each run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import corpus

PROJECT = corpus.HERE.parent.parent


def _git_out(*args: str) -> str:
    return subprocess.run(["git", "-C", str(PROJECT), *args], capture_output=True, text=True).stdout.strip()


def _linter_commit() -> str:
    """The last commit that changed the linter (package, rules, dependencies), "-dirty" if they have
    uncommitted changes: it survives rebases of unrelated commits, unlike HEAD."""
    code = ("twelvefactor_lint", "rules", "pyproject.toml")
    dirty = _git_out("status", "--porcelain", "--", *code)
    return _git_out("log", "-1", "--format=%H", "--", *code) + ("-dirty" if dirty else "")


def _linter() -> str:
    """12f-lint beside this interpreter (a venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "12f-lint"
    return str(beside) if beside.is_file() else (shutil.which("12f-lint") or "12f-lint")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=corpus.HALVES, required=True)
    parser.add_argument("--corpus-dir", type=Path, default=Path("/work/corpus"))
    parser.add_argument("--repo", action="append", help="only this owner/name (repeatable)")
    parser.add_argument("--corpus", type=Path, default=corpus.HERE / "corpus.yaml")
    parser.add_argument("--runs", type=Path, default=corpus.HERE / "runs")
    args = parser.parse_args(argv)
    lint = _linter()
    version = subprocess.run([lint, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    project, linter = _git_out("rev-parse", "HEAD"), _linter_commit()
    out_dir = args.runs / args.half
    out_dir.mkdir(parents=True, exist_ok=True)
    meta_path = out_dir / "META.json"
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    meta.setdefault("runs", {})
    failed = 0
    for entry in corpus.load(args.corpus, args.half):
        if args.repo and entry.repo not in args.repo:
            continue
        checkout = args.corpus_dir / entry.checkout_name
        stamp = args.corpus_dir / f"{entry.checkout_name}.commit"
        if not checkout.is_dir() or (stamp.is_file() and stamp.read_text().strip() != entry.commit):
            print(f"{entry.repo}: no checkout at {entry.commit[:12]} in {args.corpus_dir} (run checkout.py)",
                  file=sys.stderr)
            failed += 1
            continue
        out = (out_dir / f"{entry.slug}.json").resolve()
        done = subprocess.run([lint, "--no-cache", "--exit-zero", "--format", "json", "-o", str(out), "."],
                              cwd=checkout, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{entry.repo}: 12f-lint exited {done.returncode}: {done.stderr.strip()[-500:]}", file=sys.stderr)
            failed += 1
            continue
        count = len(json.loads(out.read_text())["findings"])
        print(f"{entry.repo}: {count} findings -> {out.relative_to(PROJECT) if PROJECT in out.parents else out}")
        meta["runs"][entry.repo] = {"commit": entry.commit, "version": version, "project_commit": project,
                                    "linter_commit": linter}
    meta.update(version=version, project_commit=project, linter_commit=linter)
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
