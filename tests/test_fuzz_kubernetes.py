"""Fuzzing the Kubernetes analyzer: arbitrary bytes, and multi-document manifests built from generated
workloads (pod templates, volumes, env, annotations, Helm template actions), then damaged and re-encoded.
A broken Helm template may be skipped with a reason (`Unanalyzable`); nothing else may escape."""

from __future__ import annotations

import json

from fuzzing import analyzer_tests, shell_lines
from hypothesis import strategies as st

from twelvefactor_lint.analyze import Unanalyzable
from twelvefactor_lint.analyze.kubernetes import analyze as analyze_manifest
from twelvefactor_lint.discover.sources import decode_text
from twelvefactor_lint.facts import FileAnalysis

KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service", "Ingress",
         "HorizontalPodAutoscaler", "ConfigMap", "Kustomization", "DestinationRule", "Widget", ""]
REPLICAS = ["3", "0", "-1", "x", "{{ .Values.replicaCount }}", "1e9", "2"]
VOLUMES = ["{name: v, hostPath: {path: /srv}}", "{name: v, emptyDir: {}}", "{name: v, persistentVolumeClaim: {claimName: c}}",
           "{name: v}", "v", "[]"]
TEMPLATE = ["", "{{- if .Values.enabled }}", "{{- end }}", "{{ include \"x\" . | nindent 4 }}", "{{/* note */}}"]


@st.composite
def manifests(draw) -> str:
    documents = []
    for _ in range(draw(st.integers(1, 4))):
        command = json.dumps(draw(shell_lines))
        kind = draw(st.sampled_from(KINDS))
        documents.append("\n".join([
            draw(st.sampled_from(TEMPLATE)),
            "apiVersion: " + draw(st.sampled_from(["apps/v1", "v1", "batch/v1", "serving.knative.dev/v1", "x"])),
            f"kind: {kind}",
            "metadata: {name: web, annotations: {nginx.ingress.kubernetes.io/affinity: cookie}}",
            "spec:",
            f"  replicas: {draw(st.sampled_from(REPLICAS))}",
            "  sessionAffinity: ClientIP",
            "  scaleTargetRef: {kind: Deployment, name: web}",
            "  minReplicas: 2",
            "  template:",
            "    spec:",
            "      terminationGracePeriodSeconds: " + draw(st.sampled_from(["0", "30", "x"])),
            "      volumes: [" + draw(st.sampled_from(VOLUMES)) + "]",
            "      initContainers: [{name: m, command: [sh, -c, " + command + "]}]",
            "      containers:",
            "        - name: app",
            "          image: " + draw(st.sampled_from(["postgres:16", "acme/web:1", "", "{{ .Values.image }}"])),
            "          command: [sh, -c, " + command + "]",
            "          args: " + draw(st.sampled_from(["[celery, beat]", "[--port, '80']", "x", "{}"])),
            "          env: [{name: SECRET_KEY, value: 'k8v!2mfq0zs9-a7d1e3'}, {name: X}]",
            "          volumeMounts: [{name: v, mountPath: /app/media}]",
            "          lifecycle: {preStop: {exec: {command: [sleep, infinity]}}}",
        ]))
    return "\n---\n".join(documents) + draw(st.sampled_from(["\n", ""]))


def analyze(path: str, data: bytes) -> FileAnalysis:
    try:
        return analyze_manifest(path, data)
    except Unanalyzable:
        assert "{{" in decode_text(data)  # only a Helm template may be skipped
        return FileAnalysis(())


PATHS = st.sampled_from(["k8s/app.yaml", "deploy/templates/deployment.yaml", "kustomization.yaml"])

test_arbitrary_bytes, test_generated_manifests = analyzer_tests(analyze, PATHS, manifests())
