"""The base of every fact: where it was seen, how it is registered by kind, and its JSON form.

A fact kind is one frozen, slotted dataclass, registered with `@kind("python.call")`; its fields are
the vocabulary rules use in `where:` and `{placeholders}`, each documented with `doc(...)` (which is
what `docs/facts.md` and the catalogue's load-time checks read).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # only type checkers read it (typing has it from Python 3.11)
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorated: decorated

F = TypeVar("F", bound="Fact")

KINDS: dict[str, type[Fact]] = {}
"""Every fact kind, by name: filled by `@kind` as the vocabulary modules are imported."""


def doc(text: str, *, default: Any = dataclasses.MISSING, kw_only: Any = dataclasses.MISSING) -> Any:
    """A documented field: `name: str = doc("what it holds", default="")` (no default: the analyzer must give it)."""
    return dataclasses.field(default=default, kw_only=kw_only, metadata={"doc": text})


_SHARED = {"init": False, "slots": True, "eq": False, "repr": False}
"""Construction, immutability, equality, hash and repr are written once, on `Fact`: every run builds all the kinds'
classes, and each method a dataclass generates is code compiled at import (an `__init__` of some thirty fields, a
frozen class's `__setattr__` and `__delattr__`: most of what the vocabulary would add to start-up)."""


@dataclass_transform(frozen_default=True, field_specifiers=(doc,))
def _root(cls: type[F]) -> type[F]:
    return dataclass(**_SHARED)(cls)


@_root
class Fact:
    """What every fact has: a location in a file and a line-independent identity."""

    kind: ClassVar[str] = ""
    path: str = doc("The file, relative to the project root, with `/`.")
    line: int = doc("Where it starts, 1-based.")
    column: int = doc("Where it starts on its line, 1-based.", default=1)
    end_line: int | None = doc("Where it ends (None: on `line`).", default=None)
    end_column: int | None = doc("Where it ends on `end_line` (None: at `column`).", default=None)
    anchor: str = doc("A line-independent identity (`checkout:CARTS:item assignment`): findings' fingerprints hash it.",
                      default="", kw_only=True)
    dev_only: bool = doc("It matters only in development (a dev config class, a live-reload compose stack): "
                         "judged one severity lower.", default=False, kw_only=True)
    ci_only: bool = doc("It runs only in CI (a CI-only compose stack, an `if os.environ.get(\"CI\")` branch): judged as "
                        "test code.", default=False, kw_only=True)
    condition: str = doc("The opt-in condition it runs under (`when `DEBUG_TOOLBAR` is set`; `\"\"`: always): judged "
                         "one severity lower, with the condition in the message.", default="", kw_only=True)
    definition_path: str = doc("The file defining what the fact is about, when that is elsewhere (an imported "
                               "container's module; `\"\"`: `path`).", default="", kw_only=True)
    definition_line: int = doc("The line defining what the fact is about (a container's assignment, a compose "
                               "service's key; 0: none): a suppression directive there covers the fact's findings.",
                               default=0, kw_only=True)

    def __init__(self, *args: Any, **values: Any) -> None:
        """What a dataclass's `__init__` does: the fields before `anchor` by position or name, the rest by name, a
        field's default where it is not given; TypeError for a missing, repeated or unknown one."""
        cls = type(self)
        positional, fields = _INIT.get(cls) or _init_spec(cls)
        if args:
            if len(args) > len(positional):
                raise TypeError(f"{cls.__name__}() takes {len(positional)} positional arguments but {len(args)} were given")
            for name, value in zip(positional, args, strict=False):  # fewer than all of them
                if name in values:
                    raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
                values[name] = value
        assign, pop = object.__setattr__, values.pop
        for name, default in fields:
            value = pop(name, default)
            if value is _REQUIRED:
                raise TypeError(f"{cls.__name__}() missing required argument: {name!r}")
            assign(self, name, value)
        if values:
            raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {next(iter(values))!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (the facts cache, `12f-lint facts --format json`); `from_dict` gives back an equal fact."""
        data: dict[str, Any] = {"kind": self.kind}
        for name in _names(type(self)):
            data[name] = getattr(self, name)
        return data

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Fact:
        """Raises KeyError, TypeError or ValueError on data of another shape (a corrupt or older cache entry)."""
        cls = KINDS[data["kind"]]
        values = {name: data[name] for name in _names(cls)}
        for name in _tuples(cls):
            values[name] = _frozen(values[name])
        return cls(**values)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _names(type(self)))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(_names(type(self)), self._values(), strict=True))
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Callable[..., Fact], tuple[Any, ...]]:
        """Pickle by field values (worker processes send facts back), also where slotted frozen
        dataclasses do not pickle by themselves (Python 3.10)."""
        return _rebuild, (type(self), self._values())


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(doc,))
def kind(name: str) -> Callable[[type[F]], type[F]]:
    """Register a fact kind: `@kind("python.call") class Call(PythonSiteFact): ...`."""

    def register(cls: type[F]) -> type[F]:
        if any(parent in KINDS.values() for parent in cls.__mro__[1:]):
            raise TypeError(f"{cls.__name__} extends a fact kind: share a `@base` class instead, so that an "
                            "isinstance check never takes one kind for another")
        made = dataclass(kw_only=True, **_SHARED)(cls)
        made.kind = name
        if name in KINDS:
            raise ValueError(f"fact kind {name!r} registered twice")
        KINDS[name] = made
        return made

    return register


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(doc,))
def base(cls: type[F]) -> type[F]:
    """A shared base of several kinds (fields only; not a kind itself, never made)."""
    return dataclass(kw_only=True, **_SHARED)(cls)


@base
class RolledUp(Fact):
    """A fact that stands for the same problem in several places (made by link): the finding's `related`
    locations (JSON `related`, SARIF `relatedLocations`) are the other places."""

    places: tuple[tuple[str, int, int], ...] = doc("The other places, as (path, line, column).", default=())


def fields_of(cls: type[Fact]) -> dict[str, dataclasses.Field]:
    """A kind's fields by name, base fields first: its vocabulary."""
    return {f.name: f for f in dataclasses.fields(cls)}


def convert(fact: Fact, cls: type[F], **changes: Any) -> F:
    """`fact` as another kind: the fields both have, plus `changes` (link turns one kind into another)."""
    wanted = _names(cls)
    values = {name: getattr(fact, name) for name in _names(type(fact)) if name in wanted}
    return cls(**{**values, **changes})


_NAMES: dict[type, tuple[str, ...]] = {}
_TUPLES: dict[type, tuple[str, ...]] = {}
_INIT: dict[type, tuple[tuple[str, ...], tuple[tuple[str, Any], ...]]] = {}
_REQUIRED = dataclasses.MISSING


def _init_spec(cls: type) -> tuple[tuple[str, ...], tuple[tuple[str, Any], ...]]:
    """(the fields given by position or name, (every field, its default or `_REQUIRED`)) of a kind, for
    `Fact.__init__`."""
    fields = dataclasses.fields(cls)
    spec = _INIT[cls] = (tuple(f.name for f in fields if not f.kw_only), tuple((f.name, f.default) for f in fields))
    return spec


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _tuples(cls: type) -> tuple[str, ...]:
    """Fields declared as tuples: JSON gives them back as lists."""
    names = _TUPLES.get(cls)
    if names is None:
        names = _TUPLES[cls] = tuple(f.name for f in dataclasses.fields(cls) if str(f.type).startswith("tuple"))
    return names


def _frozen(value: Any) -> Any:
    return tuple(_frozen(item) for item in value) if isinstance(value, list) else value


def _rebuild(cls: type[Fact], values: tuple[Any, ...]) -> Fact:
    fact = object.__new__(cls)
    for name, value in zip(_names(cls), values, strict=True):
        object.__setattr__(fact, name, value)
    return fact
