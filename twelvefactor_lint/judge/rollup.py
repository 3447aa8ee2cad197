"""One problem, one finding: the same pattern repeated is reported once, naming every place.

Twenty-nine `add_task` calls in one module, the same localhost host in several aliases of one `DATABASES` dict,
several settings that fall back to the same URL with a password (three or more of one kind about one subject in a
file), or the same finding in alternative
deploy files side by side (compose variants; not Python modules) or in copies of one deploy file in
other directories, are one thing to fix; so is one secret variable read alike in several modules, or one `sys.path`
entry several scripts add; so are several findings of one rule on one line of a deploy file (`npm install && npm run
build` in one compose `command:`); so are two keys made up alike in one function (`_ONE_KEYRING`), and one literal
secret committed again in a mirrored manifest of the same deploy (the same digest, `engine._value`).
Findings `--fix` can fix are never folded: the fixer edits each place it is told about. The first occurrence
(across files: the primary file, the one with the shortest name) stays, with its fingerprint so baselines and
judgments keep matching; its message ends with "and N more" and the other locations, and its `related` keeps every
one of them (JSON `related`, SARIF `relatedLocations`, the HTML report).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import replace

from twelvefactor_lint.model import Finding, Related

_MAX_LISTED = 12
_BRIEF_LISTED = 3
"""The terminal's one line names the first few; the message (JSON, SARIF) the first dozen; `related` all."""
_REPEATED = 3
"""In one file, a pattern is repeated from its third occurrence: two are still read as two problems
(two `signal.signal(SIGTERM, SIG_IGN)` calls say the same thing and are two lines to fix) — except the
same committed value twice (factor III: one URL with one password in two settings) or one log file written twice
(`_ONE_LOG`), one secret to rotate, the
same piece of state twice (`_NAMES_STATE_FIRST`), one start script's migrations twice (`_ONE_START`), one process's
log settings twice in one config (`_ONE_PROCESS`), one module's coordination twice (`_ONE_STORE`), one module's
detached work twice (`_ONE_QUEUE`) and one compose
file's habit twice (`_ONE_HABIT`)."""
_NAMES_STATE_FIRST = {"TF601", "TF606", "TF616"}
"""Rules whose messages name the state first (a module variable, a written path, a volume or the workload keeping
it): two findings about the same one in one file (two handlers writing `HOT_POOL`, a service's
data and media volumes) are one thing to fix."""
_NAMES_SECRET_SECOND = {"TF308"}
"""Rules whose messages name where a secret is set first (a service, a Secret, a values path) and the variable
second: two findings about one variable in one file (the app's and the worker's copy of one signing key in a
chart's values) are one secret to rotate."""
_ONE_STORE = {"TF615"}
"""Rules about where a module coordinates its processes: two findings of one kind in one file (two in-memory rate
limiters of one module, `limiter_global` and `limiter`) are one decision, pointing them at one shared store."""
_ONE_LOG = {"TF1101"}
"""Rules whose findings name the log they write: the same message twice in one file (`open(debug_log, "a")` at the
start and the end of one function) is one log file to move to stdout, however often it is written."""
_ONE_VARIABLE = {"TF302"}
"""Rules about how the code reads one variable: the same variable read alike (one message template, one severity) in
several modules (the settings and a middleware both falling back to a literal `KHOJ_DJANGO_SECRET_KEY`) is one
variable to require, reported where the read runs first (`_at_import_first`) with the other modules related."""
_ONE_QUEUE = {"TF612"}
"""Rules about work a module detaches from its handlers: the same mechanism twice in one file (a `threading.Thread`
started by the build handler and again by the rebuild handler) is one decision, that module's jobs going to a queue a
worker serves, reported on the first with the other as related."""
_ONE_ENTRY = {"TF101"}
"""Rules about one entry of the code's search path: the same `sys.path` entry, resolved alike, added by many scripts
(ten admin scripts each inserting `"../shared"`) is one decision (package the shared code), reported on the shortest
path with the other scripts related."""
_ONE_HABIT = {"TF803"}
"""Rules about a habit of a whole file: `container_name` on the app and on the worker of one compose file is one
habit to drop, reported on the first with the other as related."""
_ONE_START = {"TF1201"}
"""Rules about what one start script (or one compose service, one Procfile entry) does before its process: `migrate
sites` then `migrate` in one entrypoint (or `makemigrations` then `migrate`) is one migration step to move to the
release phase, reported on the first with the other as related; findings name the script or service first."""
_ONE_PROCESS = {"TF1103"}
"""Rules about where one process's logs go: two log settings of one config file for one process (uWSGI's `logto` and
`logger = file:`, `req-logger`) are one logging setup to point at stdout, reported on the first with the other as
related; findings name the config (or script) first and the process by "`x`'s output", so two programs of one
supervisord file stay two."""

