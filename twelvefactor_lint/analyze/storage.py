"""Which container paths hold data that outlives a request (uploads, media, databases), by name."""

from __future__ import annotations

import re

_DATA_PATH = re.compile(
    r"(?i)(^|/)(media|mediafiles|uploads?|data|sessions?|storage|files|attachments|userfiles)(/|$)|\.(db|sqlite3?)$")
_NOT_DATA = re.compile(r"(?i)(^/var/lib/|static|node_modules|^/tmp|cache|\.sock$|^/run/|^/var/run/|^/etc/|^/var/log)")


def is_data_path(path: str) -> bool:
    """`/app/media`, `/srv/uploads`, `/data`, `db.sqlite3` are data; static files, caches, sockets, config,
    logs and daemons' own state under `/var/lib/` (a database image's volume) are not."""
    return bool(_DATA_PATH.search(path)) and not _NOT_DATA.search(path)
