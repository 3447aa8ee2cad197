"""uWSGI ini (and YAML) files a start command loads (`uwsgi uwsgi.ini`, `uwsgi --ini conf/app.ini`,
`uwsgi --yaml uwsgi.yml`).

Read only when a start command names them, so each option is the running server's own: a PID file
or `daemonize` (VIII), logs sent to a file (`logto`, `logger = file:...`, XI), and processes uWSGI
starts and keeps beside the app (`attach-daemon`, `smart-attach-daemon`: VI); and the settings module an
`env = DJANGO_SETTINGS_MODULE=...` option selects (link follows settings chains from it). uWSGI ini files repeat
keys and use `%(...)` placeholders, so they are read line by line, not with configparser.
"""

from __future__ import annotations

import posixpath
import re

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.process_facts import Origin, process_fact
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis
from twelvefactor_lint.facts import process as F
from twelvefactor_lint.facts.platform import SettingsModule

_OPTION = re.compile(r"^\s*([A-Za-z][\w-]*)\s*[=:]\s*(.*?)\s*$")
_PIDFILES = {"pidfile", "pidfile2", "safe-pidfile", "safe-pidfile2"}
_DAEMONIZE = {"daemonize", "daemonize2"}
_LOGS = {"logto", "logto2"}
_ATTACHED = {"attach-daemon", "attach-daemon2", "smart-attach-daemon", "smart-attach-daemon2",
             "attach-control-daemon", "attach-smart-daemon"}
_APP_TARGETS = {"module", "wsgi", "wsgi-file", "file", "mount"}
_WORKERS = {"processes", "workers"}
_STREAMS = re.compile(r"^(/dev/(stdout|stderr|null)|/proc/self/fd/[12])$")


def _options(lines: list[str], yaml_form: bool) -> list[tuple[int, str, str]]:
    """(line, key, value) of each option in the `[uwsgi]` section (the one uWSGI reads by default), or, in
    a YAML config, under the top-level `uwsgi:` key (values unquoted)."""
    section, found = "uwsgi", []
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if yaml_form and raw[:1].isalpha() and stripped.endswith(":"):
            section = stripped[:-1].strip().lower()
        elif stripped.startswith("[") and stripped.endswith("]") and not yaml_form:
            section = stripped[1:-1].strip().lower()
        elif section == "uwsgi" and not stripped.startswith(("#", ";")) and (match := _OPTION.match(stripped)):
            value = match[2].strip("\"'") if yaml_form else match[2]
            found.append((number, match[1].lower().replace("_", "-"), value))
    return found


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    name = posixpath.basename(path)
    facts: list[Fact] = []
    options = _options(lines, name.lower().endswith((".yml", ".yaml")))
    counts = [value for _, key, value in options if key in _WORKERS]
    workers = int(counts[-1]) if counts and counts[-1].isdigit() else 0  # the last one set wins
    for line, key, value in options:
        origin = Origin(f"uWSGI config `{name}`", name, "script", line)
        setting = f"{key} = {value}"
        if key in _PIDFILES and value:
            facts.append(process_fact(F.PidFile, path, origin, line, {"command": setting, "target": value}, key))
        elif key in _DAEMONIZE and value:
            facts.append(process_fact(F.Daemonizes, path, origin, line, {"command": setting}, key))
            if not _STREAMS.match(value):
                facts.append(process_fact(F.ProcessLogFile, path, origin, line, {
                    "command": "uwsgi", "how": f"`{key}`", "target": value}, f"{key}:{value}"))
        elif (key in _LOGS or key in {"logger", "req-logger"} and "file:" in value) and value:
            target = value.split("file:", 1)[1] if "file:" in value else value
            if not _STREAMS.match(target):
                facts.append(process_fact(F.ProcessLogFile, path, origin, line, {
                    "command": "uwsgi", "how": f"`{key}`", "target": target}, f"{key}:{target}"))
        elif key in _APP_TARGETS and value:
            named = value.split("=", 1)[-1].strip() if key == "mount" else value  # `mount = /app=app.wsgi:app`
            target = named if named.endswith(".py") else named.split(":")[0]
            facts.append(process_fact(F.AppTarget, path, origin, line, {"command": setting, "target": target,
                                                                       "workers": workers}, key))
        elif key == "env" and value.partition("=")[0].strip() == "DJANGO_SETTINGS_MODULE" \
                and (module := value.partition("=")[2].strip().strip("\"'")):
            facts.append(SettingsModule(path, line, 1, module=module, anchor=f"settings_module:{module}"))
        elif key in _ATTACHED and value:
            words = value.split()[1:] if key.startswith("smart-") else value.split()  # smart-*: pidfile first
            program = words[0].rsplit("/", 1)[-1] if words else value
            facts.append(process_fact(F.ExtraProcess, path, origin, line, {
                "how": "attached_daemon", "program": program, "command": value}, f"{key}:{program}"))
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(lines))