_ONE_KEYRING = {"TF617"}
"""Rules about keys a process makes up for itself: two keys made up alike in one place (`SECRET_KEY` and
`JWT_SECRET_KEY` both random in one app factory `create_app()`) are one decision, that app's keys read from the
environment, reported on the first with the other as related; keys made up in another function or another way
stay their own findings."""

_ONE_DICT = {"TF401", "TF402"}
"""Rules about where a settings dict locates its service: the same thing said of several aliases of one dict
(`DATABASES.default.HOST`, `DATABASES.reports.HOST` and `DATABASES.enterprise.HOST`, all `localhost` in the module
body) is one dict to read from the environment, reported on the first alias with the others as related; another
host, another place in the module or another rule's wording stays its own finding."""
_DICT_ENTRY = re.compile(r"(DATABASES)\.[^.`]+\.(HOST)")
"""Databases only: one host in several aliases is one database server; a Redis and a Memcached `CACHES` alias on
localhost are two services."""


def _repeated(group: list[Finding]) -> bool:
    same_value = (group[0].factor == "III" or group[0].rule in _ONE_LOG) and len({f.message for f in group}) == 1
    same_state = group[0].rule in _NAMES_STATE_FIRST | _NAMES_SECRET_SECOND | _ONE_START and _about(group[0]) != ""
    one_process = group[0].rule in _ONE_PROCESS and _process(group[0].message) != "" \
        and len({(_subject(f.message), _process(f.message)) for f in group}) == 1
    one_dict = group[0].rule in _ONE_DICT and bool(_DICT_ENTRY.fullmatch(_subject(group[0].message))) \
        or group[0].rule in _ONE_KEYRING and _subject(group[0].message) != ""
    return len(group) >= _REPEATED or len(group) == 2 and (same_value or same_state or one_process or one_dict
                                                           or group[0].rule in _ONE_STORE | _ONE_HABIT | _ONE_QUEUE)


def _one_line(finding: Finding) -> tuple[str, ...]:
    """The deploy-file line a finding is on: findings of one rule on one such line are one command or one entry to
    fix (`npm install && npm run build` in one compose `command:`, `migrate --check` then `migrate`), whatever each
    names. Python modules are left to the patterns above: one line of code may hold two separate problems."""
    return ("line", finding.rule, finding.path, finding.severity, str(finding.line))


def rolled_up(findings: list[tuple[Finding, str, str]]) -> list[Finding]:
    """`findings` with the template each was rendered from and what its fact commits (`engine._value`: a deploy
    secret's `url|digest`, `""` for most); repeats are folded into their first."""
    groups: dict[tuple[str, ...], list[Finding]] = {}
    states: set[tuple[str, ...]] = set()
    on_line = Counter(_one_line(finding) for finding, *_ in findings
                      if finding.factor != "tool" and not finding.fixable and not _own_place(finding))
    for finding, template, value in findings:
        if finding.factor == "tool":  # a parse or internal error is about its own file: never folded
            groups[(finding.rule, finding.path, str(finding.line), str(finding.column), finding.message)] = [finding]
            continue
        if finding.fixable:  # --fix edits every place it is told about: a fixable finding stays one per place
            groups[(finding.rule, finding.path, str(finding.line), str(finding.column), finding.message)] = [finding]
            continue
        if on_line[line := _one_line(finding)] > 1:
            groups.setdefault(line, []).append(finding)
            continue
        same_file = (finding.rule, finding.path, finding.severity, template, _one_login(finding, value))
        groups.setdefault(same_file, []).append(finding)
        if finding.rule in _NAMES_STATE_FIRST:
            states.add(same_file)
    groups = {key: _in_file_order(group) if key[0] == "line" else group for key, group in _joined(groups, states).items()}
    templates = {id(finding): template for finding, template, _ in findings}
    values = {id(finding): value for finding, _, value in findings}
    within = [(f, said, templates[id(group[0])], values[id(group[0])]) for key, group in groups.items() for f, said in (
        [(_folded(group, "on this line", _named_by(group[0])), group[0].message)] if key[0] == "line"
        else [(_folded(group, "in this file", lambda f: f"line {f.line}"), group[0].message)] if _repeated(group)
        else [(f, f.message) for f in group])]
    across: dict[tuple[str, ...], list[Finding]] = {}
    saying: dict[int, str] = {}
    for finding, said, template, value in within:  # what it said before the note naming its other lines: variants fold alike
        one_variable = finding.rule in _ONE_VARIABLE and _about(finding) != "" and not finding.fixable
        one_secret = finding.rule in _NAMES_SECRET_SECOND and value != "" and not finding.fixable
        saying[id(finding)] = said
        key = ("variable", finding.rule, finding.severity, template, _about(finding)) if one_variable else (
            "entry", finding.rule, finding.severity, said) if finding.rule in _ONE_ENTRY and not finding.fixable else (
            "secret", finding.rule, finding.severity, template, _about(finding), value) if one_secret else (
            finding.rule, finding.severity, said)
        across.setdefault(key, []).append(finding)

    def copied(finding: Finding, other: Finding) -> bool:
        """One secret committed in two copies of one deploy: alternative files (`_alternative`: the app's and the
        worker's `secrets.yml` of one manifest tree), or the same object saying the same in two manifest trees
        (`kubernetes-manifests/` and a service's kustomize base)."""
        return _alternative(finding, other) or saying[id(finding)] == saying[id(other)]
    return [f for key, same in across.items() for group in (
                [same] if key[0] in {"variable", "entry"} else _alternatives(same, copied if key[0] == "secret" else None))
            for f in ([_folded(sorted(group, key=_at_import_first if key[0] == "variable" else _primary_first),
                               "in other files", lambda f: f"{f.path}:{f.line}")]
                      if len({f.path for f in group}) == len(group) else group)]


