"""Behaviours that six hand mutations once changed without any test failing (issue 11).

Each test names the mutation it catches; every one was applied by hand and seen to fail here.
"""

from __future__ import annotations

from twelvefactor_lint.judge.engine import DEV_NOTE, fingerprinted
from twelvefactor_lint.model import Finding
from twelvefactor_lint.severity import lowered

CRON_AND_APP = "FROM python:3.12-slim\nCMD cron && gunicorn app:app\n"


def test_a_dev_only_file_is_judged_as_info(lint):
    """Mutation: the engine appends the dev note but keeps the severity."""
    result = lint({"Dockerfile": CRON_AND_APP, "Dockerfile.dev": CRON_AND_APP}, select=("TF609",))
    severity = {f.path: (f.severity, f.message.endswith(DEV_NOTE)) for f in result.findings}
    assert severity == {"Dockerfile": ("error", False), "Dockerfile.dev": ("info", True)}
    assert [lowered(s) for s in ("error", "warning", "info")] == ["warning", "info", "info"]


RECIPES_VIEW = ('from flask import Flask\nfrom app.data import RECIPES\napp = Flask(__name__)\n\n'
                '@app.post("/r/<k>")\ndef add(k):\n    RECIPES[k] = 1\n    return "ok"\n')


def test_an_imported_container_resolves_to_the_copy_closest_to_the_importer(lint):
    """Mutation: the tie-break between modules matching the import picks the farthest (or the first)."""
    result = lint({"one/app/data.py": "RECIPES = {}\n", "two/app/data.py": "\n\nRECIPES = {}\n",
                   "three/app/data.py": "\nRECIPES = {}\n", "two/app/views.py": RECIPES_VIEW}, select=("TF601",))
    [finding] = result.findings
    assert "(dict, two/app/data.py:3)" in finding.message


def test_equally_close_copies_resolve_the_same_way_every_run(lint):
    """Mutation: the path tie-break is dropped, so the winner depends on the order files were read."""
    result = lint({"one/app/data.py": "RECIPES = {}\n", "two/app/data.py": "\n\nRECIPES = {}\n",
                   "web/app/views.py": RECIPES_VIEW}, select=("TF601",))
    [finding] = result.findings
    assert "(dict, two/app/data.py:3)" in finding.message


def test_output_piped_to_tee_is_a_log_file(lint):
    """Mutation: `| tee FILE` after a long-running server is not recognised as writing logs to a file."""
    result = lint({"Procfile": "web: gunicorn app:app 2>&1 | tee -a /var/log/app.log\n"}, select=("TF1103",))
    [finding] = result.findings
    assert "`/var/log/app.log` (`| tee`)" in finding.message
    quiet = lint({"Procfile": "web: gunicorn app:app 2>&1 | tee /dev/stdout\n"}, select=("TF1103",))
    assert quiet.findings == ()


def test_getenv_or_a_literal_is_an_environment_read_with_a_fallback(lint):
    """Mutation: `os.getenv("X") or "literal"` is no longer read as an env read with a fallback (values.py)."""
    result = lint({"app/settings.py": 'import os\nREDIS_URL = os.getenv("REDIS_URL") or "redis://cache.internal:6379/0"\n'},
                  select=("TF401",))
    [finding] = result.findings
    assert finding.message.startswith("`REDIS_URL` falls back to `cache.internal` when `REDIS_URL` is unset")
    assert (finding.line, finding.column) == (2, 13)
    secret = lint({"app/settings.py": 'import os\nSECRET_KEY = os.getenv("SECRET_KEY") or "k3y-4-r34l-s1t3"\n'},
                  select=("TF301", "TF302"))
    assert [(f.rule, f.line, f.column) for f in secret.findings] == [("TF302", 2, 41)]


def _finding(line: int, anchor: str) -> Finding:
    return Finding("TF601", "mutable-module-state", "VI", "error", "app.py", line, 1, line, 2, "m", fingerprint=anchor)


def test_equal_anchors_in_one_file_get_distinct_fingerprints_that_survive_moving_code():
    """Mutation: the occurrence counter is not advanced, so repeated anchors share one fingerprint."""
    first = [f.fingerprint for f in fingerprinted([_finding(3, "a"), _finding(9, "a"), _finding(12, "b")])]
    moved = [f.fingerprint for f in fingerprinted([_finding(30, "a"), _finding(90, "a"), _finding(120, "b")])]
    assert len(set(first)) == 3
    assert first == moved


def test_interpreter_flags_before_the_script_or_module_are_skipped(lint):
    """Mutation: `python -u main.py` / `python -u -m celery` are not seen through their interpreter flags."""
    result = lint({
        "Procfile": "web: python -u main.py\nworker: python -OO -m celery -A app worker\n",
        "main.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(port=5000)\n",
    })
    assert [(f.rule, f.path, f.line) for f in result.findings if f.rule == "TF701"] == [("TF701", "main.py", 4)]
    assert {p.name: p.kind for p in result.processes}["worker"] == "worker (queue consumer)"
