"""Kubernetes manifests: recognised by content, read into the one process model, look-alikes silent,
broken manifests read partially or skipped with a reason, replicas from HPAs and kustomize overlays."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.walk import discover
from twelvefactor_lint.runner import run

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: {name}
          image: registry.example.com/app:1
          command: {command}
"""


def _deployment(name: str = "web", replicas: int = 1, command: str = '["gunicorn", "app:app"]') -> str:
    return DEPLOYMENT.format(name=name, replicas=replicas, command=command)


def _findings(tmp_path, catalogue, files):
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    return result, sorted((f.rule, f.path, f.line, f.severity) for f in result.findings)


def test_manifests_are_recognised_by_their_content_not_their_name(tmp_path):
    write_tree(tmp_path, {"deploy/web.yaml": _deployment(), "deployment.yaml": "name: not a manifest\n",
                          "config/settings.yml": "kind: fruit\n", "overlays/prod/kustomization.yaml": "replicas: []\n"})
    kinds = {f.rel: f.kind for f in discover([tmp_path], tmp_path).files}
    assert kinds == {"deploy/web.yaml": "kubernetes", "overlays/prod/kustomization.yaml": "kubernetes"}


def test_look_alikes_stay_silent(tmp_path, catalogue):
    _, findings = _findings(tmp_path, catalogue, {"k8s/ok.yaml": "\n---\n".join([
        _deployment("beat", 1, '["celery", "-A", "proj", "beat"]'),
        """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - {name: m, image: app, command: [sh, -c, "python manage.py migrate && python manage.py clearsessions"]}
""",
        """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: pg
          image: postgres:16
          env:
            - name: POSTGRES_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
    - metadata: {name: data}
""",
    ])})
    assert findings == []


def test_a_migrating_init_container_migrates_at_every_pod_start_even_with_one_replica(tmp_path, catalogue):
    _, findings = _findings(tmp_path, catalogue, {"k8s/api.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
        - {name: migrate, image: app, command: [python, manage.py, migrate]}
      containers:
        - {name: api, image: app}
"""})
    assert findings == [("TF1201", "k8s/api.yaml", 8, "warning")]


def test_an_hpa_and_a_kustomize_overlay_raise_the_replicas(tmp_path, catalogue):
    result, findings = _findings(tmp_path, catalogue, {
        "base/beat.yaml": _deployment("beat", 1, '["celery", "-A", "proj", "beat"]'),
        "base/web.yaml": _deployment("web", 1, '["sh", "-c", "python manage.py migrate && exec gunicorn app:app"]'),
        "overlays/prod/kustomization.yaml": "resources: [../../base]\nreplicas:\n  - {name: web, count: 4}\n",
        "base/hpa.yaml": """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: beat}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: beat}
  minReplicas: 2
""",
    })
    assert ("TF614", "base/beat.yaml", 12, "error") in findings
    assert ("TF1201", "base/web.yaml", 12, "error") in findings
    replicas = {p.name: (p.replicas, p.source) for p in result.processes}
    assert replicas["web"] == (4, "Kubernetes Deployment `web` container `web`")
    assert replicas["beat"][0] == 2


def test_a_helm_template_is_read_best_effort_and_says_so(tmp_path, catalogue):
    template = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      {{- with .Values.nodeSelector }}
      nodeSelector: {{ toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          command: ["sh", "-c", "python manage.py runserver 0.0.0.0:8000"]
"""
    broken = "apiVersion: v1\nkind: Service\n{{- range .Values.ports }}\n  - {{ . }: x\n: [\n"
    result, findings = _findings(tmp_path, catalogue, {"chart/templates/deployment.yaml": template,
                                                        "chart/templates/broken.yaml": broken})
    assert [f.message for f in result.findings if f.rule == "TF1004"][0].startswith(
        "Kubernetes Deployment `TEMPLATE` container `web` (from a Helm template, best effort)")
    assert [s.reason for s in result.skipped if s.path == "chart/templates/broken.yaml"] == [
        "Helm template not readable without helm (ScannerError)"]