def _joined(groups: dict[tuple[str, ...], list[Finding]], states: set[tuple[str, ...]]) -> dict[
        tuple[str, ...], list[Finding]]:
    """The groups about pieces of state (`states`: rules in `_NAMES_STATE_FIRST`) that name each other in one file,
    joined: a service's volumes are one group, a volume two services mount another, and when that volume's
    findings name the service they are one decision (move the service's data), not one finding per volume and
    one per service."""
    root = {key: key for key in groups if key in states}
    files: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key in root:
        files.setdefault(key[:3], []).append(key)  # rule, path and severity

    def top(key: tuple[str, ...]) -> tuple[str, ...]:
        while root[key] != key:
            key = root[key]
        return key

    for keys in files.values():
        for key in keys:
            named = f"`{key[4]}`"
            for other in keys:
                if other != key and key[4] and any(named in f.message for f in groups[other]):
                    root[top(other)] = top(key)
    joined: dict[tuple[str, ...], list[Finding]] = {}
    for key, group in groups.items():
        joined.setdefault(top(key) if key in root else key, []).extend(group)
    return {key: group if key not in root or len(group) == len(groups[key]) else
            sorted(group, key=lambda f: (f.line, f.column)) for key, group in joined.items()}


def _alternatives(same: list[Finding], alike=None) -> list[list[Finding]]:
    """Findings saying the same thing, grouped where they are one decision: alternative deploy files side by
    side (compose variants in one directory), or copies of one deploy file elsewhere (an embedded or vendored
    `docker-compose.prod.yml`: same name, same line). Two modules, or two services' Dockerfiles in their own
    directories, are two places to fix. `alike`: another test of two findings being one decision."""
    groups: list[list[Finding]] = []
    joins = alike or _alternative
    for finding in same:
        joined = [] if _own_place(finding) else [g for g in groups if any(joins(finding, other) for other in g)]
        groups = [g for g in groups if g not in joined] + [[f for g in joined for f in g] + [finding]]
    return groups


def _own_place(finding: Finding) -> bool:
    """A finding about its own place, never one of several alternatives: a parse or internal error, a Python
    module's, or one `--fix` edits in place."""
    return finding.factor == "tool" or finding.path.endswith(".py") or finding.fixable


def _alternative(finding: Finding, other: Finding) -> bool:
    """Whether `other` is an alternative deploy file to `finding`'s: beside it, or a copy of it elsewhere."""
    if _own_place(other):
        return False
    same_dir = posixpath.dirname(finding.path) == posixpath.dirname(other.path)
    copy = posixpath.basename(finding.path) == posixpath.basename(other.path) and finding.line == other.line
    return same_dir or copy


def _primary_first(finding: Finding) -> tuple[int, str]:
    """`docker-compose.yml` speaks for `docker-compose.cuda.yml`: the shortest name is the primary file."""
    return len(finding.path), finding.path


