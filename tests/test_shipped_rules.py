"""The built-in rules shipped parsed (`rules/parsed.jsonl`): a run with no kept catalogue takes each rule from there,
the same rule its YAML gives; a rule file that changed since, or entries made by other code, are parsed again."""

from __future__ import annotations

import shutil

import pytest

from twelvefactor_lint.judge import catalogue, shipped_rules


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    """A copy of the built-in rules with their entries written, taken as the built-in rules."""
    directory = shutil.copytree(catalogue.builtin_rules_dir(), tmp_path / "rules")
    (directory / shipped_rules.FILE).unlink(missing_ok=True)
    shipped_rules.write([catalogue.load_rule(path) for path in sorted(directory.glob("*.yaml"))], directory)
    monkeypatch.setattr(catalogue, "builtin_rules_dir", lambda: directory)
    return directory


def test_a_cold_run_takes_the_built_in_rules_as_shipped_the_same_rules_the_yaml_gives(rules_dir, parsed):
    shipped = catalogue.load()
    assert not parsed
    from_yaml = tuple(sorted((catalogue.load_rule(path) for path in rules_dir.glob("*.yaml")), key=catalogue._rule_order))
    assert shipped.rules == from_yaml and len(shipped.rules) == len(parsed) > 40
    assert [rule.source for rule in shipped.rules] == [rule.source for rule in from_yaml]  # its own file, not the writer's
    assert any(c.op == "regex" for r in shipped.rules for m in r.matchers for c in m.where)
    assert any(r.autofix for r in shipped.rules) and any(e.lines for r in shipped.rules for e in r.bad)


def test_the_shipped_entries_in_the_repository_give_the_rules_their_files_give():
    """Entries of files changed since are parsed again (a stale entry costs time, never a wrong rule)."""
    entries = shipped_rules.read(catalogue.builtin_rules_dir())
    for path in sorted(catalogue.builtin_rules_dir().glob("*.yaml")):
        found = shipped_rules.rule(path, entries, check_vocabulary=True)
        assert found is None or found == catalogue.load_rule(path)


def test_a_rule_file_changed_since_is_parsed_again(rules_dir, parsed):
    path = next(rules_dir.glob("TF601-*.yaml"))
    path.write_text(path.read_text().replace("severity: warning", "severity: error", 1))
    rule = catalogue.load().get("TF601")
    assert parsed == [path.name] and rule is not None and rule.severity == "error"


def test_entries_made_by_other_code_or_unreadable_are_not_taken(rules_dir, parsed):
    shipped = rules_dir / shipped_rules.FILE
    header, rest = shipped.read_text().split("\n", 1)
    shipped.write_text('{"readers": "another"}\n' + rest)
    assert shipped_rules.read(rules_dir) == {} and len(catalogue.load().rules) == len(parsed)
    parsed.clear()
    shipped.write_text(header + "\nnot json\n")
    assert len(catalogue.load().rules) == len(parsed) > 40


def test_a_rule_with_a_vocabulary_error_is_refused_when_taken_as_shipped(rules_dir, monkeypatch):
    def unknown(rule):
        raise catalogue.CatalogueError(f"{rule.source}: unknown fact kind")

    monkeypatch.setattr(shipped_rules, "check_rule_vocabulary", unknown)
    with pytest.raises(catalogue.CatalogueError):
        catalogue.load()


def test_the_shipped_entries_in_the_repository_are_fresh():
    """Every built-in rule is shipped as its file is now: a stale entry is parsed again (correct, only slower), so a
    rule change without `python -m twelvefactor_lint.judge.shipped_rules` would quietly slow every cold run."""
    entries = shipped_rules.read(catalogue.builtin_rules_dir())
    stale = [path.name for path in sorted(catalogue.builtin_rules_dir().glob("*.yaml"))
             if shipped_rules.rule(path, entries, check_vocabulary=False) is None]
    assert stale == [], "run `python -m twelvefactor_lint.judge.shipped_rules` and commit rules/parsed.jsonl"
