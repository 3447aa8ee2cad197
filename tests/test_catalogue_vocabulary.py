"""A rule may only name fact kinds and fields the vocabulary has: a typo is refused at load, naming the
rule file, the key and the nearest valid name."""

from __future__ import annotations

import pytest
from conftest import REPO

from twelvefactor_lint.judge.catalogue import CatalogueError, load_rule

TF901 = (REPO / "rules" / "TF901-shell-as-pid1.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, message", [
    ("fact: process.pid1_shell", "fact: process.pid1_shel",
     "unknown fact kind `process.pid1_shel` in `match` (nearest: `process.pid1_shell`"),
    ("commands: 1,", "comands: 1,",
     "`process.pid1_shell` has no field `comands` (in `where`; nearest: `commands`)"),
    ("{source}", "{sourse}", "`process.pid1_shell` has no field `sourse` (in the message's `{sourse}`; nearest: `source`)"),
])
def test_a_typo_in_a_rule_is_refused_at_load(tmp_path, old, new, message):
    assert old in TF901
    source = tmp_path / "TF901-shell-as-pid1.yaml"
    source.write_text(TF901.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_rule(source)
    text = str(raised.value)
    assert text.startswith(f"{source}: ") and message in text and "\n" not in text


def test_the_shipped_rule_loads(tmp_path):
    source = tmp_path / "TF901-shell-as-pid1.yaml"
    source.write_text(TF901, encoding="utf-8")
    assert load_rule(source).id == "TF901"
