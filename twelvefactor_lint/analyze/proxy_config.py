"""nginx and HAProxy configuration files: load-balancing directives that pin clients to one process.

A line scan, not a full grammar: the directives that make sessions sticky are single statements
(`ip_hash;`, `sticky cookie ...;`, `hash $cookie_x;`, `cookie SRV insert`, `balance source`,
`stick on src`), and comments are stripped first.
"""

from __future__ import annotations

import re

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.facts.proxy import ProxySticky

_NGINX = (
    (re.compile(r"^ip_hash\s*;"), "nginx `ip_hash`"),
    (re.compile(r"^sticky\s+(cookie|route|learn)\b"), "nginx `sticky`"),
    (re.compile(r"^hash\s+\$(cookie_\w+|remote_addr|binary_remote_addr)\b"), "nginx `hash` on a client key"),
)
_HAPROXY = (
    (re.compile(r"^cookie\s+\S+\s+.*\b(insert|prefix|rewrite)\b"), "HAProxy `cookie ... insert`"),
    (re.compile(r"^balance\s+source\b"), "HAProxy `balance source`"),
    (re.compile(r"^stick\s+(on|match|store-request)\b"), "HAProxy `stick` table"),
)


def analyze(path: str, data: bytes) -> FileAnalysis:
    lines = split_lines(decode_text(data))
    patterns = _HAPROXY if "haproxy" in path.lower() or path.endswith(".cfg") else _NGINX
    facts = []
    for number, raw in enumerate(lines, start=1):
        statement = raw.split("#", 1)[0].strip()
        for pattern, how in patterns:
            if pattern.match(statement):
                facts.append(ProxySticky(path, number, len(raw) - len(raw.lstrip()) + 1, how=how, where=statement,
                                         anchor=f"{how}:{statement}"))
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(lines))
