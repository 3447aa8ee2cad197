"""Log shippers configured in the repository (`process.log_collected`), and the log files they collect."""

from __future__ import annotations

import pytest

from twelvefactor_lint.analyze import log_shipper, script, supervisord, systemd
from twelvefactor_lint.discover.walk import LOG_SHIPPER, content_kind, kind_of
from twelvefactor_lint.facts.process import LogCollected, PidFile, ProcessLogFile
from twelvefactor_lint.link import log_shipping


@pytest.mark.parametrize("name, parent", [
    ("cloudwatch.json", "deploy/files/conf"), ("amazon-cloudwatch-agent.json", ""), ("fluent.conf", "docker"),
    ("td-agent.conf", ""), ("fluent-bit.conf", ""), ("inputs.conf", "deploy/fluent-bit"), ("vector.toml", ""),
])
def test_shipper_configs_are_a_kind_by_name(name, parent):
    assert kind_of(name, parent) == LOG_SHIPPER


def test_shipper_yaml_is_a_kind_by_content_unless_a_manifest():
    assert content_kind("filebeat.yml", b"filebeat.inputs:\n  - type: log\n") == LOG_SHIPPER
    assert content_kind("promtail.yaml", b"apiVersion: v1\nkind: ConfigMap\n") == "kubernetes"
    assert kind_of("supervisord.conf", "fluent") == "supervisord"  # a supervisord config stays one


def _files(path: str, text: str) -> tuple[str, ...]:
    facts = [f for f in log_shipper.analyze(path, text.encode()).facts if isinstance(f, LogCollected)]
    return facts[0].files if facts else ()


def test_cloudwatch_agent_file_paths():
    text = '{"logs": {"logs_collected": {"files": {"collect_list": [\n' \
           '{"file_path": "/var/log/app/logs.log"},\n{"file_path": "/var/log/syslog"}]}}}}'
    assert _files("deploy/cloudwatch.json", text) == ("/var/log/app/logs.log", "/var/log/syslog")


def test_fluentd_and_fluent_bit_tail_inputs():
    fluentd = "<source>\n  @type tail\n  path /var/log/app/*.log,/var/log/worker.log\n  <parse>\n    @type json\n" \
              "  </parse>\n</source>\n<match **>\n  @type stdout\n  path /ignored\n</match>\n"
    assert _files("fluentd/fluent.conf", fluentd) == ("/var/log/app/*.log", "/var/log/worker.log")
    classic = "[INPUT]\n    Name tail\n    Path /var/log/app.log\n\n[INPUT]\n    Name cpu\n"
    assert _files("fluent-bit.conf", classic) == ("/var/log/app.log",)
    modern = "pipeline:\n  inputs:\n    - name: tail\n      path: /var/log/app.log\n"
    assert _files("fluent-bit.yaml", modern) == ("/var/log/app.log",)


def test_vector_filebeat_and_promtail_paths():
    assert _files("vector.toml", '[sources.app]\ntype = "file"\ninclude = ["/var/log/app/*.log"]\n') == (
        "/var/log/app/*.log",)
    assert _files("vector.yaml", "sources:\n  host:\n    type: host_metrics\n    path: /proc\n") == ()
    assert _files("filebeat.yml", "filebeat.inputs:\n  - type: filestream\n    paths:\n      - /var/log/app.log\n") \
        == ("/var/log/app.log",)
    promtail = "scrape_configs:\n  - job_name: app\n    static_configs:\n      - labels:\n" \
               "          __path__: /var/log/app/*.log\n"
    assert _files("promtail.yml", promtail) == ("/var/log/app/*.log",)


def test_tail_to_stdout_in_a_script_and_a_supervisord_program():
    sh = "#!/bin/sh\ntail -F /var/log/a.log /var/log/b.log &\ntail -f /dev/null\ntail -F /var/log/c.log > /tmp/x\n"
    found = [f for f in script.analyze("start.sh", sh.encode()).facts if isinstance(f, LogCollected)]
    assert [(f.line, f.files) for f in found] == [(2, ("/var/log/a.log", "/var/log/b.log"))]
    conf = "[program:logs]\ncommand=tail -n 0 -qF /var/log/web.log\nstdout_logfile=/dev/stdout\n\n" \
           "[program:copy]\ncommand=tail -F /var/log/web.log\nstdout_logfile=/var/log/copy.log\n"
    found = [f for f in supervisord.analyze("supervisord.conf", conf.encode()).facts if isinstance(f, LogCollected)]
    assert [f.files for f in found] == [("/var/log/web.log",)]


def _log_files(unit: str) -> list[ProcessLogFile]:
    return [f for f in systemd.analyze("app.service", unit.encode()).facts if isinstance(f, ProcessLogFile)]


def test_one_units_stdout_and_stderr_are_one_fact():
    same = _log_files("[Service]\nExecStart=/srv/run.sh\nStandardOutput=file:/var/log/a.log\n"
                      "StandardError=file:/var/log/a.log\n")
    assert [(f.line, f.how, f.target, f.places) for f in same] == [
        (3, "`StandardOutput` and `StandardError`", "/var/log/a.log", (("app.service", 4, 1),))]
    other = _log_files("[Service]\nExecStart=/srv/run.sh\nStandardOutput=append:/var/log/a.log\n"
                       "StandardError=append:/var/log/e.log\n")
    assert [f.how for f in other] == ["`StandardOutput` (and `StandardError`: `/var/log/e.log`)"]


def test_link_marks_the_files_a_shipper_collects():
    [fact] = _log_files("[Service]\nExecStart=/srv/run.sh\nStandardOutput=file:/var/log/app/a.log\n")
    shipper = LogCollected("cloudwatch.json", 4, 1, shipper="the CloudWatch agent", files=("/var/log/app/*.log",))
    other = LogCollected("vector.toml", 2, 1, shipper="vector", files=("/var/log/nginx/*.log",))
    [linked] = [f for f in log_shipping.link([fact, shipper]) if isinstance(f, ProcessLogFile)]
    assert linked.collected_by == "the CloudWatch agent (`cloudwatch.json:4`)"
    [alone] = [f for f in log_shipping.link([fact, other]) if isinstance(f, ProcessLogFile)]
    assert alone.collected_by == ""


def test_a_foreground_units_pid_file_is_tracked_by_systemd():
    def pid_files(unit: str) -> list[PidFile]:
        return [f for f in systemd.analyze("app.service", unit.encode()).facts if isinstance(f, PidFile)]
    [simple] = pid_files("[Service]\nPIDFile=/run/app/pid\nExecStart=/srv/.venv/bin/gunicorn app.wsgi --pid /run/app/pid\n")
    assert simple.tracked_by == "systemd"
    assert pid_files("[Service]\nType=forking\nExecStart=/srv/.venv/bin/gunicorn app.wsgi --pid /run/app/pid\n") == []
