"""Materialise the corpus repositories at their commits, outside the project.

    python bench/accuracy/checkout.py [--half tune] [--into /work/corpus] [--mirror /work/.mirror]

Each repository lands in INTO/owner+name. With --mirror, a mirror MIRROR/owner+name/repo (bare, or a
clone whose git directory is repo/.git) that holds the commit is exported with `git archive` (no
network); otherwise the repository is cloned from GitHub (`--filter=blob:none`, then the commit
checked out). A checkout already at its commit (INTO/owner+name.commit records it) is left alone.
Refuses a target inside the project: scanned code must never be committed or picked up by the project's own tooling.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import corpus

PROJECT = corpus.HERE.parent.parent


def _git(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], check=True, **kwargs)


def _mirror_has(git_dir: Path, commit: str) -> bool:
    probe = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
                           capture_output=True)
    return git_dir.is_dir() and probe.returncode == 0


def _absent_blobs(git_dir: Path, commit: str) -> list[str]:
    """Paths whose blobs the mirror lacks (snapshots leave out files of 4 MiB and more)."""
    tree = _git("--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit, capture_output=True).stdout
    blobs = [(meta.split()[2], path) for meta, _, path in
             (entry.decode("utf-8", "surrogateescape").partition("\t") for entry in tree.split(b"\0") if entry)
             if meta.split()[1] == "blob"]
    checked = _git("--git-dir", str(git_dir), "cat-file", "--batch-check", capture_output=True, text=True,
                   input="".join(f"{sha}\n" for sha, _ in blobs)).stdout.splitlines()
    return [path for (_, path), line in zip(blobs, checked, strict=False) if line.endswith(" missing")]


def _mirror_git_dir(snapshot: Path) -> Path:
    """The git directory of a fetched snapshot: bare at repo/, or repo/.git when it came with a work tree."""
    return snapshot / "repo" / ".git" if (snapshot / "repo" / ".git").is_dir() else snapshot / "repo"


def materialise(entry: corpus.Entry, into: Path, mirror: Path | None) -> str:
    """Put entry's tree at into/owner+name; returns how ('kept', 'archive' or 'clone')."""
    dest, stamp = into / entry.checkout_name, into / f"{entry.checkout_name}.commit"
    if dest.is_dir() and stamp.is_file() and stamp.read_text().strip() == entry.commit:
        return "kept"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    git_dir = _mirror_git_dir(mirror / entry.checkout_name) if mirror else None
    if git_dir and _mirror_has(git_dir, entry.commit):
        absent = _absent_blobs(git_dir, entry.commit)
        excludes = [f":(exclude,literal){path}" for path in absent]
        archive = subprocess.Popen(["git", "--git-dir", str(git_dir), "archive", entry.commit, "--", ".", *excludes],
                                   stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
        archive.stdout.close()
        if archive.wait() != 0:
            raise subprocess.CalledProcessError(archive.returncode, "git archive")
        how = f"archive ({len(absent)} large files absent from the mirror left out)" if absent else "archive"
    else:
        _git("clone", "--quiet", "--filter=blob:none", "--no-checkout",
             f"https://github.com/{entry.repo}.git", str(dest))
        _git("-C", str(dest), "checkout", "--quiet", "--detach", entry.commit)
        how = "clone"
    stamp.write_text(entry.commit + "\n")
    return how


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=corpus.HALVES, help="only this half (default: both)")
    parser.add_argument("--into", type=Path, default=Path("/work/corpus"), help="where checkouts go")
    parser.add_argument("--mirror", type=Path, help="directory of bare mirrors owner+name/repo")
    parser.add_argument("--corpus", type=Path, default=corpus.HERE / "corpus.yaml")
    args = parser.parse_args(argv)
    into = args.into.resolve()
    if into == PROJECT or PROJECT in into.parents:
        parser.error(f"{into} is inside the project; check the corpus out elsewhere")
    failed = 0
    for entry in corpus.load(args.corpus, args.half):
        try:
            print(f"{entry.repo} @ {entry.commit[:12]}: {materialise(entry, into, args.mirror)}")
        except (subprocess.CalledProcessError, OSError) as error:
            failed += 1
            print(f"{entry.repo} @ {entry.commit[:12]}: FAILED ({error})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
