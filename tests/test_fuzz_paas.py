"""Fuzzing the PaaS analyzer: arbitrary bytes, and fly.toml/render.yaml/heroku.yml/app.json/app.yaml texts
built from generated commands and counts, then damaged and re-encoded."""

from __future__ import annotations

import json

from fuzzing import analyzer_tests, shell_lines
from hypothesis import strategies as st

from twelvefactor_lint.analyze.paas import analyze

COUNTS = st.sampled_from(["2", "0", "-1", "x", "1e9", "true", "[]"])


@st.composite
def paas_files(draw) -> str:
    command, count = json.dumps(draw(shell_lines)), draw(COUNTS)
    return draw(st.sampled_from([
        f"[processes]\n  web = {command}\n[[mounts]]\n  destination = '/data'\n  processes = {count}\n"
        f"[http_service]\n  min_machines_running = {count}\n  processes = ['web']\n[deploy]\n  release_command = {command}\n",
        f"services:\n  - type: web\n    name: api\n    numInstances: {count}\n    startCommand: {command}\n"
        f"    disk: {{mountPath: /data/uploads}}\n",
        f"release:\n  command: [{command}]\nrun:\n  web: {command}\n  worker: {{command: [{command}]}}\n",
        f'{{"formation": {{"web": {{"quantity": {count}}}}}, "scripts": {{"postdeploy": {command}}}}}',
        f"runtime: python312\nentrypoint: {command}\nmanual_scaling: {{instances: {count}}}\n",
    ]))


PATHS = st.sampled_from(["fly.toml", "render.yaml", "heroku.yml", "app.json", "app.yaml", "svc/app.yaml"])

test_arbitrary_bytes, test_generated_paas_files = analyzer_tests(analyze, PATHS, paas_files())
