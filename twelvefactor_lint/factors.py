"""The twelve factors' names, mottos and pages: shared by the rule docs and every report that groups by factor."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Factor:
    key: str
    name: str
    motto: str
    url: str


_BASE = "https://12factor.net/"

FACTORS: dict[str, Factor] = {f.key: f for f in (
    Factor("I", "Codebase", "One codebase tracked in revision control, many deploys.", _BASE + "codebase"),
    Factor("II", "Dependencies", "Explicitly declare and isolate dependencies.", _BASE + "dependencies"),
    Factor("III", "Config", "Store config in the environment.", _BASE + "config"),
    Factor("IV", "Backing services", "Treat backing services as attached resources.", _BASE + "backing-services"),
    Factor("V", "Build, release, run", "Strictly separate build and run stages.", _BASE + "build-release-run"),
    Factor("VI", "Processes", "Execute the app as one or more stateless processes.", _BASE + "processes"),
    Factor("VII", "Port binding", "Export services via port binding.", _BASE + "port-binding"),
    Factor("VIII", "Concurrency", "Scale out via the process model.", _BASE + "concurrency"),
    Factor("IX", "Disposability", "Maximize robustness with fast startup and graceful shutdown.", _BASE + "disposability"),
    Factor("X", "Dev/prod parity", "Keep development, staging, and production as similar as possible.",
           _BASE + "dev-prod-parity"),
    Factor("XI", "Logs", "Treat logs as event streams.", _BASE + "logs"),
    Factor("XII", "Admin processes", "Run admin/management tasks as one-off processes.", _BASE + "admin-processes"),
    Factor("tool", "12f-lint itself", "Findings about the run, not about the app.", ""),
)}

TWELVE = tuple(key for key in FACTORS if key != "tool")
"""I to XII, in order; `tool` (TF0xx) is not one of them."""


def label(key: str) -> str:
    """`VI Processes`, or `12f-lint itself` for the tool's own findings."""
    factor = FACTORS[key]
    return factor.name if key == "tool" else f"{key} {factor.name}"
