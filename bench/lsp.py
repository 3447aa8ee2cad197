"""Benchmark `12f-lint server`: how soon an edit's diagnostics arrive in a 1,000-file project, and
whether the server's memory stays flat over many edits.

    pip install -e '.[lsp]'
    python bench/lsp.py                 # about 5 minutes on 2 cores; --edits 200 for a quicker run

It generates the project (100 services: a Flask app of 8 modules, a Dockerfile, a compose file),
warms the facts cache with one CLI run, starts the server as an editor would (a subprocess,
JSON-RPC over stdio) and opens one view. Then, alternating between a buffer with a TF601 finding
and one without (so every edit changes what is published), each edit new content (so none is a
facts-cache hit):

- save: the file is written, `didChange` + `didSave` sent; timed from `didSave` to `publishDiagnostics`;
- change: `didChange` of the unsaved buffer; timed to `publishDiagnostics`, which includes the
  300 ms debounce (the figure without it is shown too);
- memory: the server's RSS (VmRSS, Linux) after opening and after `--edits` saved edits.

Medians of --runs timings. The target (300 ms from save to diagnostics, flat memory) is checked
here, never in the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from lsp_client import LspClient  # noqa: E402 - the tests' client, from this checkout

SERVICES = 100
DEBOUNCE = 0.3
VIEW = '''from flask import Flask, request

from app.state import SEEN
from app.helpers_0 import clean

app = Flask(__name__)


@app.post("/items")
def add_item():
    item = clean(request.json)
{mutation}    return {{"ok": True, "item": item}}
'''
MUTATION = "    SEEN.append(item)\n"


def generate(root: Path, services: int = SERVICES) -> int:
    """`services` services of 10 files each; returns the number of files."""
    count = 0
    for number in range(services):
        service = root / f"svc{number:03d}"
        files = {
            "app/__init__.py": "",
            "app/state.py": "SEEN = []\n",
            "app/views.py": VIEW.format(mutation=""),
            "Dockerfile": 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install flask gunicorn\n'
                          'CMD ["gunicorn", "app.views:app"]\n',
            "compose.yaml": f"services:\n  web{number}:\n    build: .\n    environment:\n      PORT: \"8000\"\n",
        }
        for k in range(5):
            files[f"app/helpers_{k}.py"] = (f"import os\n\nLIMIT = int(os.environ.get('LIMIT_{k}', '10'))\n\n\n"
                                            f"def clean(value):\n    return dict(value)[:LIMIT] if value else {{}}\n")
        for rel, text in files.items():
            (service / rel).parent.mkdir(parents=True, exist_ok=True)
            (service / rel).write_text(text, encoding="utf-8")
            count += 1
    (root / "pyproject.toml").write_text("[tool.12f-lint]\n", encoding="utf-8")
    return count


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def has_tf601(diagnostics: list[dict]) -> bool:
    return any(d["code"] == "TF601" for d in diagnostics)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="timed edits of each kind")
    parser.add_argument("--edits", type=int, default=1000, help="saved edits for the memory check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="12f-lint-lsp-bench-") as scratch:
        root, cache = Path(scratch) / "project", Path(scratch) / "cache"
        files = generate(root)
        env = {"XDG_CACHE_HOME": str(cache)}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "twelvefactor_lint", "--exit-zero", str(root)], env={**os.environ, **env},
                       stdout=subprocess.DEVNULL, check=True)
        warm_cli = time.perf_counter() - started
        client = LspClient(root, env=env)
        try:
            figures = measure(client, root, args.runs, args.edits)
        finally:
            client.close()
    figures.update(files=files, cache_fill_s=round(warm_cli, 2))
    print(json.dumps(figures, indent=2))
    met = figures["save_median_ms"] <= 300 and figures["rss_end_mb"] - figures["rss_start_mb"] <= 10
    print(f"target: diagnostics within 300 ms of save, memory flat: {'met' if met else 'NOT met'}")
    return 0


def measure(client: LspClient, root: Path, runs: int, edits: int) -> dict:
    view = root / "svc000" / "app" / "views.py"
    texts = [VIEW.format(mutation=MUTATION), VIEW.format(mutation="")]
    client.initialize(root)
    started = time.perf_counter()
    client.open(view)
    client.diagnostics(view, timeout=300)
    first_open = time.perf_counter() - started
    version = 1

    # Every edit flips between a finding and none, so every edit changes what is published, and is new
    # content (a numbered comment), so no edit is a facts-cache hit.
    def edited() -> tuple[str, bool]:
        nonlocal version
        version += 1
        return texts[version % 2] + f"# edit {version}\n", version % 2 == 0

    def save() -> float:
        text, finding = edited()
        view.write_text(text, encoding="utf-8")
        client.change(view, text, version)
        sent = time.perf_counter()
        client.save(view)
        client.diagnostics(view, lambda d: has_tf601(d) == finding)
        return time.perf_counter() - sent

    def change() -> float:
        text, finding = edited()
        sent = time.perf_counter()
        client.change(view, text, version)
        client.diagnostics(view, lambda d: has_tf601(d) == finding)
        return time.perf_counter() - sent

    saves = [save() for _ in range(runs)]
    changes = [change() for _ in range(runs)]
    rss_start = rss_mb(client.process.pid)
    samples = []
    for i in range(edits):
        save()
        if (i + 1) % max(edits // 10, 1) == 0:
            samples.append(round(rss_mb(client.process.pid), 1))
    return {
        "first_open_s": round(first_open, 2),
        "save_median_ms": round(statistics.median(saves) * 1000, 1),
        "save_p90_ms": round(sorted(saves)[int(len(saves) * 0.9)] * 1000, 1),
        "change_median_ms": round(statistics.median(changes) * 1000, 1),
        "change_median_without_debounce_ms": round((statistics.median(changes) - DEBOUNCE) * 1000, 1),
        "runs": runs,
        "edits": edits,
        "rss_start_mb": round(rss_start, 1),
        "rss_end_mb": samples[-1] if samples else round(rss_start, 1),
        "rss_every_tenth_mb": samples,
    }


if __name__ == "__main__":
    sys.exit(main())
