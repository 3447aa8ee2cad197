"""Link phase 2d, config layers: the locators of a defaults file that a deploy's own layer is loaded over
(python.config_defaults) get `layered_by`, so TF401/TF402 say the deploy can replace them without a code change.

A defaults file is found by its name among the project's files (`default_config.py`, or the module
`config.defaults` as `config/defaults.py`); a name that several files share matches none of them.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.python import ConfigDefaults, ServiceLocator


def link(facts: list[Fact]) -> list[Fact]:
    layers = [f for f in facts if isinstance(f, ConfigDefaults)]
    if not layers:
        return facts
    paths = {f.path for f in facts if f.path.endswith(".py")}
    layered: dict[str, str] = {}
    for layer in layers:
        if layer.loaded.endswith(".py"):
            matches = [p for p in paths if posixpath.basename(p) == layer.loaded]
        else:
            matches = [p for p in paths if dotted_module(p) == layer.loaded or dotted_module(p).endswith("." + layer.loaded)]
        if len(matches) == 1:
            layered.setdefault(matches[0], f"{layer.layered_by} in `{layer.path}`")
    return [replace(f, layered_by=layered[f.path]) if isinstance(f, ServiceLocator) and f.path in layered else f
            for f in facts]
