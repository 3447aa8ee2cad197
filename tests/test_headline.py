"""A message's headline: the first clause of its template, what and where, for the terminal."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.judge import template
from twelvefactor_lint.judge.headline import headline

MATCHERS = [(rule.id, matcher.message) for rule in catalogue_module.load().rules for matcher in rule.matchers]


def test_the_headline_stops_before_the_consequence_and_the_advice():
    message = "`{key}` is set in code ({site}); every deploy runs in debug mode — read it from the environment"
    assert headline(message) == "`{key}` is set in code ({site})"


def test_separators_inside_code_parentheses_and_optional_parts_do_not_cut():
    message = ("{source} runs `a; b` (first: a){started_by? (started by {started_by}; a hop)} at start: "
               "the release depends on the network")
    assert headline(message) == "{source} runs `a; b` (first: a){started_by? (started by {started_by}; a hop)} at start"


def test_a_headline_says_something_about_its_subject():
    message = "`{key}` is `{value}`: each worker keeps its own cache, so entries go missing — use Redis"
    assert headline(message) == "`{key}` is `{value}`: each worker keeps its own cache"


def test_a_headline_keeps_where_the_problem_is():
    message = "`{name}` is a session store: {site} writes it keyed by `{key}`; each worker keeps a copy"
    assert headline(message) == "`{name}` is a session store: {site} writes it keyed by `{key}`"


def test_a_parse_error_keeps_its_reason():
    message = "could not be parsed, so no rule checked it: {reason}"
    assert headline(message) == message


def test_a_message_of_one_clause_is_its_own_headline():
    assert headline("`{name}` is started in {site}") == "`{name}` is started in {site}"


def test_values_are_inserted_after_the_cut():
    fact = SimpleNamespace(key="DEBUG", site="settings.py: the module body; line 3")
    short = template.render(headline("`{key}` is set in code ({site}); every deploy runs in debug mode"), fact)
    assert short == "`DEBUG` is set in code (settings.py: the module body; line 3)"


@pytest.mark.parametrize(("rule", "message"), MATCHERS, ids=[rule for rule, _ in MATCHERS])
def test_every_rule_message_has_a_well_formed_shorter_or_equal_headline(rule, message):
    short = headline(message)
    template.check(short)
    assert message.startswith(short) and short.strip()