def test_a_templated_manifest_outside_templates_is_skipped_with_a_reason(tmp_path, catalogue):
    """Helm renders only a chart's templates/: a `templates_disabled/` copy never reaches the cluster."""
    deployment = _deployment("worker", 1, '["supervisord", "-n"]').replace("name: worker", "name: {{ .Release.Name }}", 1)
    result, findings = _findings(tmp_path, catalogue, {"chart/templates_disabled/worker.yaml": deployment})
    assert findings == []
    assert [s.reason for s in result.skipped if s.path == "chart/templates_disabled/worker.yaml"] == [
        "a templated manifest outside a Helm chart's templates/ directory: helm never renders it"]


def test_a_broken_manifest_keeps_the_documents_before_the_damage(tmp_path, catalogue):
    text = _deployment("beat", 2, '["celery", "-A", "proj", "beat"]') + "---\nkind: [unclosed\n"
    unknown = "apiVersion: x/v9\nkind: Widget\nspec: 3\n"
    _, findings = _findings(tmp_path, catalogue, {"k8s/app.yaml": text, "k8s/other.yaml": unknown})
    assert [(rule, line) for rule, _, line, _ in findings] == [("TF001", 14), ("TF614", 12)]


HELM_BEAT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}-beat
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.beat.replicas }}
  {{- end }}
  template:
    spec:
      containers:
        - name: beat
          image: "{{ .Values.image.repository }}"
          command: ["celery", "-A", "app", "beat"]
"""


def test_a_helm_template_takes_its_replicas_from_the_charts_values_default_one_step_lower(tmp_path, catalogue):
    files = {"chart/templates/beat.yaml": HELM_BEAT, "chart/values.yaml": "beat:\n  replicas: 2\nimage:\n  tag: x\n"}
    result, found = _findings(tmp_path, catalogue, files)
    assert found == [("TF614", "chart/templates/beat.yaml", 14, "warning")]
    assert "with the chart's default `beat.replicas: 2` (a deploy may set another)" in result.findings[0].message
    assert [(p.name, p.replicas) for p in result.processes] == [("TEMPLATE-beat", 2)]


def test_without_a_readable_values_default_a_templated_replicas_counts_as_one(tmp_path, catalogue):
    for values in ({}, {"chart/values.yaml": "beat: [unclosed\n"}, {"chart/values.yaml": "beat:\n  replicas: many\n"}):
        _, found = _findings(tmp_path, catalogue, {"chart/templates/beat.yaml": HELM_BEAT, **values})
        assert found == [], values


def test_a_read_write_once_claim_declared_in_another_file_is_shared_by_the_replicas(tmp_path, catalogue):
    deployment = _deployment(replicas=2) + """\
          volumeMounts:
            - name: media
              mountPath: /app/media
      volumes:
        - name: media
          persistentVolumeClaim:
            claimName: media
"""
    claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: media\nspec:\n  accessModes: [{mode}]\n"
    _, found = _findings(tmp_path, catalogue, {"base/deployment.yaml": deployment,
                                               "base/pvc.yaml": claim.format(mode="ReadWriteOnce")})
    assert ("TF616", "base/deployment.yaml", 14, "error") in found  # as when one file declares both
    _, found = _findings(tmp_path / "rwx", catalogue, {"base/deployment.yaml": deployment,
                                                       "base/pvc.yaml": claim.format(mode="ReadWriteMany")})
    assert [f for f in found if f[0] == "TF616"] == []


HELM_WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.web.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}"
          command: ["sh", "-c", "python manage.py migrate && gunicorn app.wsgi"]
"""


def test_a_charts_values_default_lowers_only_what_depends_on_the_replicas(tmp_path, catalogue):
    plain = HELM_WEB.replace("{{ .Release.Name }}", "shop").replace("{{ .Values.web.replicas }}", "3") \
        .replace('"{{ .Values.image.repository }}"', "shop:1")
    _, declared = _findings(tmp_path / "plain", catalogue, {"k8s/web.yaml": plain})
    result, found = _findings(tmp_path / "chart", catalogue, {"chart/templates/web.yaml": HELM_WEB,
                                                              "chart/values.yaml": "web:\n  replicas: 3\n"})
    lowered = {"error": "warning", "warning": "info"}
    # the migration at every start races only because 3 copies run: one step lower; the shell as PID 1 is not
    assert sorted((rule, severity) for rule, _, _, severity in found) == sorted(
        (rule, lowered[severity] if rule == "TF1201" else severity) for rule, _, _, severity in declared)
    assert any(rule == "TF1201" for rule, *_ in declared) and any(rule == "TF901" for rule, *_ in declared)
    assert all(("chart's default" in f.message) == (f.rule == "TF1201") for f in result.findings)


