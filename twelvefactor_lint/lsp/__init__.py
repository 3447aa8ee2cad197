"""`12f-lint server`: a language server (LSP over stdio) that lints the project as you edit it.

session: the project in memory, buffers over files; diagnostics: findings as LSP diagnostics;
actions: fixes and suppressions as code actions; server: the pygls wiring. pygls and lsprotocol
come with the `lsp` extra and are imported only when the server runs.
"""

from __future__ import annotations


class MissingExtra(Exception):
    """The server's dependencies are not installed."""


def serve() -> None:
    """Serve LSP on stdin/stdout until the client says exit."""
    try:
        from twelvefactor_lint.lsp.server import serve as start
    except ImportError as error:
        if error.name not in ("pygls", "lsprotocol") and not str(error.name or "").startswith(("pygls.", "lsprotocol.")):
            raise
        raise MissingExtra("the language server needs its extra: pip install 'twelvefactor-lint[lsp]'") from None
    start()
