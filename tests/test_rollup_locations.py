"""A rolled-up finding ("and N more") keeps every place it stands for: JSON `related`, SARIF
`relatedLocations` (valid against the official schema), the HTML report, and a short terminal line."""

from __future__ import annotations

import json

import jsonschema
import pytest
from audit_fleet import validate as validate_audit
from conftest import write_tree
from test_cli import cli
from test_report_html import html_report
from test_report_sarif import schema, validate  # noqa: F401 - the fixture

HANDLERS = 15
"""More than the message lists (a dozen): only `related` has them all."""
APP = "from flask import Flask\napp = Flask(__name__)\nCARTS = {}\n" + "".join(
    f'\n@app.post("/cart{n}/<user>")\ndef add{n}(user):\n    CARTS[user] = {n}\n' for n in range(HANDLERS)) + (
    '\n@app.get("/carts")\ndef carts():\n    return CARTS\n')  # read back by another request: error
LINES = [7 + 4 * n for n in range(HANDLERS)]
"""Where each handler writes `CARTS`."""


def _project(tmp_path):
    return write_tree(tmp_path / "p", {"app.py": APP})


def test_json_lists_every_other_place_with_its_own_message(tmp_path):
    report = json.loads(cli("--format", "json", "--select", "TF601", str(_project(tmp_path))).stdout)
    (finding,) = report["findings"]
    assert finding["line"] == LINES[0]
    assert finding["message"].endswith(f"(and {HANDLERS - 1} more in this file: "
                                       + ", ".join(f"line {n}" for n in LINES[1:13]) + ", …)")
    assert [(r["path"], r["line"], r["column"]) for r in finding["related"]] == [("app.py", n, 5) for n in LINES[1:]]
    assert "request handler `add14()`" in finding["related"][-1]["message"]


def test_a_finding_that_stands_for_no_other_has_no_related_key(tmp_path):
    single = APP.split("\n@app.post")[0] + '\n@app.post("/")\ndef add(user):\n    CARTS[user] = 1\n'
    write_tree(tmp_path / "q", {"app.py": single})
    (finding,) = json.loads(cli("--format", "json", "--select", "TF601", str(tmp_path / "q")).stdout)["findings"]
    assert "related" not in finding