HELM_ARMS = HELM_WEB.replace("  replicas: {{ .Values.web.replicas }}\n", "").replace(
    '["sh", "-c", "python manage.py migrate && gunicorn app.wsgi"]\n', '''["sh", "-c"]
          {{- if eq .Values.mode "local" }}
          args: ["python manage.py runserver 0.0.0.0:8000"]
          {{- else if eq .Values.mode "preview" }}
          args: ["uwsgi --py-autoreload 3 --ini uwsgi.ini"]
          {{- else }}
          args: ["gunicorn app.wsgi"]
          {{- end }}
''')


def test_each_arm_of_a_chart_value_comparison_is_its_own_rendering_with_its_condition():
    from twelvefactor_lint.analyze.kubernetes import analyze
    from twelvefactor_lint.facts.kubernetes import HelmSwitch
    from twelvefactor_lint.facts.process import DevServer

    facts = analyze("chart/templates/web.yaml", HELM_ARMS.encode()).facts
    servers = sorted((f.command, f.condition, f.dev_only) for f in facts if isinstance(f, DevServer))
    assert servers == [
        ("python manage.py runserver 0.0.0.0:8000", "when the chart value `mode` is `local`", True),
        ("uwsgi --py-autoreload 3 --ini uwsgi.ini", "when the chart value `mode` is `preview`", False)]
    switches = sorted((f.line, f.key, f.values, f.negated) for f in facts if isinstance(f, HelmSwitch))
    assert switches == [(12, "mode", ("local",), False), (14, "mode", ("preview",), False),
                        (16, "mode", ("local", "preview"), True)]
    mixed = HELM_ARMS.replace('else if eq .Values.mode "preview"', 'else if .Values.preview')
    assert not [f for f in analyze("chart/templates/web.yaml", mixed.encode()).facts if isinstance(f, HelmSwitch)]


def test_the_arm_the_charts_default_selects_is_the_default_deploy_the_others_opt_in(tmp_path, catalogue):
    for mode, expected in (("production", [("TF1004", 11, "info")]), ("preview", [("TF1004", 11, "warning")]),
                           ("local", [("TF1004", 11, "info")])):  # a development default: still dev-only
        files = {"chart/templates/web.yaml": HELM_ARMS, "chart/values.yaml": f"mode: {mode}\n"}
        result, found = _findings(tmp_path / mode, catalogue, files)
        assert sorted((rule, line, severity) for rule, _, line, severity in found if rule == "TF1004") \
            == sorted(expected), mode
        opt_in = [f.message for f in result.findings if f.rule == "TF1004" and f.severity == "info"]
        assert all("only when the chart value `mode` is `preview`: opt-in" in m for m in opt_in), mode


def test_a_switch_with_an_else_renders_one_arm_the_else_of_a_production_switch_dev_only(tmp_path, catalogue):
    switch = HELM_ARMS.replace('if eq .Values.mode "local"', "if .Values.gunicorn").replace(
        'args: ["python manage.py runserver 0.0.0.0:8000"]', 'args: ["gunicorn app.wsgi"]').replace(
        """          {{- else if eq .Values.mode "preview" }}
          args: ["uwsgi --py-autoreload 3 --ini uwsgi.ini"]
          {{- else }}
          args: ["gunicorn app.wsgi"]
""", """          {{- else }}
          args: ["uwsgi --py-autoreload 3 --ini uwsgi.ini"]
""")
    # the default leaves the switch off: the else renders; on, or unknown: the else is opt-in
    for values, expected in (("gunicorn: false\n", "warning"), ("gunicorn: null\n", "warning"), ("other: 1\n", "info"),
                             ("gunicorn: true\n", "info"), ("gunicorn: sync\n", "info")):
        result, found = _findings(tmp_path / values.replace(":", "").split()[-1], catalogue,
                                  {"chart/templates/web.yaml": switch, "chart/values.yaml": values})
        assert [severity for rule, _, _, severity in found if rule == "TF1004"] == [expected], values
        assert all("is not set: opt-in" in f.message for f in result.findings if f.rule == "TF1004") \
            == (expected != "warning"), values
    production = switch.replace(".Values.gunicorn", ".Values.production")
    _, found = _findings(tmp_path / "prod", catalogue,
                         {"chart/templates/web.yaml": production, "chart/values.yaml": "production: true\n"})
    assert [f for f in found if f[0] == "TF1004"] == []


