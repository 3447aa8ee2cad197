"""bench/accuracy/checkout.py exports a corpus repository at its commit from a local bare mirror,
leaves a checkout already at its commit alone, and refuses to write inside the project."""

from __future__ import annotations

import subprocess

import pytest
from conftest import REPO, accuracy_script


@pytest.fixture(scope="module")
def checkout():
    return accuracy_script("checkout")


def _git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _mirror(tmp_path):
    """A bare mirror at MIRROR/o+n/repo with two commits; returns (mirror dir, first commit)."""
    work = tmp_path / "work"
    work.mkdir()
    _git("init", "-q", cwd=work)
    (work / "app.py").write_text("CARTS = {}\n")
    _git("add", ".", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one", cwd=work)
    first = _git("rev-parse", "HEAD", cwd=work)
    (work / "later.py").write_text("x = 1\n")
    _git("add", ".", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "two", cwd=work)
    mirror = tmp_path / "mirror"
    _git("clone", "-q", "--bare", str(work), str(mirror / "o+n" / "repo"))
    return mirror, first


def test_exports_the_commit_from_the_mirror_then_keeps_it(checkout, tmp_path):
    mirror, first = _mirror(tmp_path)
    (tmp_path / "corpus.yaml").write_text(f"repos:\n  - {{repo: o/n, commit: {first}, half: tune, stack: []}}\n")
    into = tmp_path / "corpus"
    args = ["--corpus", str(tmp_path / "corpus.yaml"), "--into", str(into), "--mirror", str(mirror)]
    assert checkout.main(args) == 0
    assert (into / "o+n" / "app.py").read_text() == "CARTS = {}\n"
    assert not (into / "o+n" / "later.py").exists()
    assert (into / "o+n.commit").read_text().strip() == first
    entry = checkout.corpus.load(tmp_path / "corpus.yaml")[0]
    assert checkout.materialise(entry, into, mirror) == "kept"


def test_refuses_a_target_inside_the_project(checkout, tmp_path):
    (tmp_path / "corpus.yaml").write_text("repos: []\n")
    with pytest.raises(SystemExit):
        checkout.main(["--corpus", str(tmp_path / "corpus.yaml"), "--into", str(REPO / "bench" / "corpus")])
    assert not (REPO / "bench" / "corpus").exists()
