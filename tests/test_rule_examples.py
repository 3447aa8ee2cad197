"""Every rule's bad examples fire (at the stated lines) and its good examples stay silent."""

from __future__ import annotations

import re

import pytest

from twelvefactor_lint.judge import catalogue as catalogue_module

CATALOGUE = catalogue_module.load()


def _cases(side: str):
    for rule in CATALOGUE.rules:
        for number, example in enumerate(getattr(rule, side), start=1):
            yield pytest.param(rule, example, id=f"{rule.id}-{side}-{number}")


def _files(example) -> dict[str, str]:
    return {f.path: f.code for f in example.files}


@pytest.mark.parametrize("rule, example", list(_cases("bad")))
def test_bad_example_fires(rule, example, lint):
    result = lint(_files(example), select=(rule.id,))
    target = example.files[0].path
    mine = [f for f in result.findings if f.rule == rule.id and f.path == target]
    assert mine, f"{rule.id} did not fire on its bad example {target}"
    if example.lines:
        assert sorted({f.line for f in mine}) == sorted(example.lines), [f"{f.line}: {f.message}" for f in mine]
    for finding in mine:
        assert not re.search(r"\{\w+\}", finding.message), f"unfilled placeholder in {finding.message!r}"


@pytest.mark.parametrize("rule, example", list(_cases("good")))
def test_good_example_is_silent(rule, example, lint):
    result = lint(_files(example), select=(rule.id,))
    assert [f"{f.path}:{f.line} {f.message}" for f in result.findings if f.rule == rule.id] == []
    assert not [f for f in result.findings if f.rule == "TF001"], "a good example must parse"
