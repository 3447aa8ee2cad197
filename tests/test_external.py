"""infra/external.py: the only door to other programs stays narrow."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from twelvefactor_lint.infra.external import ToolFailed, run_tool


def test_only_named_tools_run():
    with pytest.raises(ToolFailed, match="not a tool"):
        run_tool("sh", ["-c", "true"], timeout=5)


def test_a_tool_inside_the_scanned_tree_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\ntouch \"$0.ran\"\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ToolFailed, match="inside the scanned tree"):
        run_tool("git", ["--version"], timeout=5, untrusted_root=tmp_path)
    assert not (fake.parent / "git.ran").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_ignores_the_scanned_repositorys_fsmonitor_and_hooks(tmp_path):
    """A hostile `.git/config` names commands git would run; none of them runs."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    marker = tmp_path.parent / f"{tmp_path.name}-pwned"
    (tmp_path / "app.py").write_text("x = 1\n")
    with open(tmp_path / ".git" / "config", "a") as config:
        config.write(f"[core]\n\tfsmonitor = touch {marker}\n\tpager = touch {marker}\n")
    out = run_tool("git", ["ls-files", "-co", "--exclude-standard", "-z"], timeout=10, cwd=tmp_path)
    assert out.split(b"\0")[0] == b"app.py"
    assert not marker.exists()


def test_a_failing_tool_raises_instead_of_returning_output(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    with pytest.raises(ToolFailed, match="exited"):
        run_tool("git", ["ls-files"], timeout=10, cwd=tmp_path)  # not a repository
