"""Link phase 2d, config layers: the locators of a defaults file that a deploy's own layer is loaded over
(python.config_defaults) get `layered_by`, so TF401/TF402 say the deploy can replace them without a code change.

A defaults file is found by its name among the project's files (`default_config.py`, or the module
`config.defaults` as `config/defaults.py`); a name that several files share matches none of them.

An Invenio project (one declaring `invenio-app`) builds its app with invenio-app's factory, whose config loader takes
the `config.py` modules the packages register, then an instance file, then every `INVENIO_<KEY>` environment variable
over them (invenio-config's env loader; an extension's own `config.py` fills only what is still unset): the
module-level locators of a production `config.py` get `env_layer` (`INVENIO_CELERY_BROKER_URL`), so TF402 says the
literal is the default a deploy's variable replaces. Not one that other module-level settings are computed from at
import (`derived_into`): those keep the literal whatever the variable says.

A settings module that sets its globals from the environment (`globals().update(os.environ)`, python.env_globals)
does the same for its own module-level locators bound before it and for every one of the modules it star-imports:
`env_layer` is the setting's own name.

A Python file a compose file bind-mounts into a service's container (`./contrib/compose/web_custom_conf.py:
/nitrate-config/nitrate_custom_conf.py`) is that compose deploy's own config: its locators that name a service of the
same compose file (`amqp://messagebus:5672/myvhost` beside a `messagebus` service) get `mounted_by`, so TF401 says
the deploy's file, not the app's code, chooses the service.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.discover import scope
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService, ComposeVolume
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.python import ConfigDefaults, EnvGlobals, ServiceLocator, StarImport

_ENV_LOADERS = {"invenio-app": ("INVENIO_", "invenio-app's config loader")}
"""Distributions whose app factory sets every config key from the environment variable of its name after a prefix,
over the project's `config.py` modules: the prefix, and the loader in words."""


def link(facts: list[Fact]) -> list[Fact]:
    return _compose_mounted(_env_globals(_env_layers(_defaults_files(facts))))


def _compose_mounted(facts: list[Fact]) -> list[Fact]:
    """Locators of a Python file a compose file bind-mounts as a file (not a directory: `.:/code` mounts the app's
    own code) whose host is a service of that compose file (`messagebus`, or `messagebus.internal`'s first label):
    `mounted_by` names the mount."""
    mounts: dict[str, list[ComposeVolume]] = {}
    for volume in facts:
        if isinstance(volume, ComposeVolume) and volume.mount_type == "bind" and volume.host_path.endswith(".py"):
            mounts.setdefault(volume.host_path, []).append(volume)
    if not mounts:
        return facts
    services: dict[str, set[str]] = {}
    for service in facts:
        if isinstance(service, ComposeService) and service.service:
            services.setdefault(service.path, set()).add(service.service.lower())

    def mounted_by(fact: ServiceLocator) -> str:
        if fact.origin != "literal" or fact.loopback:
            return ""
        host = fact.host.lower()
        return next((f"`{m.path}:{m.line}` mounts it into service `{m.service}`"
                     for m in sorted(mounts.get(fact.path, ()), key=lambda m: (m.path, m.line))
                     if {host, host.split(".")[0]} & services.get(m.path, set())), "")
    return [replace(f, mounted_by=mounted_by(f)) if isinstance(f, ServiceLocator) and f.path in mounts else f
            for f in facts]


def _env_globals(facts: list[Fact]) -> list[Fact]:
    """Module-level locators (of a plain name: `MAIL_SERVER`, not a dict's entry) of a settings module that sets its
    globals from the environment (python.env_globals), bound before that statement, or of a module it star-imports
    (`from .defaults import *` then `globals().update(os.environ)` in `settings/__init__.py`): `env_layer` names the
    variable of the same name that replaces them."""
    overlays = [f for f in facts if isinstance(f, EnvGlobals)]
    if not overlays:
        return facts
    stars: dict[str, list[StarImport]] = {}
    for star in (f for f in facts if isinstance(f, StarImport)):
        stars.setdefault(star.module, []).append(star)
    covered: dict[str, tuple[int, str]] = {}  # module -> (bound before this line; 0: all of it), the overlay in words
    for overlay in sorted(overlays, key=lambda f: f.path):
        words = f"`globals()` set from `os.environ` ({overlay.path}:{overlay.line})"
        covered.setdefault(overlay.module, (overlay.line, words))
        pending = [s.imports for s in stars.get(overlay.module, ()) if s.line < overlay.line]
        while pending:
            module = pending.pop()
            if module not in covered:
                covered[module] = (0, words)
                pending += [s.imports for s in stars.get(module, ())]

    def layered(fact: Fact) -> bool:
        if not isinstance(fact, ServiceLocator) or fact.origin != "literal" or not fact.key or "." in fact.key \
                or fact.context != "module" or fact.function or fact.module not in covered:
            return False
        before = covered[fact.module][0]
        return not before or fact.line < before
    return [replace(f, env_layer=f.key, env_layer_by=covered[f.module][1])
            if isinstance(f, ServiceLocator) and layered(f) else f for f in facts]


def _env_layers(facts: list[Fact]) -> list[Fact]:
    """Module-level locators of a production `config.py` in a project whose declared app framework loads every key
    from a prefixed variable over it: `env_layer` names that variable."""
    loader = next(((distribution, declared.path) for declared in facts if isinstance(declared, Declared)
                   for distribution in _ENV_LOADERS if distribution in declared.names), None)
    if loader is None:
        return facts
    prefix, words = _ENV_LOADERS[loader[0]]

    def layered(fact: Fact) -> bool:
        return isinstance(fact, ServiceLocator) and fact.origin == "literal" and bool(fact.key) \
            and fact.context == "module" and not fact.function and posixpath.basename(fact.path) == "config.py" \
            and scope.classify(fact.path) == scope.PROD
    return [replace(f, env_layer=prefix + f.key.split(".")[0], env_layer_by=f"{words} (`{loader[0]}` in {loader[1]})")
            if isinstance(f, ServiceLocator) and layered(f) else f for f in facts]


def _defaults_files(facts: list[Fact]) -> list[Fact]:
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
