"""Severity levels, lowest first."""

from __future__ import annotations

SEVERITIES = ("info", "warning", "error")


def rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def lowered(severity: str) -> str:
    """One step down, never below info."""
    return SEVERITIES[max(rank(severity) - 1, 0)]
