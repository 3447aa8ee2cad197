"""Log files a shipper of the repository collects.

A process whose output goes to a file (`process.log_file`) strands its logs on one disk only if nothing reads the
file. A log shipper configured in the same repository (`process.log_collected`: a CloudWatch agent's `file_path`,
a fluentd or fluent-bit `tail` input, a vector `file` source, filebeat or promtail paths, a supervisord program that
`tail -F`s the files to its stdout) that names the file, or a glob matching it, forwards those logs to a stream or
a log service: the file is collected, and the fact says by what (`collected_by`).
"""

from __future__ import annotations

import fnmatch
from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.process import LogCollected, ProcessLogFile


def link(facts: list[Fact]) -> list[Fact]:
    shippers = [f for f in facts if isinstance(f, LogCollected)]
    if not shippers:
        return facts
    return [_collected(f, shippers) if isinstance(f, ProcessLogFile) and not f.collected_by else f for f in facts]


def _collected(fact: ProcessLogFile, shippers: list[LogCollected]) -> ProcessLogFile:
    shipper = next((s for s in shippers if any(_names(pattern, fact.target) for pattern in s.files)), None)
    if shipper is None:
        return fact
    return replace(fact, collected_by=f"{shipper.shipper} (`{shipper.path}:{shipper.line}`)")


def _names(pattern: str, target: str) -> bool:
    """Whether a shipper's path (a file or a glob: `/var/log/app/*.log`, `/var/log/**/*.log`) names the file."""
    if pattern == target:
        return True
    if not any(c in pattern for c in "*?["):
        return False
    return fnmatch.fnmatchcase(target, pattern.replace("**/", "*"))