def test_sarif_related_locations_are_valid_and_complete(tmp_path, schema):  # noqa: F811
    log = json.loads(cli("--format", "sarif", "--select", "TF601", str(_project(tmp_path))).stdout)
    validate(log, schema)
    (result,) = log["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == LINES[1:]
    assert [r["id"] for r in related] == list(range(1, HANDLERS))
    assert all(r["physicalLocation"]["artifactLocation"]["uri"] == "app.py" for r in related)


def test_across_files_the_related_places_are_the_other_files(tmp_path):
    compose = "services:\n  web:\n    build: .\n    container_name: web\n    command: gunicorn app:app\n"
    write_tree(tmp_path / "c", {"docker-compose.yml": compose, "docker-compose.cuda.yml": compose})
    (finding,) = json.loads(cli("--format", "json", "--select", "TF803", str(tmp_path / "c")).stdout)["findings"]
    assert finding["related"] == [{"path": "docker-compose.cuda.yml", "line": 4, "column": 21}]


def test_variants_fold_alike_after_each_folds_its_own_repeats(tmp_path):
    """A service's two data volumes are one finding per file; a compose variant beside it says the same at other
    lines: one finding in all."""
    compose = ("services:\n  web:\n    build: .\n    command: gunicorn app:app\n    volumes:\n"
               "      - data:/app/data\n      - media:/app/media\nvolumes:\n  data:\n  media:\n")
    write_tree(tmp_path / "v", {"docker-compose.yml": compose, "docker-compose.cuda.yml": "# GPU hosts\n" + compose})
    (finding,) = json.loads(cli("--format", "json", "--select", "TF616", str(tmp_path / "v")).stdout)["findings"]
    assert (finding["path"], finding["line"]) == ("docker-compose.yml", 6)
    assert [(r["path"], r["line"]) for r in finding["related"]] == [
        ("docker-compose.yml", 7), ("docker-compose.cuda.yml", 7), ("docker-compose.cuda.yml", 8)]


def test_the_html_report_lists_every_other_place(tmp_path):
    html = html_report(_project(tmp_path), tmp_path / "r.html", "--select", "TF601")
    assert f"Every other place ({HANDLERS - 1})" in html
    assert all(f"app.py:{n}: " in html for n in LINES[1:])


def test_the_terminal_line_names_the_first_few_places(tmp_path):
    out = cli("--select", "TF601", str(_project(tmp_path))).stdout
    (line,) = [text for text in out.splitlines() if "TF601 [" in text]
    assert line.endswith(f"in request handler `add0()` (and {HANDLERS - 1} more in this file: line 11, line 15, line 19, …)")


def test_a_fleet_audit_keeps_the_related_places_and_its_schema_describes_them(tmp_path):
    report = tmp_path / "report.json"
    cli("--format", "json", "-o", str(report), "--select", "TF601", "--exit-zero", str(_project(tmp_path)))
    out = tmp_path / "audit.json"
    cli("merge", str(report), "-o", str(out))
    audit = json.loads(out.read_text(encoding="utf-8"))
    validate_audit(audit)
    (finding,) = audit["repositories"][0]["findings"]
    assert len(finding["related"]) == HANDLERS - 1
    finding["related"][0]["line"] = 0
    with pytest.raises(jsonschema.ValidationError):
        validate_audit(audit)


def test_a_file_renamed_into_place_is_the_write_finding_with_the_rename_related(tmp_path):
    """TF606: a helper writes the download, the handler renames it into place: one problem, one finding."""
    app = ('import os\nfrom flask import Flask\napp = Flask(__name__)\n\n'
           'def fetch(url, path):\n    with open(path, "wb") as out:\n        out.write(b"x")\n\n'
           '@app.post("/models/<name>")\ndef download(name):\n    tmp = os.path.join("/weights", "." + name)\n'
           '    fetch("https://hf.co/" + name, tmp)\n    os.replace(tmp, os.path.join("/weights", name))\n'
           '    return "ok"\n')
    write_tree(tmp_path / "m", {"app.py": app})
    (finding,) = json.loads(cli("--format", "json", "--select", "TF606", str(tmp_path / "m")).stdout)["findings"]
    assert (finding["line"], finding["related"]) == (6, [{"path": "app.py", "line": 13, "column": 5}])
    assert "then moved into place as `os.path.join('/weights', name)` (line 13)" in finding["message"]


def test_findings_of_one_rule_on_one_deploy_line_are_one_finding(tmp_path):
    """`npm install && npm run build` in one compose command: one line to change, one finding naming the other."""
    compose = 'services:\n  ui:\n    image: node:20\n    command: sh -c "npm install && npm run build && npm start"\n'
    write_tree(tmp_path / "n", {"docker-compose.yml": compose})
    (finding,) = json.loads(cli("--format", "json", "--select", "TF501", str(tmp_path / "n")).stdout)["findings"]
    assert "`npm install`" in finding["message"]
    assert finding["message"].endswith("(and 1 more on this line: compose service `ui` runs `npm run build` at start)")
    (other,) = finding["related"]
    assert (other["path"], other["line"]) == ("docker-compose.yml", 4) and "`npm run build`" in other["message"]


def test_two_imports_on_one_python_line_stay_two_findings(tmp_path):
    """A line of Python may hold two problems (`import redis, boto3`): only deploy-file lines fold."""
    write_tree(tmp_path / "i", {"app.py": "import redis, boto3\n", "requirements.txt": "flask\n"})
    findings = json.loads(cli("--format", "json", "--select", "TF201", str(tmp_path / "i")).stdout)["findings"]
    assert sorted(f["message"].split("`")[1] for f in findings) == ["import boto3", "import redis"]


def test_one_secret_set_for_two_workloads_of_a_chart_is_one_finding(tmp_path):
    """The app's and the worker's copy of one signing key in a chart's values: one secret to rotate."""
    values = ("irisapp:\n  IRIS_SECRET_KEY: AVerySuperSecretKey-SoNotThisOne\n  image: x\n"
              "irisworker:\n  IRIS_SECRET_KEY: AVerySuperSecretKey-SoNotThisOne\n")
    template = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n"
                "      containers:\n        - name: app\n          image: x\n          env:\n"
                "            - name: IRIS_SECRET_KEY\n              value: {{ .Values.irisapp.IRIS_SECRET_KEY }}\n"
                "            - name: WORKER_KEY\n              value: {{ .Values.irisworker.IRIS_SECRET_KEY }}\n")
    write_tree(tmp_path / "h", {"chart/Chart.yaml": "apiVersion: v2\nname: iris\nversion: 1.0.0\n",
                                "chart/values.yaml": values, "chart/templates/app.yaml": template})
    (finding,) = json.loads(cli("--format", "json", "--select", "TF308", str(tmp_path / "h")).stdout)["findings"]
    assert (finding["line"], finding["message"].endswith("(and 1 more in this file: line 5)")) == (2, True)
    assert [(r["path"], r["line"]) for r in finding["related"]] == [("chart/values.yaml", 5)]


