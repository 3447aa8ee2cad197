"""A Python file's dotted module name, from its path alone: analyzers name modules in facts with it,
and link matches imports to files by it (cheap enough to run on every file of a large project)."""

from __future__ import annotations


def dotted_module(path: str) -> str:
    """`app/recipe_data.py` -> `app.recipe_data`; `pkg/__init__.py` -> `pkg` (as `PurePosixPath` parts are joined)."""
    parts = [part for part in path.split("/") if part and part != "."]
    if path.startswith("/"):
        parts.insert(0, "/")
    if parts:
        name = parts[-1]
        dot = name.rfind(".")
        if 0 < dot < len(name) - 1:
            parts[-1] = name[:dot]
        if parts[-1] == "__init__":
            parts.pop()
    return ".".join(parts)
