"""Fuzzing the Dockerfile analyzer: arbitrary bytes, and Dockerfiles built from instruction fragments
with shell and exec forms, continuations broken by comments and blank lines, heredocs, parser
directives and several stages, then damaged and re-encoded."""

from __future__ import annotations

import json

from fuzzing import analyzer_tests, fill, shell_lines
from hypothesis import strategies as st

from twelvefactor_lint.analyze.dockerfile import analyze

IMAGE = st.sampled_from(["python:3.12-slim", "nginx", "redis:7", "scratch", "base", "builder", "$BASE",
                         "ghcr.io/acme/app@sha256:00", "", "tiangolo/uvicorn-gunicorn", "supervisor"])
STAGE = st.sampled_from(["base", "builder", "final", "dev", "Base", "1"])
WORD = st.sampled_from(["gunicorn", "app:app", "nginx", "-g", "daemon off;", "sh", "-c", "supervisord", "$PORT", ""])

INSTRUCTIONS = [
    "FROM $IMAGE", "FROM $IMAGE AS $STAGE", "FROM --platform=$BUILDPLATFORM $IMAGE AS $STAGE", "from $IMAGE as $STAGE",
    "RUN $SH", "CMD $SH", "ENTRYPOINT $SH", "CMD $EXEC", "ENTRYPOINT $EXEC", "RUN $EXEC", "cmd $SH",
    'CMD ["broken', "CMD []", 'CMD ["a", 1]', "CMD {}", "SHELL [\"/bin/bash\", \"-c\"]", "ENV A=b C=\"d e\"", "ARG BASE=python",
    "COPY --from=$STAGE /app /app", "WORKDIR /app", "EXPOSE 80 443/udp", "HEALTHCHECK CMD $SH", "HEALTHCHECK NONE",
    "ONBUILD RUN $SH", "ONBUILD CMD $SH", "USER app", "LABEL a=b", "VOLUME /data", "STOPSIGNAL SIGTERM", "MAINTAINER x",
    "ADD https://example.invalid/x.tgz /", "# a comment", "", "   ", "# escape=`", "# syntax=docker/dockerfile:1",
    "# 12f: ignore[TF609] -- reason", "# 12f: ignore", "RUN <<EOF\n$SH\nEOF", "RUN <<-\"EOT\" bash\n\t$SH\n\tEOT",
    "COPY <<EOF /start.sh\n#!/bin/sh\n$SH\nEOF", "RUN <<A <<B\na\nA\nb\nB", "CMD <<EOF\n$SH\nEOF", "UNKNOWN thing",
]


@st.composite
def _continued(draw, line: str) -> str:
    """Split an instruction over lines with `\\`, sometimes with comments and blank lines between."""
    words = line.split(" ")
    out = words[0]
    for word in words[1:]:
        if draw(st.integers(0, 3)) == 0:
            out += " \\\n" + draw(st.sampled_from(["", "# inside\n", "\n", "  # c\n\n"])) + "    "
        else:
            out += " "
        out += word
    return out


@st.composite
def dockerfiles(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        template = draw(st.sampled_from(INSTRUCTIONS))
        exec_form = json.dumps(draw(st.lists(WORD, max_size=4)))
        shell = shell_lines if "<<" in template else shell_lines.map(lambda text: text.replace("\n", " \\\n"))
        line = fill(template, draw, IMAGE=IMAGE, STAGE=STAGE, SH=shell, EXEC=st.just(exec_form),
                    BUILDPLATFORM=st.just("$BUILDPLATFORM"))
        lines.append(draw(_continued(line)) if draw(st.booleans()) else line)
    if draw(st.integers(0, 4)) == 0:
        lines.append(draw(st.sampled_from(["CMD a \\", "RUN <<EOF", "ENTRYPOINT [", "\\"])))  # cut off at the end
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


PATHS = st.sampled_from(["Dockerfile", "docker/Dockerfile.dev", "api.Dockerfile", "Containerfile"])


test_arbitrary_bytes, test_generated_dockerfiles = analyzer_tests(analyze, PATHS, dockerfiles())
