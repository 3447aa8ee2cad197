"""Where a rule's documentation lives online: `docs/rules/<ID>-<name>.md` in the project's repository,
the same text `12f-lint explain` prints. One helper, so SARIF, HTML, `explain` and the text footer
link the same page; the base is configurable (`docs-url`) for a fork or an internal mirror."""

from __future__ import annotations

REPOSITORY = "https://github.com/12f-lint/12f-lint"
"""The project's public repository: the one place the code names it. A placeholder until the real
address is known; `[project.urls]` in pyproject.toml repeats it (tests/test_docs_links.py keeps them in
step), and `docs-url` moves the rule links users see. Read from here rather than from installed
metadata, which would cost every run a scan of sys.path."""
DEFAULT_BASE = f"{REPOSITORY}/blob/main/docs/rules"


def docs_base(configured: str = "") -> str:
    """The URL the rule docs sit under, without a trailing slash."""
    return (configured or DEFAULT_BASE).rstrip("/")


def rule_url(rule_id: str, name: str, base: str = "") -> str:
    return f"{docs_base(base)}/{rule_id}-{name}.md"
