"""Benchmark the fleet audit: repositories per minute on a local process pool and on a 2-worker Dask
LocalCluster, and the parent's peak memory as the fleet grows.

    pip install -e '.[dask]'
    python bench/audit.py                          # about 5 minutes on 2 cores; --quick for a smoke run
    python bench/audit.py --corpus /work/fleet --corpus-limit 40   # also on real checkouts

The generated fleet is N service repositories, each the benchmark's generated service tree
(bench/run.py: Dockerfile, compose file, Procfile, entrypoint) plus a small Flask app with
module state. Every run starts with an empty facts cache of its own (XDG_CACHE_HOME), so each does
the same work. Rates are medians of --runs runs, both with 2 workers (--jobs 2; 2 workers x 1 thread).
The parent's peak RSS is getrusage(RUSAGE_SELF) of the process running `12f-lint audit` (the lint
itself runs in child processes): it should stay flat as the number of repositories grows, since
results are spooled to disk as they finish.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from run import service_files  # noqa: E402 - bench/run.py's generated service tree

_APP = """\
from flask import Flask
app = Flask(__name__)
CARTS = {{}}


@app.post("/cart/<user>")
def add(user):
    CARTS[user] = {number}
    return "ok"
"""

# Runs `12f-lint audit ARGS` in this process and prints its wall time and this process's peak RSS.
_AUDIT = """
import json, resource, sys, time
from twelvefactor_lint.cli import main
start = time.perf_counter()
try:
    main(["audit", *sys.argv[1:]])
except SystemExit as exit:
    code = exit.code
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
print(json.dumps({"wall": wall, "rss": rss, "code": code}))
"""


def generate_fleet(root: Path, count: int) -> Path:
    """`count` service repositories under `root` (a directory of checkouts)."""
    rng = random.Random(17)
    for number in range(count):
        files = {**service_files(number, rng), "app/web.py": _APP.format(number=number), "app/__init__.py": "",
                 "requirements.txt": "flask\ngunicorn\n"}
        for rel, text in files.items():
            path = root / f"svc{number:04d}" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return root


def audit_once(fleet: Path, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="12f-audit-bench-") as scratch:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(scratch) / "cache")}
        args = [str(fleet), "-o", str(Path(scratch) / "audit.json"), "--work-dir", str(Path(scratch) / "work"), *extra]
        out = subprocess.run([sys.executable, "-c", _AUDIT, *args], capture_output=True, text=True, env=env, check=True)
        result = json.loads(out.stdout.splitlines()[-1])
        document = json.loads((Path(scratch) / "audit.json").read_text())
    result["ok"] = document["totals"]["by_status"]["ok"]
    result["files"] = document["totals"]["files"]["analyzed"]
    result["repositories"] = document["totals"]["repositories"]
    return result


def rate(fleet: Path, extra: list[str], runs: int) -> dict:
    samples = [audit_once(fleet, extra) for _ in range(runs)]
    assert all(s["ok"] == s["repositories"] and s["files"] for s in samples), samples
    wall = statistics.median(s["wall"] for s in samples)
    count = samples[0]["repositories"]
    return {"repositories": count, "wall": wall, "per_minute": count / wall * 60, "rss": max(s["rss"] for s in samples)}


def compare_modes(fleet: Path, runs: int) -> dict:
    from distributed import LocalCluster

    local = rate(fleet, ["--jobs", "2"], runs)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = rate(fleet, ["--scheduler", cluster.scheduler_address], runs)
    return {"local": local, "dask": dask}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repos", type=int, default=40, help="generated repositories for the pool vs cluster rates")
    parser.add_argument("--growth", default="25,50,100", help="fleet sizes for the memory curve")
    parser.add_argument("--corpus", type=Path, help="a directory of real checkouts to rate too")
    parser.add_argument("--corpus-limit", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="1 run, 8 repositories, sizes 4,8")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.repos, args.growth, args.corpus_limit = 1, 8, "4,8", 8
    sizes = [int(size) for size in args.growth.split(",")]
    with tempfile.TemporaryDirectory(prefix="12f-audit-fleet-") as scratch:
        generated = generate_fleet(Path(scratch) / "fleet", max(args.repos, *sizes))
        print(f"generated fleet, {args.repos} repositories, median of {args.runs} runs, 2 workers each:")
        report(compare_modes(subset(generated, Path(scratch) / "rates", args.repos), args.runs))
        if args.corpus:
            print(f"\n{args.corpus}, first {args.corpus_limit} checkouts:")
            report(compare_modes(subset(args.corpus, Path(scratch) / "corpus", args.corpus_limit), args.runs))
        print("\nparent peak RSS as the fleet grows (local pool, --jobs 2, 1 run each):")
        for size in sizes:
            sample = rate(subset(generated, Path(scratch) / f"size{size}", size), ["--jobs", "2"], 1)
            print(f"  {size:>4} repositories  {sample['rss'] / 2**20:6.1f} MB  ({sample['per_minute']:.0f} repos/min)")
    return 0


def subset(fleet: Path, target: Path, count: int) -> Path:
    """A directory of symlinks to the first `count` repositories of `fleet` (the audit reads through them)."""
    target.mkdir(parents=True)
    for repo in sorted(p for p in fleet.iterdir() if p.is_dir() and not p.name.startswith("."))[:count]:
        (target / repo.name).symlink_to(repo.resolve(), target_is_directory=True)
    return target


def report(modes: dict) -> None:
    for mode, sample in modes.items():
        print(f"  {mode:<6} {sample['repositories']} repos in {sample['wall']:6.1f} s = {sample['per_minute']:6.1f} repos/min,"
              f" parent peak RSS {sample['rss'] / 2**20:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
