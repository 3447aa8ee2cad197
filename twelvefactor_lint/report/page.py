"""What every self-contained HTML page of 12f-lint shares (the report, the fleet dashboard): a Jinja
environment that escapes everything, the base stylesheet, and a Content-Security-Policy that allows
only the page's own inline style and script, by hash."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).with_name("templates")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> object:
    """Escape repository text, then show `backticked` parts as code (the only markup a message gets)."""
    from markupsafe import Markup, escape

    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


def environment(*template_dirs: Path) -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader([*template_dirs, TEMPLATES]), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["code_spans"] = code_spans
    return environment


def stylesheet(*files: Path) -> str:
    """The base stylesheet followed by the page's own."""
    return "".join(path.read_text(encoding="utf-8") for path in (TEMPLATES / "page.css", *files))


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, script: str) -> str:
    return f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; img-src data:"
