"""The process inventory as text (a table) or JSON (`12f-lint processes`)."""

from __future__ import annotations

import json
from dataclasses import asdict

from twelvefactor_lint.model import Process


def process_dict(process: Process) -> dict:
    """One process as JSON: the same shape in `12f-lint processes --format json` and the JSON report."""
    return asdict(process) | {"findings": list(process.findings)}


def render_processes(processes: tuple[Process, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([process_dict(p) for p in processes], indent=2) + "\n"
    if not processes:
        return "No process declarations found (Dockerfile, compose, Procfile, supervisord).\n"
    rows = [("PROCESS", "KIND", "REPLICAS", "DECLARED AT", "COMMAND")]
    for process in processes:
        command = process.command if len(process.command) <= 60 else process.command[:57] + "..."
        rows.append((process.name, process.kind, str(process.replicas), process.declared_at, command))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
        if number and processes[number - 1].findings:
            lines.append("    findings: " + ", ".join(processes[number - 1].findings))
    return "\n".join(lines) + "\n"
