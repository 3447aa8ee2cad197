"""Every rule's bad examples fire (at the stated lines) and its good examples stay silent."""

from __future__ import annotations

import pytest

from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.judge.examples import problem

CATALOGUE = catalogue_module.load()


def _cases(side: str):
    for rule in CATALOGUE.rules:
        for number, example in enumerate(getattr(rule, side), start=1):
            yield pytest.param(rule, example, id=f"{rule.id}-{side}-{number}")


@pytest.mark.parametrize("rule, example", list(_cases("bad")))
def test_bad_example_fires(rule, example):
    assert problem(rule, example, "bad", CATALOGUE) == ""


@pytest.mark.parametrize("rule, example", list(_cases("good")))
def test_good_example_is_silent_and_parses(rule, example):
    assert problem(rule, example, "good", CATALOGUE) == ""