def _at_import_first(finding: Finding) -> tuple[bool, str, int]:
    """A module body's read runs at import, before any function's: it speaks for the others. Until fingerprinted, a
    Python finding's fingerprint is its fact's anchor, `<function>:<subject>`, empty before the colon at module level."""
    return not finding.fingerprint.startswith(":"), finding.path, finding.line


def _one_login(finding: Finding, value: str) -> str:
    """What a finding is about in its file (`_about`); for a secret in a deploy file, the variable it sets, or for a
    service URL with its password the URL and the password (`engine._value`): one login to one service given in two
    variables (a storage and a permission URL alike) is one secret to rotate, while one literal that happens to be
    both a database's and a broker's password, or two services' signing keys, stays two. The URL's scheme names a
    driver (`postgres://` and `postgis://` reach one database), not the login."""
    url, _, digest = value.partition("|")
    return f"{url.partition('://')[2]}|{digest}" if finding.rule in _NAMES_SECRET_SECOND and url else _about(finding)


def _in_file_order(group: list[Finding]) -> list[Finding]:
    """Findings on one line, in the order of what each is about in that file (`definition`: the compose services
    sharing a volume from one anchor, `web` before `celery`): the first one the file declares speaks for the others,
    keeping its fingerprint. Findings naming nothing in the file keep their order."""
    return sorted(group, key=lambda f: f.definition[1] if f.definition and f.definition[0] == f.path else 0)


def _named_by(first: Finding):
    """How a note on one line names the others: what each says (`_said`), or for state shared by several
    workloads (`_NAMES_STATE_FIRST`: one volume several services mount) only what differs, the workload
    (``service `worker-1` ``), when the rest is the first's words."""
    if first.rule not in _NAMES_STATE_FIRST:
        return _said

    def named(finding: Finding) -> str:
        mine, theirs = _said(finding).split("`"), _said(first).split("`")
        differ = [i for i in range(1, len(mine), 2) if len(mine) == len(theirs) and mine[i] != theirs[i]]
        if not differ or any(mine[i] != theirs[i] for i in range(0, len(mine), 2)):
            return _said(finding)
        return ", ".join(f"{(mine[i - 1].split() or [''])[-1]} `{mine[i]}`".lstrip() for i in differ)
    return named


def _said(finding: Finding) -> str:
    """What a finding says before its advice (`compose service `ui` runs `npm run build` at start`): how a note names
    another finding on the same line."""
    return finding.message.split(": ", 1)[0]


def _about(finding: Finding) -> str:
    """What a finding is about (`_subject`), or for a secret in a deploy file the variable it sets; for a key of a
    settings dict's alias (`_ONE_DICT`), the whole message with the alias left out: the same host said alike of
    another alias is the same dict."""
    if finding.rule in _NAMES_SECRET_SECOND:
        parts = finding.message.split("`")
        return parts[3] if len(parts) > 4 else ""
    subject = _subject(finding.message)
    if finding.rule in _ONE_KEYRING and subject:  # the same words about another key: the same place, made up alike
        return finding.message.replace(f"`{subject}`", "`*`", 1)
    entry = _DICT_ENTRY.fullmatch(subject) if finding.rule in _ONE_DICT else None
    if entry:
        return finding.message.replace(f"`{subject}`", f"`{entry[1]}.*.{entry[2]}`")
    return subject


_OUTPUT_OF = re.compile(r"`([^`]+)`'s output")


def _process(message: str) -> str:
    """The process whose output a log finding names (`` `uwsgi`'s output ``); `""`: none named."""
    found = _OUTPUT_OF.search(message)
    return found.group(1) if found else ""


def _subject(message: str) -> str:
    """What a finding is about: the first `quoted` name in its message (`ORDERS`, a masked URL, a service).
    Different state variables in one module are different problems; the same one written thrice is one."""
    parts = message.split("`")
    return parts[1] if len(parts) > 2 else ""


def _folded(group: list[Finding], where: str, place) -> Finding:
    first, rest = group[0], group[1:]
    if not rest:
        return first

    def note(most: int) -> str:
        listed = ", ".join(place(f) for f in rest[:most]) + (", …" if len(rest) > most else "")
        return f" (and {len(rest)} more {where}: {listed})"

    related = tuple(other for f in rest for other in (
        Related(f.path, f.line, f.column, "" if f.message == first.message else f.message), *f.related))
    return replace(first, message=first.message + note(_MAX_LISTED), brief=(first.brief or first.message) + note(_BRIEF_LISTED),
                   related=first.related + related)