def test_a_container_env_and_a_helm_helper_name_the_settings_module_a_deploy_runs(tmp_path):
    """DJANGO_SETTINGS_MODULE set in a manifest's container `env`, or in the `env` list a chart's helper template
    defines, is the settings module the deploy runs; a value only `helm` renders names none."""
    from twelvefactor_lint.analyze import kubernetes
    from twelvefactor_lint.facts.platform import SettingsModule

    manifest = _deployment() + ("          env:\n            - name: DJANGO_SETTINGS_MODULE\n"
                                "              value: app.settings.k8s\n")
    helper = ('{{/*\nHelpers\n*/}}\n{{- define "app.labels" }}\napp.kubernetes.io/name: {{ .Chart.Name }}\n{{- end }}\n'
              '{{- define "app.envs" }}\nenv:\n  - name: DJANGO_SETTINGS_MODULE\n    value: app.settings.prod\n'
              '  - name: OTHER\n    value: {{ .Values.settings }}\n{{- end }}\n')
    templated = helper.replace("app.settings.prod", "{{ .Values.settingsModule }}")

    def named(path: str, text: str) -> list[tuple[str, int]]:
        return [(f.module, f.line) for f in kubernetes.analyze(path, text.encode()).facts if isinstance(f, SettingsModule)]

    assert named("deploy/web.yaml", manifest) == [("app.settings.k8s", 15)]
    assert named("chart/templates/_envs.tpl", helper) == [("app.settings.prod", 10)]
    assert named("chart/templates/_envs.tpl", templated) == []
    assert named("chart/templates/_envs.tpl", "{{- define \"x\" }}\n  : [\n{{- end }}\n") == []
    write_tree(tmp_path, {"chart/templates/_envs.tpl": helper, "notes/_envs.tpl": helper})
    kinds = {f.rel: f.kind for f in discover([tmp_path], tmp_path).files}
    assert kinds == {"chart/templates/_envs.tpl": "kubernetes"}


_CLEANER = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: cleaner
spec:
  template:
    metadata:
      labels: {component: cleaner}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: cleaner
          image: quay.io/example/image-cleaner:1
"""


def test_no_grace_is_an_error_only_where_something_shows_work_a_sigkill_cuts(tmp_path, catalogue):
    """A per-node agent with no port, server, Service or SIGTERM handler loses nothing: info. A Service selecting
    its pods, or a SIGTERM handler in the repository's code, makes it the error it is for a server."""
    _, alone = _findings(tmp_path / "alone", catalogue, {"k8s/cleaner.yaml": _CLEANER})
    assert [f for f in alone if f[0] == "TF904"] == [("TF904", "k8s/cleaner.yaml", 10, "info")]
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: c\nspec:\n  selector: {component: cleaner}\n"
    _, selected = _findings(tmp_path / "selected", catalogue, {"k8s/cleaner.yaml": _CLEANER, "k8s/svc.yaml": service})
    assert [f for f in selected if f[0] == "TF904"] == [("TF904", "k8s/cleaner.yaml", 10, "error")]
    handler = "import signal\n\ndef stop(signum, frame):\n    raise SystemExit(0)\n\nsignal.signal(signal.SIGTERM, stop)\n"
    _, handled = _findings(tmp_path / "handled", catalogue, {"k8s/cleaner.yaml": _CLEANER, "cleaner/main.py": handler})
    assert [f for f in handled if f[0] == "TF904"] == [("TF904", "k8s/cleaner.yaml", 10, "error")]
