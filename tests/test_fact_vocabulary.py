"""The fact vocabulary: one documented, frozen dataclass per kind, round-tripping through the cache's JSON."""

from __future__ import annotations

import dataclasses
import json
import pickle
import tempfile
from pathlib import Path

import pytest
from conftest import REPO, write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.walk import discover
from twelvefactor_lint.facts import KINDS, Fact, FileAnalysis, convert, fields_of
from twelvefactor_lint.facts.base import base, doc, kind
from twelvefactor_lint.facts.process import ProcessStart, StageStart
from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.runner import analyze_all, gather

PLATFORMS = {  # kinds no fixture or rule example makes: a kustomize overlay, a Heroku formation, a daemonizing uWSGI,
    # a Helm template's replicas from its chart's values
    "kustomization.yaml": "resources: [web.yaml]\nreplicas:\n  - name: web\n    count: 3\n",
    "chart/templates/worker.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
                                   "spec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n"
                                   "        - name: worker\n          image: app\n          command: [celery, worker]\n",
    "chart/values.yaml": "replicaCount: 2\n",
    "app.json": '{"formation": {"web": {"quantity": 2}}}\n',
    "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n',
    "uwsgi.ini": "[uwsgi]\nmodule = app:app\ndaemonize = /var/log/uwsgi.log\n",
}


def _facts(root: Path) -> list[Fact]:
    """The facts of the project at `root`: as its analyzers make them, and as linked (which adds the files start
    commands lead to, and kinds made from others)."""
    settings = Settings(root=root, cache=False)
    analyzed = [f for source in discover([root], root).files for f in analyze_all([source], settings)[0].facts]
    return analyzed + gather([root], settings)[1].facts


def _sample_facts() -> list[Fact]:
    """The facts of the fixtures, of every rule example's files, and of `PLATFORMS`."""
    facts = [f for fixture in sorted((REPO / "fixtures").iterdir()) if fixture.is_dir() for f in _facts(fixture)]
    projects = [{file.path: file.code for file in example.files}
                for rule in catalogue_module.load().rules for example in (*rule.bad, *rule.good)]
    for files in [*projects, PLATFORMS]:
        with tempfile.TemporaryDirectory() as directory:
            facts += _facts(write_tree(Path(directory), files))
    return facts


FACTS = _sample_facts()


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_and_field_is_documented(name):
    cls = KINDS[name]
    assert cls.kind == name
    assert (cls.__doc__ or "").strip() and not cls.__doc__.startswith(cls.__name__ + "("), f"{name} needs a docstring"
    undocumented = [f.name for f in dataclasses.fields(cls) if not f.metadata.get("doc")]
    assert undocumented == [], f"{name}: document these fields with doc(...)"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_kinds_are_frozen_and_slotted(name):
    cls = KINDS[name]
    assert "__slots__" in cls.__dict__
    fact = object.__new__(cls)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fact.path = "elsewhere.py"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del fact.line


def test_facts_round_trip_through_the_caches_json_and_pickle():
    made_elsewhere = {"internal_error",  # an analyzer's bug, caught by the runner
                      "suppression.unused", "suppression.unknown_rule"}  # by the suppress step, after judging
    assert set(KINDS) - {f.kind for f in FACTS} <= made_elsewhere
    analysis = FileAnalysis(tuple(FACTS))
    assert FileAnalysis.from_dict(json.loads(json.dumps(analysis.to_dict()))) == analysis
    assert pickle.loads(pickle.dumps(FACTS)) == FACTS


def test_tuple_fields_come_back_as_tuples():
    start = ProcessStart("Dockerfile", 3, source="Dockerfile CMD", process="Dockerfile", level="image",
                         command="gunicorn app", main_role="web_server", roles=("web_server",), main="gunicorn app")
    back = Fact.from_dict(json.loads(json.dumps(start.to_dict())))
    assert back == start and isinstance(back.roles, tuple)


@pytest.mark.parametrize("data", [
    {"kind": "python.no_such_kind", "path": "a.py", "line": 1},
    {"kind": "parse_error", "path": "a.py"},
])
def test_data_of_another_shape_raises_the_errors_the_cache_treats_as_a_miss(data):
    with pytest.raises((KeyError, TypeError, ValueError)):
        Fact.from_dict(data)


def test_a_missing_required_field_or_an_unknown_one_is_an_error():
    with pytest.raises(TypeError, match="missing required argument: 'reason'"):
        KINDS["parse_error"]("a.py", 1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'reasn'"):
        KINDS["parse_error"]("a.py", 1, reason="x", reasn="y")
    with pytest.raises(TypeError, match="multiple values for argument 'line'"):
        KINDS["parse_error"]("a.py", 1, line=2, reason="x")
    with pytest.raises(TypeError, match="takes 5 positional arguments but 6 were given"):
        KINDS["parse_error"]("a.py", 1, 1, None, None, "x")
    made = KINDS["parse_error"]("a.py", 1, 2, reason="x")  # the location by position, the rest by name, defaults kept
    assert (made.path, made.line, made.column, made.end_line, made.reason, made.anchor) == ("a.py", 1, 2, None, "x", "")


def test_convert_keeps_the_shared_fields_and_takes_the_changes():
    start = ProcessStart("Dockerfile", 3, source="Dockerfile CMD", process="web", level="image", command="c",
                         main_role="", roles=(), main="", anchor="web:start")
    stage = convert(start, StageStart, stage="build")
    assert (stage.kind, stage.stage, stage.anchor, stage.command) == ("dockerfile.stage_start", "build", "web:start", "c")


def test_a_kind_cannot_extend_another_kind():
    with pytest.raises(TypeError, match="extends a fact kind"):
        @kind("test.sub_start")
        class SubStart(ProcessStart):
            """Not allowed: an isinstance check for process.start would take it for one."""


def test_bases_are_fields_only():
    @base
    class Shared(Fact):
        extra: str = doc("x", default="")

    assert "extra" in fields_of(Shared) and Shared.kind == ""


def test_every_kind_a_rule_names_exists():
    """The catalogue checks this at load; here as a statement of the contract."""
    for rule in catalogue_module.load().rules:
        for matcher in rule.matchers:
            assert matcher.fact in KINDS


def test_equality_and_hash_are_by_kind_and_every_field():
    start = ProcessStart("Dockerfile", 3, source="s", process="web", level="image", command="c", main_role="",
                         roles=(), main="")
    same = ProcessStart("Dockerfile", 3, source="s", process="web", level="image", command="c", main_role="",
                        roles=(), main="")
    assert start == same and hash(start) == hash(same) and len({start, same}) == 1
    assert start != dataclasses.replace(start, started_by="x")
    assert start != convert(start, StageStart, stage="")  # the same fields, another kind
    assert repr(start).startswith("ProcessStart(path='Dockerfile', line=3, ")
