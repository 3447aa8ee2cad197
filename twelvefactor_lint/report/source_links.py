"""Links from the HTML report to a finding's source line in the repository's web view.

The web URL comes from `--repo-url`, else from the checkout's `origin` remote, read from the git files
(no git process; credentials in a remote URL never reach the page); the revision is the checked-out
commit, so a link keeps pointing at the code that was linted.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from twelvefactor_lint.report.checkout import checkout_prefix, checkout_root, in_checkout

_SCP_LIKE = re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>[^/].*)$")
_SHA = re.compile(r"^[0-9a-f]{40}$")


def blob_base(root: str, configured: str | None) -> str | None:
    """`https://host/owner/repo/blob/<commit>/` (GitLab: `/-/blob/`), None when no web URL is known."""
    git_dir = _git_dir(checkout_root(root))
    web = _web_url(configured) if configured else (_web_url(_origin(git_dir)) if git_dir else None)
    if not web:
        return None
    revision = (_revision(git_dir) if git_dir else None) or "HEAD"
    blob = "/-/blob/" if "gitlab" in urlsplit(web).netloc else "/blob/"
    return f"{web}{blob}{revision}/"


def source_link(base: str, root: str, path: str, line: int) -> str:
    return f"{base}{quote(in_checkout(checkout_prefix(root), path), safe='/')}#L{line}"


def _web_url(remote: str | None) -> str | None:
    """The https URL of a remote (scp-like, ssh:// or https://, credentials dropped); None for local paths."""
    if not remote:
        return None
    remote = remote.strip()
    scp = _SCP_LIKE.match(remote)
    if scp:
        host, path = scp["host"], scp["path"]
    else:
        parts = urlsplit(remote)
        if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path.lstrip("/")
    path = path.rstrip("/").removesuffix(".git")
    return f"https://{host}/{quote(path, safe='/')}" if path else None


def _git_dir(checkout: Path) -> Path | None:
    dot = checkout / ".git"
    try:
        if dot.is_dir():
            return dot
        text = dot.read_text(encoding="utf-8")
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    found = Path(text[len("gitdir:"):].strip())
    return found if found.is_absolute() else checkout / found


def _common_dir(git_dir: Path) -> Path:
    """A worktree's git dir keeps HEAD; config and refs live in the common one."""
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return Path(common) if Path(common).is_absolute() else git_dir / common


def _origin(git_dir: Path) -> str | None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(_common_dir(git_dir) / "config", encoding="utf-8")
        return parser.get('remote "origin"', "url", fallback=None)
    except (configparser.Error, UnicodeDecodeError):
        return None


def _revision(git_dir: Path) -> str | None:
    """The checked-out commit: HEAD's ref, resolved through loose refs or packed-refs."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if _SHA.match(head):
            return head
        ref = head.removeprefix("ref:").strip()
        common = _common_dir(git_dir)
        loose = common / ref
        if loose.is_file():
            sha = loose.read_text(encoding="utf-8").strip()
            return sha if _SHA.match(sha) else None
        for line in (common / "packed-refs").read_text(encoding="utf-8").splitlines():
            sha, _, name = line.partition(" ")
            if name == ref and _SHA.match(sha):
                return sha
    except (OSError, UnicodeDecodeError):
        return None
    return None
