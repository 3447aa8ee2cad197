"""Environment variable names for values a fix moves out of the code."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_OTHER = re.compile(r"[^A-Za-z0-9]+")
_LOCATOR_ENDINGS = ("_URL", "_URI", "_DSN", "_HOST", "_SERVER", "_ADDR", "_ADDRESS")


def env_name(parts: Iterable[str]) -> str:
    """`("DATABASES", "default", "PASSWORD")` -> `DATABASES_DEFAULT_PASSWORD`; `apiKey` -> `API_KEY`."""
    words = (_OTHER.sub("_", _CAMEL.sub("_", part)) for part in parts)
    name = "_".join(w.strip("_") for w in words if w.strip("_")).upper()
    return f"_{name}" if name[:1].isdigit() else name


def locator_name(parts: Iterable[str], literal: str) -> str:
    """A locator's variable: its own name when it says what it holds (`BROKER_URL`, `EMAIL_HOST`), else
    the name with `_URL` for a URL or `_HOST` for a host (`CACHES.default.LOCATION` -> `CACHES_DEFAULT_URL`)."""
    name = env_name(parts).removesuffix("_LOCATION")
    if name.endswith(_LOCATOR_ENDINGS):
        return name
    return f"{name}_URL" if "://" in literal else f"{name}_HOST"
