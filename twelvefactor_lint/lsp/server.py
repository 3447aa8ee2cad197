"""The protocol side: pygls wiring from editor events to project sessions and back to diagnostics.

Everything runs on the event loop's thread (the main one, so a file's analysis keeps its time
limit); an edit is linted 300 ms after the typing stops. A handler that fails logs the error and
answers with nothing: a broken request, a file outside the workspace or an unreadable file never
stops the server.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from twelvefactor_lint import __version__
from twelvefactor_lint.discover.sources import digest
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.judge.catalogue import load as load_catalogue
from twelvefactor_lint.lsp.actions import fix_action, suppress_actions
from twelvefactor_lint.lsp.diagnostics import Lines, contains, diagnostic, finding_range, on_lines
from twelvefactor_lint.lsp.session import ProjectSession
from twelvefactor_lint.model import Finding, Result
from twelvefactor_lint.report.ruledoc import explanation

LINT_PROJECT = "12f-lint.lintProject"
DEBOUNCE = 0.3
"""Seconds of quiet after a keystroke before the buffer is linted."""
_WATCHED = ("**/pyproject.toml", "**/.12f-lint.toml", "**/*.py", "**/*Dockerfile*", "**/Containerfile",
            "**/*compose*.y*ml", "**/Procfile", "**/*.sh", "**/*.conf", "**/*.cfg")

log = logging.getLogger(__name__)
T = TypeVar("T")


def _guarded(default: Any = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Log a handler's failure and answer `default`: no request may take the server down."""
    def wrap(handler: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(handler)
        def guarded(*args: Any) -> T:
            try:
                return handler(*args)
            except Exception:  # noqa: BLE001 - the editor session outlives any one bad request
                log.exception("12f-lint: %s failed", handler.__name__)
                return default
        return guarded
    return wrap


class _Protocol(LanguageServerProtocol):
    def _handle_notification(self, method_name: str, params: Any) -> None:
        """pygls 2.1 files the future of a notification its built-in handlers run (didOpen, didChange,
        didSave) under a fresh id that nothing removes: ~1 KB per edit, forever. A finished future is only
        bookkeeping (a request's answer is sent by its own callback), so drop those after each notification."""
        super()._handle_notification(method_name, params)
        for key in [key for key, future in self._request_futures.items() if future.done()]:
            del self._request_futures[key]

    def structure_message(self, data: dict[str, Any]) -> Any:
        """A request pygls cannot read (params of the wrong shape) gets its error answer: pygls alone would
        log it and leave the client waiting for a response forever."""
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "jsonrpc" in data and "method" in data and isinstance(data.get("id"), (int, str)):
                self._send_response(data["id"], error=error.to_response_error())
            raise


class TwelveFactorServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("12f-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=_Protocol)
        self.sessions: dict[Path, ProjectSession] = {}
        self.project_wide = False
        """After `12f-lint.lintProject`, every file with findings gets diagnostics, not only open ones."""
        self._published: dict[str, list[types.Diagnostic]] = {}
        self._pending: dict[Path, asyncio.TimerHandle] = {}
        self._catalogue: Catalogue | None = None
        self._explained: dict[tuple[str, str], str] = {}

    # --- where a document belongs

    def _folders(self) -> list[Path]:
        folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()] or [self.workspace.root_path]
        return [Path(os.path.abspath(f)) for f in folders if f]

    def session(self, folder: Path) -> ProjectSession:
        if folder not in self.sessions:
            if self._catalogue is None:
                self._catalogue = load_catalogue()
            self.sessions[folder] = ProjectSession(folder, self._catalogue)
        return self.sessions[folder]

    def locate(self, uri: str) -> tuple[ProjectSession, str] | None:
        """The session and root-relative path of a document; None for one outside every workspace folder."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            log.info("12f-lint: not a file in the workspace: %s", uri)
            return None
        absolute = Path(os.path.abspath(path))
        folders = [f for f in self._folders() if absolute.is_relative_to(f)]
        if not folders:
            log.info("12f-lint: outside the workspace folders: %s", path)
            return None
        session = self.session(max(folders, key=lambda f: len(f.parts)))
        rel = session.rel(absolute)
        return (session, rel) if rel is not None else None

    def open_documents(self, session: ProjectSession) -> dict[str, str]:
        """rel -> uri of the open documents in the session's project, as the client named them."""
        found = {}
        for document in list(self.workspace.text_documents.values()):
            located = self.locate(document.uri)
            if located is not None and located[0] is session:
                found[located[1]] = document.uri
        return found

    def _text(self, session: ProjectSession, rel: str, uri: str | None) -> str:
        if uri is not None and uri in self.workspace.text_documents:
            return self.workspace.text_documents[uri].source
        return session.text(rel) or ""

    @staticmethod
    def uri_of(session: ProjectSession, rel: str) -> str:
        return from_fs_path(str(session.path(rel))) or rel

    def _lines(self, text: str) -> Lines:
        return Lines(text, self.workspace.position_codec.client_num_units)

    # --- linting and publishing

    def lint(self, session: ProjectSession) -> Result:
        """Lint the project now and publish what changed."""
        pending = self._pending.pop(session.folder, None)
        if pending is not None:
            pending.cancel()
        result = session.lint()
        by_path: dict[str, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            by_path[finding.path].append(finding)
        open_docs = self.open_documents(session)
        uris = {rel: open_docs.get(rel) or self.uri_of(session, rel) for rel in
                {*open_docs, *(by_path if self.project_wide else ())}}
        mine = {uri for uri in self._published if self._belongs(uri, session)}
        stale = mine - set(uris.values())
        for rel, uri in uris.items():
            self._publish(uri, self._diagnostics(session, rel, uri, by_path.get(rel, [])))
        for uri in stale:
            self._publish(uri, [])
        return result

    def _belongs(self, uri: str, session: ProjectSession) -> bool:
        located = self.locate(uri)
        return located is not None and located[0] is session

    def _diagnostics(self, session: ProjectSession, rel: str, uri: str | None, findings: list[Finding]) -> list[types.Diagnostic]:
        if not findings:
            return []
        lines = self._lines(self._text(session, rel, uri))
        return [self.diagnostic(session, f, lines) for f in findings]

    def diagnostic(self, session: ProjectSession, finding: Finding, lines: Lines) -> types.Diagnostic:
        return diagnostic(finding, session.catalogue.get(finding.rule), lines, functools.partial(self.uri_of, session),
                          session.settings.docs_url)

    def _publish(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        if self._published.get(uri) == diagnostics:
            return
        if diagnostics:
            self._published[uri] = diagnostics
        else:
            self._published.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def buffer_changed(self, uri: str, text: str | None, later: bool = False) -> None:
        """A document's new unsaved text (None: saved or closed, the file on disk counts again); lint now, or
        `later`, after the debounce. Documents 12f-lint does not read (a README) lint nothing."""
        located = self.locate(uri)
        if located is None:
            return
        session, rel = located
        if not session.reads(rel):
            return
        if text is None:
            session.drop_buffer(rel)
        else:
            session.set_buffer(rel, text)
        if later:
            self.lint_later(session)
        else:
            self.lint(session)

    def lint_later(self, session: ProjectSession) -> None:
        """Lint once the edits stop for `DEBOUNCE` seconds."""
        pending = self._pending.pop(session.folder, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending[session.folder] = loop.call_later(DEBOUNCE, _guarded()(self.lint), session)

    def current(self, session: ProjectSession, rel: str, text: str) -> Result:
        """The session's result, linted again first when it judged other text of this file than the editor's."""
        result = session.result
        if result is None or rel in result.digests and result.digests[rel] != digest(text.encode("utf-8", "surrogatepass")):
            result = self.lint(session)
        return result

    # --- what the editor asks

    def findings_in(self, uri: str) -> tuple[ProjectSession, str, str, Lines, list[tuple[Finding, types.Range]]] | None:
        """The document's session, path, text, lines and findings (with their ranges), judged on its current text."""
        located = self.locate(uri)
        if located is None:
            return None
        session, rel = located
        text = self._text(session, rel, uri)
        result = self.current(session, rel, text)
        lines = self._lines(text)
        return session, rel, text, lines, [(f, finding_range(f, lines)) for f in result.findings if f.path == rel]

    def explanation(self, rule_id: str, session: ProjectSession) -> str | None:
        """`12f-lint explain`'s text (made once per rule and docs URL: it runs the rule's example)."""
        key = (rule_id, session.settings.docs_url)
        if key not in self._explained:
            rule = session.catalogue.get(rule_id)
            if rule is None:
                return None
            self._explained[key] = explanation(rule, session.settings.docs_url)
        return self._explained[key]


server = TwelveFactorServer()


@server.feature(types.INITIALIZED)
@_guarded()
def initialized(ls: TwelveFactorServer, params: types.InitializedParams) -> None:
    """Ask the client to report config and source changes made outside the editor, when it can."""
    watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in _WATCHED])
    ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
        id="12f-lint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@_guarded()
def did_open(ls: TwelveFactorServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.buffer_changed(params.text_document.uri, params.text_document.text)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@_guarded()
def did_change(ls: TwelveFactorServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.buffer_changed(uri, ls.workspace.get_text_document(uri).source, later=True)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
@_guarded()
def did_save(ls: TwelveFactorServer, params: types.DidSaveTextDocumentParams) -> None:
    path = to_fs_path(params.text_document.uri) if params.text_document.uri.startswith("file:") else None
    if path is None or not _config_changed(ls, [Path(path)]):
        ls.buffer_changed(params.text_document.uri, None)  # the file on disk (and the facts cache) is the truth again


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@_guarded()
def did_close(ls: TwelveFactorServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.buffer_changed(params.text_document.uri, None)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@_guarded()
def did_change_watched_files(ls: TwelveFactorServer, params: types.DidChangeWatchedFilesParams) -> None:
    paths = [Path(p) for p in (to_fs_path(c.uri) for c in params.changes if c.uri.startswith("file:")) if p]
    if _config_changed(ls, paths):
        return
    touched = set()
    for change in params.changes:
        located = ls.locate(change.uri)
        if located is None:
            continue
        session, rel = located
        if change.type != types.FileChangeType.Changed:
            session.files_changed()
        session.forget(rel)  # an open buffer still counts over the file: it is analyzed again, from the buffer
        touched.add(session.folder)
    for folder in touched:
        ls.lint_later(ls.sessions[folder])


def _config_changed(ls: TwelveFactorServer, paths: list[Path]) -> bool:
    """Reload and re-lint the projects whose config one of `paths` is; whether there were any."""
    reloaded = [s for s in ls.sessions.values() if any(s.is_config(p) for p in paths)]
    for session in reloaded:
        session.reload_config()
        ls.lint(session)
    return bool(reloaded)


@server.feature(types.TEXT_DOCUMENT_HOVER)
@_guarded()
def hover(ls: TwelveFactorServer, params: types.HoverParams) -> types.Hover | None:
    found = ls.findings_in(params.text_document.uri)
    if found is None:
        return None
    session, _, _, _, findings = found
    hits = [(f, r) for f, r in findings if contains(r, params.position)]
    docs = [doc for doc in dict.fromkeys(ls.explanation(f.rule, session) for f, _ in hits) if doc]
    if not docs:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(docs)),
                       range=hits[0][1])


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
@_guarded(default=[])
def code_action(ls: TwelveFactorServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    found = ls.findings_in(uri)
    if found is None:
        return []
    session, rel, text, lines, findings = found
    actions: list[types.CodeAction] = []
    for finding, _ in (item for item in findings if on_lines(item[1], params.range)):
        rule = session.catalogue.get(finding.rule)
        shown = ls.diagnostic(session, finding, lines)
        fixed = fix_action(finding, rule, rel, uri, text, lines, shown) if rule is not None else None
        actions += [fixed] if fixed is not None else []
        actions += suppress_actions(finding, uri, text, lines, shown)
    return actions


@server.command(LINT_PROJECT)
@_guarded()
def lint_project(ls: TwelveFactorServer, *args: Any) -> dict[str, int]:
    """Look at every file of every workspace folder again, and show every file's findings, open or not."""
    ls.project_wide = True
    total = 0
    for folder in ls._folders():
        session = ls.session(folder)
        session.refresh()
        ls.lint(session)
        total += len(session.result.findings) if session.result else 0
    return {"findings": total}


def serve() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    server.start_io()
