"""Hostile repository layouts: odd file names, symlinks out of the root, unreadable directories,
a 10,000-file tree - and the accounting that every discovered file is analyzed or skipped with a reason."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import STATEFUL_FLASK_APP, write_tree
from test_robustness import within

from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.walk import kind_of
from twelvefactor_lint.runner import run

BAD_CMD_DOCKERFILE = "FROM python:3.12-slim\nCMD service nginx start && gunicorn app:app\n"


def tf601_paths(result) -> set[str]:
    return {f.path for f in result.findings if f.rule == "TF601"}


def symlink(link: Path, target: Path) -> None:
    try:
        os.symlink(target, link, target_is_directory=target.is_dir())
    except (OSError, NotImplementedError) as error:  # pragma: no cover - platforms without symlinks
        pytest.skip(f"cannot create symlinks here: {error}")


# --- names ---------------------------------------------------------------------------------------

ODD_NAMES = ["with space/my app.py", "new\nline.py", "café/ünïcödé.py", "日本語/アプリ.py", "emoji 🚀.py",
             "-rf.py", "--help/app.py", "<script>alert(1)</script>.py", "tab\there.py", "quote'\"`$(x).py"]


@pytest.fixture
def odd_tree(tmp_path):
    try:
        write_tree(tmp_path, {name: STATEFUL_FLASK_APP for name in ODD_NAMES})
        if sys.platform.startswith("linux"):  # names that are not UTF-8 at all
            (tmp_path / os.fsdecode(b"latin1_\xe9t\xe9.py")).write_text(STATEFUL_FLASK_APP, encoding="utf-8")
    except (OSError, UnicodeError) as error:  # pragma: no cover - file systems that refuse such names
        pytest.skip(f"this file system refuses odd names: {error}")
    return tmp_path


def test_odd_names_are_analyzed_and_reported_by_their_path(odd_tree, catalogue):
    result = run([odd_tree], Settings(root=odd_tree), catalogue)
    assert set(ODD_NAMES) <= tf601_paths(result)
    assert result.skipped == ()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux allows names that are not UTF-8")
def test_a_name_that_is_not_utf8_is_escaped_so_reports_stay_valid_utf8(odd_tree, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "report.json"
    result = CliRunner().invoke(main, ["check", "--format", "json", "-o", str(out), str(odd_tree)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_bytes().decode("utf-8"))  # strict: no raw undecodable bytes
    assert "latin1_\\xe9t\\xe9.py" in {f["path"] for f in report["findings"]}


# --- symlinks ------------------------------------------------------------------------------------


def test_symlinks_out_of_the_root_are_not_followed(tmp_path, catalogue):
    outside = write_tree(tmp_path / "outside", {"secret/app.py": STATEFUL_FLASK_APP, "Dockerfile": BAD_CMD_DOCKERFILE,
                                                "start.sh": "supervisord -n\n"})
    root = write_tree(tmp_path / "root", {"good/app.py": STATEFUL_FLASK_APP,
                                          "Dockerfile": "FROM python:3.12-slim\nCOPY start.sh /\nENTRYPOINT [\"/start.sh\"]\n"})
    symlink(root / "linked.py", outside / "secret" / "app.py")
    symlink(root / "relative.py", Path("..") / "outside" / "secret" / "app.py")
    symlink(root / "secret", outside / "secret")
    symlink(root / "inner.py", root / "linked.py")  # inside -> inside -> outside
    (root / "deploy").mkdir()
    symlink(root / "deploy" / "Dockerfile", outside / "Dockerfile")
    symlink(root / "start.sh", outside / "start.sh")  # the script the ENTRYPOINT runs
    result = run([root], Settings(root=root), catalogue)
    skipped = {s.path: s.reason for s in result.skipped}
    for link in ("linked.py", "relative.py", "inner.py", "deploy/Dockerfile"):
        assert "outside" in skipped[link], (link, skipped.get(link))
    assert "not followed" in skipped["secret"]
    assert {f.path for f in result.findings} <= {"good/app.py", "Dockerfile"}
    assert tf601_paths(result) == {"good/app.py"}
    assert not any("supervisord" in f.message for f in result.findings)


# --- scale ---------------------------------------------------------------------------------------


def test_a_ten_thousand_file_tree_finishes_and_accounts_for_every_file(tmp_path, catalogue):
    """100 packages of 100 files: 2,500 Python modules, the rest files of kinds 12f-lint does not read."""
    for package in range(100):
        directory = tmp_path / f"pkg{package:03d}"
        directory.mkdir()
        for index in range(100):
            name = f"m{index:03d}.py" if index % 4 == 0 else f"data{index:03d}.txt"
            (directory / name).write_text(f"VALUE_{index} = {index}\n", encoding="utf-8")
    write_tree(tmp_path, {"pkg000/views.py": STATEFUL_FLASK_APP})
    result = within(300, lambda: run([tmp_path], Settings(root=tmp_path), catalogue))
    assert result.analyzed == 2501 and result.skipped == ()
    assert tf601_paths(result) == {"pkg000/views.py"}


# --- accounting ----------------------------------------------------------------------------------


def known_files(root: Path) -> set[str]:
    """Every file of a kind 12f-lint reads, found independently of discovery (os.walk, no links followed)."""
    found = set()
    for directory, _, names in os.walk(root):
        for name in names:
            if kind_of(name):
                found.add((Path(directory) / name).relative_to(root).as_posix())
    return found


def test_every_discovered_file_is_analyzed_or_skipped_in_the_json_and_the_text_report(tmp_path):
    from test_robustness import AWKWARD, BAD, GOOD

    write_tree(tmp_path, {**BAD, **AWKWARD, **GOOD, "big/Dockerfile": "FROM x\n" + "#" * 3_000_000,
                          "binary.py": b"\x00\x01\x02", "empty/Procfile": ""})
    expected = known_files(tmp_path)
    report = json.loads(CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)]).stdout)
    skipped = {s["path"]: s["reason"] for s in report["files"]["skipped"]}
    assert all(skipped.values())
    assert report["files"]["analyzed"] + len(skipped) == len(expected)
    assert set(skipped) <= expected and {"big/Dockerfile", "binary.py", "x.py"} <= set(skipped)

    text = CliRunner().invoke(main, ["check", str(tmp_path)]).stdout
    assert f"analyzed {report['files']['analyzed']} files, skipped {len(skipped)}" in text
    for path, reason in skipped.items():
        assert f"  skipped {path}: {reason}" in text
