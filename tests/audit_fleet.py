"""Small fleets the audit tests share: git checkouts of the bundled fixtures, and generated audits."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

from conftest import GUNICORN_WORKERS, REPO, STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint.audit.schema import SCHEMA_FILE, repo_record, unaudited

FIXTURES = ("flask_shop", "fastapi_clean", "compose_stack")
GIT = ("git", "-c", "user.email=audit@example.com", "-c", "user.name=audit", "-c", "init.defaultBranch=main")


def commit_all(path: Path, message: str = "snapshot") -> str:
    if not (path / ".git").exists():
        subprocess.run([*GIT, "init", "-q", str(path)], check=True)
    subprocess.run([*GIT, "-C", str(path), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(path), "commit", "-q", "--allow-empty", "-m", message], check=True)
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def make_fleet(root: Path) -> Path:
    """A directory of checkouts: three fixtures and a tiny stateful app, each a git repository."""
    for name in FIXTURES:
        shutil.copytree(REPO / "fixtures" / name, root / name)
        commit_all(root / name)
    write_tree(root / "tiny", {"app.py": STATEFUL_FLASK_APP, "Procfile": GUNICORN_WORKERS})
    commit_all(root / "tiny")
    return root


def comparable(document: dict) -> dict:
    """The document without what varies between identical audits (`run`: times, durations, mode)."""
    return {key: value for key, value in document.items() if key != "run"}


def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(document: dict) -> None:
    import jsonschema

    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(document)


_RULES = (("TF601", "VI", "error"), ("TF609", "VI", "error"), ("TF301", "III", "error"), ("TF1101", "XI", "warning"),
          ("TF803", "VIII", "warning"), ("TF1201", "XII", "warning"), ("TF402", "IV", "info"), ("TF901", "IX", "warning"))


def generated_records(count: int, seed: int = 12) -> list[dict]:
    """`count` plausible repository records (a few failed or skipped), made from synthetic reports."""
    chance = random.Random(seed)
    records = []
    for number in range(count):
        name = f"service-{number:03d}-{'payments-gateway-with-a-long-name' if number % 17 == 0 else 'api'}"
        if number % 29 == 5:
            records.append(unaudited(name, f"/fleet/{name}", None, "failed", "linting took longer than 600 s (killed)"))
            continue
        if number % 31 == 7:
            records.append(unaudited(name, f"https://git.example.com/{name}.git", "main", "skipped",
                                     "git fetch failed: fatal: not found"))
            continue
        findings = []
        for line in range(1, chance.randint(0, 40) + 1):
            rule, factor, severity = chance.choice(_RULES)
            findings.append({"rule": rule, "name": rule.lower(), "factor": factor, "severity": severity,
                             "path": f"app/m{line % 7}.py",
                             "line": line, "column": 1, "end_line": line, "end_column": 2, "message": f"`x{line}` is wrong",
                             "fingerprint": f"{number}-{line}"})
        report = {"version": "0.1.0", "root": f"/fleet/{name}", "findings": findings,
                  "files": {"analyzed": chance.randint(1, 300), "skipped": []}, "summary": {"suppressed": 0},
                  "processes": [{"name": "web", "kind": "application server", "findings": []}],
                  "rules": [r for r, _, _ in _RULES]}
        records.append(repo_record(name, report["root"], None, f"{number:040x}", report))
    return records
