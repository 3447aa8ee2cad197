"""The parsed rule catalogue kept in the cache: a run not replayed takes its rules from there, the same
rules the YAML gives; an edited rule file is parsed again, and what cannot be kept exactly is not kept."""

from __future__ import annotations

import os
import time

from conftest import write_tree
from test_user_rules import ACME001

from twelvefactor_lint.infra.cache import open_cache
from twelvefactor_lint.judge import catalogue


def _team_rules(tmp_path, text: str = ACME001):
    rules = write_tree(tmp_path / "team-rules", {"ACME001-sqlite-in-handlers.yaml": text})
    past = time.time() - 60
    os.utime(rules / "ACME001-sqlite-in-handlers.yaml", (past, past))
    return rules


def _cache(tmp_path):
    directory = tmp_path / "cache"
    open_cache(directory, tmp_path)
    return directory


def test_kept_rules_are_the_rules_the_yaml_gives(tmp_path, parsed):
    rules, directory = _team_rules(tmp_path), _cache(tmp_path)
    from_yaml = catalogue.load((rules,))
    assert parsed and catalogue.load((rules,), False, cache=directory).rules == from_yaml.rules  # parsed, then kept
    parsed.clear()
    kept = catalogue.load((rules,), False, cache=directory)
    assert kept.rules == from_yaml.rules and kept.checked() == from_yaml and not parsed
    assert any(c.op == "regex" for r in kept.rules for m in r.matchers for c in m.where)  # every kind of value kept
    assert any(c.op == "not" for r in kept.rules for m in r.matchers for c in m.where)
    assert any(r.autofix for r in kept.rules) and any(e.lines for r in kept.rules for e in r.bad)


def test_an_edited_rule_file_is_parsed_again(tmp_path, parsed):
    rules, directory = _team_rules(tmp_path), _cache(tmp_path)
    catalogue.load((rules,), False, cache=directory)
    _team_rules(tmp_path, ACME001.replace("severity: warning", "severity: error"))
    parsed.clear()
    acme = catalogue.load((rules,), False, cache=directory).get("ACME001")
    assert acme is not None and acme.severity == "error" and parsed


def test_a_corrupt_kept_file_or_an_unkept_value_is_parsed_again(tmp_path, parsed):
    directory = _cache(tmp_path)
    dated = _team_rules(tmp_path, ACME001.replace("context: request_handler", "context: 2024-01-01"))
    catalogue.load((dated,), False, cache=directory)
    parsed.clear()
    acme = catalogue.load((dated,), False, cache=directory).get("ACME001")  # a date: JSON would give a string back
    assert acme is not None and acme.matchers[0].where[1].value.year == 2024 and parsed
    rules = _team_rules(tmp_path)
    catalogue.load((rules,), False, cache=directory)
    for kept in (directory / "projects").glob("*.rules"):
        kept.write_text('[["TF101"]]')
    parsed.clear()
    assert catalogue.load((rules,), False, cache=directory).rules == catalogue.load((rules,)).rules and parsed
