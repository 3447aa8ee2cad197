"""Fuzzing the Procfile analyzer: arbitrary bytes, and Procfiles of `type: command` lines (generated
command lines), comments, directives and broken lines, then damaged and re-encoded."""

from __future__ import annotations

from fuzzing import analyzer_tests, shell_lines
from hypothesis import strategies as st

from twelvefactor_lint.analyze.procfile import analyze

TYPE = st.sampled_from(["web", "worker", "release", "clock", "beat", "w-1", "WEB_2", "", "web web"])
SEPARATOR = st.sampled_from([": ", ":", " : ", ":\t", " "])
OTHER = st.sampled_from(["", "# comment", "# 12f: ignore[TF609] -- why", "   ", "not a process line", ":", "web:"])


@st.composite
def procfiles(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 3)) == 0:
            lines.append(draw(OTHER))
            continue
        command = draw(shell_lines).replace("\n", " ; ")
        suffix = draw(st.sampled_from(["", "", "  # 12f: ignore", " # trailing"]))
        lines.append(draw(TYPE) + draw(SEPARATOR) + command + suffix)
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


PATHS = st.sampled_from(["Procfile", "Procfile.dev", "deploy/Procfile"])


test_arbitrary_bytes, test_generated_procfiles = analyzer_tests(analyze, PATHS, procfiles())
