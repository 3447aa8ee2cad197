"""Which container paths hold data that outlives a request (uploads, media, databases), by name."""

from __future__ import annotations

import re

_DATA_PATH = re.compile(r"(?i)(media|upload|data|session|storage|files|attachments|/var/lib/|\.db$|\.sqlite3?$)")
_NOT_DATA = re.compile(r"(?i)(static|node_modules|/tmp|cache|\.sock$|/run/|/var/run/|config|certs?|/etc/|/var/log|logs?$)")


def is_data_path(path: str) -> bool:
    return bool(_DATA_PATH.search(path)) and not _NOT_DATA.search(path)