def test_a_services_volumes_and_the_volume_it_shares_are_one_finding(tmp_path):
    """The API keeps its logs and its artifacts on host directories and its UI mounts the artifacts too: one
    decision (move the API's data), one finding, every mount related."""
    compose = ("services:\n  api:\n    build: .\n    volumes:\n      - ./artifacts:/data/artifacts\n"
               "      - ./log:/data/log\n  ui:\n    build: ./ui\n    volumes:\n      - ./artifacts:/data/artifacts\n")
    write_tree(tmp_path / "v", {"docker-compose.yml": compose})
    (finding,) = json.loads(cli("--format", "json", "--select", "TF616", str(tmp_path / "v")).stdout)["findings"]
    assert finding["line"] == 5
    assert sorted(r["line"] for r in finding["related"]) == [6, 10]


def test_one_log_file_appended_to_twice_is_one_finding_and_two_files_are_two(tmp_path):
    code = ('def run(crawl):\n    debug_log = "/tmp/crawl_debug.log"\n    with open(debug_log, "a") as f:\n'
            '        f.write("start")\n    crawl.go()\n    with open(debug_log, "a") as f:\n        f.write("done")\n'
            '    with open("audit.log", "a") as f:\n        f.write("ran")\n')
    write_tree(tmp_path / "l", {"crawl.py": code})
    findings = json.loads(cli("--format", "json", "--select", "TF1101", str(tmp_path / "l")).stdout)["findings"]
    assert [(f["line"], "`debug_log`" in f["message"]) for f in findings] == [(3, True), (8, False)]
    assert findings[0]["related"] == [{"path": "crawl.py", "line": 6, "column": 10}]
    assert "related" not in findings[1]


def test_one_secret_variable_read_alike_in_two_modules_is_one_finding_where_it_is_read_at_import(tmp_path):
    write_tree(tmp_path / "v", {
        "web.py": 'import os\n\n\ndef configure(app):\n    app.secret = os.environ.get("APP_SECRET_KEY", "!secret")\n',
        "conf/settings.py": 'import os\n\nSECRET_KEY = os.getenv("APP_SECRET_KEY", "!secret")\n',
        "conf/tokens.py": 'import os\n\nJWT_SECRET = os.getenv("JWT_SECRET", "!secret")\n'})
    findings = json.loads(cli("--format", "json", "--select", "TF302", str(tmp_path / "v")).stdout)["findings"]
    assert [(f["path"], f["line"]) for f in findings] == [("conf/settings.py", 3), ("conf/tokens.py", 3)]
    assert [(r["path"], r["line"], "function `configure()`" in r["message"]) for r in findings[0]["related"]] == [
        ("web.py", 5, True)]
    assert "(and 1 more in other files: web.py:5)" in findings[0]["message"]
