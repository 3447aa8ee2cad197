"""The Kubernetes analyzer: the workloads of a multi-document manifest as the one process model.

Each container's `command`/`args` go through the same process analysis as compose and
Procfiles (several processes, shell as PID 1, dev servers, migrations, celery beat), with the
workload's `replicas` (an HPA's `minReplicas` and kustomize `replicas:` are applied by the
link stage). Around them: node-local volumes (VI), session affinity (VI), literal secrets
in `env` and ConfigMaps (III), and a shutdown with no grace (IX).

Job and CronJob containers are one-off work (migrations there are the right place), and a
StatefulSet's `volumeClaimTemplates` give each replica its own volume, so neither is judged
for that. A Helm template without `helm` is read best effort: template actions are blanked
out and every process says so; a `replicas: {{ .Values.KEY }}` is a `kubernetes.helm_replicas` fact,
which link resolves from the chart's values.yaml (this analyzer reads it for its integer defaults),
else it counts as one. The arms of an `{{ if eq .Values.X "v" }} ... {{ else }}` chain (or of a switch with an
`else`) are read as renderings of their own (analyze.helm_arms), each carrying its condition for link.
"""

from __future__ import annotations

import base64
import posixpath
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import yaml

from twelvefactor_lint.analyze import Unanalyzable, directives, helm_arms, images
from twelvefactor_lint.analyze import yamlnodes as Y
from twelvefactor_lint.analyze.compose import command_argv
from twelvefactor_lint.analyze.deploy_secret import committed_secret
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, commands_of
from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.analyze.shell.processes import expand
from twelvefactor_lint.analyze.shell.programs import program_role
from twelvefactor_lint.analyze.storage import is_data_path
from twelvefactor_lint.devprod import is_dev_flag
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.discover.walk import HELM_VALUES
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.facts.kubernetes import (
    Claim,
    HelmReplicas,
    HelmSwitch,
    HelmValue,
    Hpa,
    NoGrace,
    PackagedWorkload,
    ReplicasOverride,
    SecretValue,
    Service,
    Workload,
)
from twelvefactor_lint.facts.platform import EnvVar, PlatformVolume, SettingsModule
from twelvefactor_lint.facts.process import MigrationAtStart, Pid1Shell
from twelvefactor_lint.facts.proxy import ProxySticky

HELM_BEST_EFFORT = "from a Helm template, best effort"

_SCALABLE = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"}
_ONE_OFF = {"Job", "CronJob"}
_TEMPLATE_LINE = re.compile(r"^\s*\{\{-?.*-?\}\}\s*$")
_VALUES_REPLICAS = re.compile(r"^\s*replicas:\s*\{\{-?\s*\.Values\.([\w.]+)\s*-?\}\}\s*$")
"""`replicas: {{ .Values.replicaCount }}`: the chart's values file gives the default."""
_VALUES_FILES = {"values.yaml", "values.yml"}
_BOOLEAN = {"true": 1, "false": 0}
_WORD = re.compile(r"^[\w.-]{1,40}$")
"""A string default a template may compare (`settings: prod`): a word, not a sentence or a secret-sized blob."""
_TEMPLATE_ACTION = re.compile(r"\{\{.*?\}\}")
_TEMPLATE_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.DOTALL)
_DEFINE = re.compile(r"^\s*\{\{-?\s*define\b")
_PLACEHOLDER = "TEMPLATE"
"""What an inline template action becomes once blanked (`value: {{ .Values.settings }}`): no value to read."""
_STORAGE = {"hostPath": "the node's disk (hostPath `{}`)", "emptyDir": "a pod-local emptyDir",
            "persistentVolumeClaim": "the claim `{}`"}
_FOREVER = re.compile(r"\bsleep\s+(inf(inity)?|9{4,})\b|\btail\s+-f\s+/dev/null\b")
_STICKY_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/affinity": "ingress-nginx annotation",
    "traefik.ingress.kubernetes.io/service.sticky.cookie": "Traefik annotation",
    "traefik.ingress.kubernetes.io/affinity": "Traefik annotation",
    "ingress.kubernetes.io/affinity": "ingress annotation",
}


def _blank_templates(text: str) -> str:
    """A Helm template as YAML: lines that are only template actions become empty (line numbers stay),
    inline actions become a placeholder value."""
    lines = []
    for line in text.split("\n"):
        if _TEMPLATE_LINE.match(line):
            lines.append("")
        else:
            lines.append(_TEMPLATE_ACTION.sub(_PLACEHOLDER, line))
    return "\n".join(lines)


def _template_conditions(text: str) -> dict[int, tuple[int, str]]:
    """Line number -> the line and values key of the innermost `{{ if .Values.X }}` block holding it (its `else`
    branch and other blocks are not opt-in)."""
    found: dict[int, tuple[int, str]] = {}
    stack: list[tuple[int, str] | None] = []
    for number, line in enumerate(text.split("\n"), start=1):
        switch = next((s for s in reversed(stack) if s), None)
        if switch:
            found[number] = switch
        for match in helm_arms.BLOCK.finditer(line):
            word, rest = match.groups()
            if word == "end":
                if stack:
                    stack.pop()
            elif word == "else":
                if stack:
                    stack[-1] = None
            else:
                value = helm_arms.SWITCH.match(rest) if word == "if" else None
                stack.append((number, value.group(1)) if value else None)
    return found


def _chart(path: str) -> str:
    """A template's chart directory: the one holding its `templates/`."""
    parts = path.split("/")
    return "/".join(parts[:len(parts) - 1 - parts[::-1].index("templates")])


def _switch(path: str, line: int, key: str, condition: str, values: tuple[str, ...] = (),
            negated: bool = False) -> HelmSwitch:
    """The `HelmSwitch` of a block or arm opening at `line` (one per block: its anchor names the line and key)."""
    return HelmSwitch(path, line, 1, key=key, chart=_chart(path), condition=condition, values=values, negated=negated,
                      anchor=f"helm-switch:{line}:{key}")


def _opt_in(path: str, text: str, facts: list[Fact]) -> list[Fact]:
    """Facts inside a `{{ if .Values.X }}` block carry its condition (a development switch: dev-only), and one
    `HelmSwitch` per such block lets link clear the condition when the chart's default sets the value."""
    conditions = _template_conditions(text)
    switches: dict[tuple[int, str], HelmSwitch] = {}
    marked: list[Fact] = []
    for f in facts:
        if f.line not in conditions or f.condition:
            marked.append(f)
            continue
        line, key = conditions[f.line]
        condition = f"when the chart value `{key}` is set"
        switches.setdefault((line, key), _switch(path, line, key, condition))
        marked.append(replace(f, condition=condition, dev_only=f.dev_only or is_dev_flag(key)))
    return marked + list(switches.values())


def _int(node: yaml.Node | None) -> int | None:
    value = Y.scalar(node)
    return int(value) if value is not None and value.isdigit() else None


class _Workload:
    """One object with a pod template, as read from its document."""

    def __init__(self, path: str, kind: str, name: str, key_line: int, spec: yaml.Node | None,
                 pod: yaml.Node | None, best_effort: bool, values_refs: dict[int, str] | None = None):
        self.path, self.kind, self.name, self.line, self.pod = path, kind, name, key_line, pod
        self.best_effort = best_effort
        node = Y.get(spec, "replicas") if kind in _SCALABLE else None
        replicas = _int(node)
        self.replicas = replicas if replicas is not None else 1
        self.replicas_key = (values_refs or {}).get(Y.line(node), "") if node is not None else ""
        self.replicas_line = Y.line(node) if node is not None else key_line
        self.one_off = kind in _ONE_OFF
        self.labels: yaml.Node | None = None
        """The pod template's `metadata.labels`."""

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"

    def source(self, container: str, init: bool = False) -> str:
        if self.kind == "ClowdApp":  # its `podSpec` is one unnamed container
            return f"ClowdApp {self.name} {'init container' if init else 'pod command'}"
        text = f"Kubernetes {self.kind} `{self.name}` {'init container' if init else 'container'} `{container}`"
        return f"{text} ({HELM_BEST_EFFORT})" if self.best_effort else text

    def facts(self, claims: dict[str, str]) -> list[Fact]:
        containers = Y.sequence(Y.get(self.pod, "containers"))
        facts: list[Fact] = []
        volumes = {Y.scalar(Y.get(v, "name")) or "": v for v in Y.sequence(Y.get(self.pod, "volumes"))}
        for container in containers:
            facts += self._container(container, len(containers) > 1, volumes, claims)
        for container in Y.sequence(Y.get(self.pod, "initContainers")):
            facts += self._init_container(container)
        labels = tuple(f"{key}={Y.scalar(value) or ''}" for key, (_, value) in Y.items(self.labels).items())
        facts += self._grace(labels)
        if self.replicas_key:
            facts.append(HelmReplicas(self.path, self.replicas_line, 1, workload=self.ref, key=self.replicas_key,
                                      chart=_chart(self.path), anchor=f"helm-replicas:{self.ref}"))
        return facts

    def _base(self, container: yaml.Node, several: bool) -> tuple[str, str, str]:
        name = Y.scalar(Y.get(container, "name")) or "container"
        image = Y.scalar(Y.get(container, "image")) or ""
        process = f"{self.name}/{name}" if several else self.name
        return name, image, process

    def _role(self, image: str) -> str:
        return {images.INFRA: "infra", images.PROXY: "proxy"}.get(images.image_kind(image), "app") if image else "app"

    def _origin(self, container: yaml.Node, several: bool, init: bool) -> tuple[Origin | None, tuple[str, ...]]:
        name, image, process = self._base(container, several)
        command, args = Y.get(container, "command"), Y.get(container, "args")
        argv = command_argv(command) + command_argv(args) if command is not None else command_argv(args)
        if command is None and (not argv or argv[0].startswith("-")):
            return None, ()  # the image's own entrypoint runs, with options or nothing added
        declared = command if command is not None else args
        origin = Origin(self.source(name, init), process, "formation", Y.line(declared) if declared else self.line,
                        replicas=self.replicas, release=self.one_off,
                        workload=self.ref, role=self._role(image), init=init)
        return origin, argv

    def _container(self, container: yaml.Node, several: bool, volumes: dict[str, yaml.Node],
                   claims: dict[str, str]) -> list[Fact]:
        name, image, process = self._base(container, several)
        origin, argv = self._origin(container, several, init=False)
        facts: list[Fact] = [Workload(
            self.path, self.line, 1, workload=self.ref, workload_kind=self.kind, name=self.name, process=process,
            container=name, image=image, replicas=self.replicas, has_command=origin is not None, one_off=self.one_off,
            source=self.source(name), role=self._role(image), anchor=f"{self.ref}:{name}")]
        if origin is not None:  # a one-off job's shell as PID 1 has no requests to drain
            facts += [f for f in command_facts(self.path, origin, commands_of(argv))
                      if not (self.one_off and isinstance(f, Pid1Shell))]
        facts += self._volumes(container, name, image, volumes, claims)
        facts += _env_secrets(self.path, Y.get(container, "env"), f"{self.kind} `{self.name}` container `{name}`")
        facts += self._env_vars(container, name, runs_app=self._role(image) == "app")
        facts += _settings_modules(self.path, Y.get(container, "env"))
        facts += self._pre_stop(container, name)
        return facts

    def _init_container(self, container: yaml.Node) -> list[Fact]:
        """An init container runs before the app container of every pod: a migration there runs at every pod
        start (a restart, a reschedule, a rollout), once per replica. Only that is kept; the inventory lists app
        containers."""
        origin, argv = self._origin(container, several=True, init=True)
        if origin is None or self.one_off:
            return []
        return [replace(f, followed=True) for f in command_facts(self.path, origin, commands_of(argv))
                if isinstance(f, MigrationAtStart)]

    def _volumes(self, container: yaml.Node, name: str, image: str, volumes: dict[str, yaml.Node],
                 claims: dict[str, str]) -> list[Fact]:
        facts: list[Fact] = []
        for mount in Y.sequence(Y.get(container, "volumeMounts")):
            volume = volumes.get(Y.scalar(Y.get(mount, "name")) or "")
            target = Y.scalar(Y.get(mount, "mountPath")) or ""
            if volume is None or self.one_off:
                continue
            read_only = (Y.scalar(Y.get(mount, "readOnly")) or "").lower() == "true"
            for kind in ("hostPath", "emptyDir", "persistentVolumeClaim"):
                spec = Y.get(volume, kind)
                if spec is None or Y.scalar(Y.get(spec, "$patch")) == "delete":  # a kustomize patch removing it
                    continue
                source = Y.scalar(Y.get(spec, "path")) or Y.scalar(Y.get(spec, "claimName")) or ""
                access = claims.get(source, "") if kind == "persistentVolumeClaim" else ""
                facts.append(volume_fact(
                    self.path, Y.line(mount), Y.column(mount), self.ref, target, container=name,
                    storage=_STORAGE[kind].format(source), source=source or kind, node_local=kind != "persistentVolumeClaim",
                    read_only=read_only, replicas=self.replicas, role=self._role(image), access=access,
                    shared_rwo=access == "ReadWriteOnce" and self.kind != "DaemonSet",
                    seeded_by=self._seeding(Y.scalar(Y.get(mount, "name")) or "") if kind == "emptyDir" else ""))
        return facts

    def _env_vars(self, container: yaml.Node, name: str, runs_app: bool) -> list[EnvVar]:
        """The variables a container's `env` names, and `*` for an `envFrom` (a ConfigMap's or Secret's keys); only
        an app container (not a database or proxy image) shows what the app runs without."""
        where, service = f"{self.kind} `{self.name}` container `{name}`", f"{self.ref}/{name}"
        found = [EnvVar(self.path, self.line, 1, name=env_name, where=where, service=service, own_value=True,
                        complete=runs_app, one_off=self.one_off, anchor=f"env:{self.ref}:{name}:{env_name}")
                 for env_name in (Y.scalar(Y.get(entry, "name")) or "" for entry in Y.sequence(Y.get(container, "env")))
                 if env_name]
        env_from = Y.get(container, "envFrom")
        if env_from is not None:
            found.append(EnvVar(self.path, Y.line(env_from), Y.column(env_from), name="*", where=where, service=service,
                                own_value=False, anchor=f"env:{self.ref}:{name}:*"))
        return found

    def _seeding(self, volume: str) -> str:
        """The init container that mounts `volume` too, if any: it prepares the emptyDir for the app."""
        for container in Y.sequence(Y.get(self.pod, "initContainers")):
            if any(Y.scalar(Y.get(m, "name")) == volume for m in Y.sequence(Y.get(container, "volumeMounts"))):
                return Y.scalar(Y.get(container, "name")) or "init"
        return ""

    def _pre_stop(self, container: yaml.Node, name: str) -> list[Fact]:
        node = Y.get(container, "lifecycle", "preStop", "exec", "command")
        text = " ".join(command_argv(node))
        if node is None or not _FOREVER.search(text):
            return []
        return [NoGrace(self.path, Y.line(node), 1, workload=self.ref, cause="pre_stop",
                        how=f"a `preStop` hook that never returns (`{text}`)", where=f"container `{name}`",
                        anchor=f"{self.ref}:{name}:preStop")]

    def _grace(self, labels: tuple[str, ...]) -> list[Fact]:
        node = Y.get(self.pod, "terminationGracePeriodSeconds")
        if _int(node) != 0 or node is None:
            return []
        return [NoGrace(self.path, Y.line(node), 1, workload=self.ref, cause="grace",
                        how="`terminationGracePeriodSeconds: 0`", where=f"{self.kind} `{self.name}`",
                        serves=self._serving(), per_node=self.kind == "DaemonSet", labels=labels,
                        anchor=f"{self.ref}:grace")]

    def _serving(self) -> str:
        """What shows a container of the pod has work a SIGKILL cuts: a declared port, or a command that starts a
        server or a worker (`""`: none)."""
        for container in Y.sequence(Y.get(self.pod, "containers")):
            name = Y.scalar(Y.get(container, "name")) or "container"
            port = next((Y.scalar(Y.get(p, "containerPort")) for p in Y.sequence(Y.get(container, "ports"))), None)
            if port:
                return f"container `{name}` listens on port {port}"
            command, args = Y.get(container, "command"), Y.get(container, "args")
            argv = command_argv(command) + command_argv(args) if command is not None else command_argv(args)
            for started in commands_of(argv) if argv else ():
                role = program_role(started.argv)
                if role in (P.WEB_SERVER, P.WORKER):
                    kind = "server" if role == P.WEB_SERVER else "worker"
                    return f"container `{name}` runs the {kind} `{' '.join(started.argv)}`"
        return ""


def volume_fact(path: str, line: int, column: int, workload: str, target: str, *, replicas: int = 1,
                container: str = "", **fields: Any) -> PlatformVolume:
    """Storage mounted into a platform's process (a Kubernetes volume, a Fly volume, a Render disk):
    `node_local` when its data lives on one machine (or pod) only."""
    return PlatformVolume(path, line, column, workload=workload, target=target, data_like=is_data_path(target),
                          replicas=replicas, scaled=replicas > 1, container=container,
                          anchor=f"{workload}:{container}:{target}", **fields)


def _secrets(path: str, pairs: Sequence[tuple[str, yaml.Node | None]], where: str, how: str) -> list[Fact]:
    """Secrets the manifest commits (analyze/deploy_secret.py): secret-named keys bound to a real-looking literal,
    passwords in service URLs."""
    facts: list[Fact] = []
    for key, value in pairs:
        text = Y.scalar(value)
        found = committed_secret(key, text, interpolated=False) if value is not None and text is not None else None
        if value is not None and found is not None:
            facts.append(SecretValue(path, Y.line(value), Y.column(value), key=key, where=where, how=how,
                                     shape=found.shape, own_key=found.own_key, url=found.url, digest=found.digest,
                                     anchor=f"{where}:{key}"))
    return facts


def _settings_modules(path: str, env: yaml.Node | None) -> list[SettingsModule]:
    """An `env` entry setting DJANGO_SETTINGS_MODULE to a literal: the settings module the container runs."""
    found = []
    for entry in Y.sequence(env):
        value = Y.get(entry, "value")
        module = Y.scalar(value) or ""
        if Y.scalar(Y.get(entry, "name")) == "DJANGO_SETTINGS_MODULE" and value is not None and \
                re.fullmatch(r"[\w.]+", module) and module != _PLACEHOLDER:
            found.append(SettingsModule(path, Y.line(value), Y.column(value), module=module,
                                        anchor=f"settings_module:{module}"))
    return found


def _helper_facts(path: str, text: str) -> list[Fact]:
    """A Helm chart's helper templates (`templates/_envs.tpl`): the `env` lists its named templates define, which the
    chart's manifests include. Only the settings modules they name are read; a helper that is not YAML once its
    template actions are blanked gives nothing."""
    text = _TEMPLATE_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines) if _DEFINE.match(line)] or [0]
    documents: list[yaml.Node] = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):  # each named template on its own
        try:
            chunk = "\n" * start + "\n".join(lines[start:end])  # line numbers stay
            documents += [doc for doc in Y.compose_all(_blank_templates(chunk)) if doc is not None]
        except (yaml.YAMLError, RecursionError):
            continue
    found: list[Fact] = []
    pending = documents
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            found += _settings_modules(path, Y.get(node, "env"))
            pending += [value for _, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
    return found


def _env_secrets(path: str, env: yaml.Node | None, where: str) -> list[Fact]:
    """`env` entries with a literal `value` (a `valueFrom.secretKeyRef` has none)."""
    pairs = [(Y.scalar(Y.get(entry, "name")) or "", Y.get(entry, "value")) for entry in Y.sequence(env)]
    return _secrets(path, pairs, where, "`env` value")


def _config_map_secrets(path: str, name: str, doc: yaml.Node) -> list[Fact]:
    pairs = [(key, value) for key, (_, value) in Y.items(Y.get(doc, "data")).items()]
    return _secrets(path, pairs, f"ConfigMap `{name}`", "ConfigMap `data` entry")


def _secret_manifest(path: str, name: str, doc: yaml.Node) -> list[Fact]:
    """A committed Secret's literal entries: `stringData` as written, `data` base64-decoded. (A SealedSecret's
    `encryptedData` is encrypted for the cluster, and a template's values are not literals.)"""
    pairs = [(key, value) for key, (_, value) in Y.items(Y.get(doc, "stringData")).items()]
    facts = _secrets(path, pairs, f"Secret `{name}`", "`stringData` entry")
    for key, (_, value) in Y.items(Y.get(doc, "data")).items():
        decoded = _base64(Y.scalar(value) or "")
        if decoded is not None:
            facts += _secrets(path, [(key, yaml.ScalarNode("tag:yaml.org,2002:str", decoded, value.start_mark,
                                                             value.end_mark))], f"Secret `{name}`", "`data` entry")
    return facts


def _base64(text: str) -> str | None:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _sticky(path: str, kind: str, name: str, doc: yaml.Node) -> list[Fact]:
    facts: list[Fact] = []
    where = f"{kind} `{name}`"
    affinity = Y.get(doc, "spec", "sessionAffinity")
    if kind == "Service" and affinity is not None and Y.scalar(affinity) == "ClientIP":
        facts.append(ProxySticky(path, Y.line(affinity), Y.column(affinity), how="`sessionAffinity: ClientIP`",
                                 where=where, anchor=f"{where}:sessionAffinity"))
    for key, (key_node, value) in Y.items(Y.get(doc, "metadata", "annotations")).items():
        text = (Y.scalar(value) or "").lower()
        if key in _STICKY_ANNOTATIONS and text not in {"", "false", "0", "none"}:
            facts.append(ProxySticky(path, Y.line(key_node), Y.column(key_node),
                                     how=f"{_STICKY_ANNOTATIONS[key]} `{key}: {Y.scalar(value)}`", where=where,
                                     anchor=f"{where}:{key}"))
    if kind == "DestinationRule":
        policies = [Y.get(doc, "spec", "trafficPolicy")]
        policies += [Y.get(s, "trafficPolicy") for s in Y.sequence(Y.get(doc, "spec", "subsets"))]
        for policy in policies:
            node = Y.get(policy, "loadBalancer", "consistentHash")
            if node is not None:
                facts.append(ProxySticky(path, Y.line(node), Y.column(node), how="Istio `loadBalancer.consistentHash`",
                                         where=where, anchor=f"{where}:consistentHash"))
    return facts


def _pod_spec(kind: str, spec: yaml.Node | None, api: str) -> yaml.Node | None:
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        return Y.get(spec, "jobTemplate", "spec", "template", "spec")
    if kind == "Service" and api.startswith("serving.knative.dev"):
        return Y.get(spec, "template", "spec")  # Knative / Cloud Run: a scaled, request-driven service
    if kind in _SCALABLE or kind in {"DaemonSet", "Job"}:
        return Y.get(spec, "template", "spec")
    return None


def _pod_labels(kind: str, doc: yaml.Node) -> yaml.Node | None:
    if kind == "Pod":
        return Y.get(doc, "metadata", "labels")
    if kind == "CronJob":
        return Y.get(doc, "spec", "jobTemplate", "spec", "template", "metadata", "labels")
    return Y.get(doc, "spec", "template", "metadata", "labels")


def _service(path: str, name: str, doc: yaml.Node) -> list[Fact]:
    """A Service, with its selector (for link to tell which pods receive requests)."""
    selector = tuple(f"{key}={Y.scalar(value) or ''}" for key, (_, value) in Y.items(Y.get(doc, "spec", "selector")).items())
    return [Service(path, Y.line(doc), 1, name=name, selector=selector, anchor=f"service:{name}")]


def _hpa(path: str, doc: yaml.Node) -> list[Fact]:
    target = Y.get(doc, "spec", "scaleTargetRef")
    minimum = _int(Y.get(doc, "spec", "minReplicas"))
    kind, name = Y.scalar(Y.get(target, "kind")), Y.scalar(Y.get(target, "name"))
    if not kind or not name or minimum is None:
        return []
    return [Hpa(path, Y.line(doc), 1, workload=f"{kind}/{name}", replicas=minimum, anchor=f"hpa:{kind}/{name}")]


def _kustomize_replicas(path: str, doc: yaml.Node) -> list[Fact]:
    facts: list[Fact] = []
    for entry in Y.sequence(Y.get(doc, "replicas")):
        name, count = Y.scalar(Y.get(entry, "name")), _int(Y.get(entry, "count"))
        if name and count is not None:
            facts.append(ReplicasOverride(path, Y.line(entry), 1, name=name, replicas=count, anchor=f"replicas:{name}"))
    return facts


def _claims(path: str, documents: list[yaml.Node]) -> list[Claim]:
    """The PersistentVolumeClaims of this file that have one access mode (ReadWriteOnce, ...)."""
    found = []
    for doc in documents:
        if Y.scalar(Y.get(doc, "kind")) == "PersistentVolumeClaim":
            modes = [Y.scalar(m) for m in Y.sequence(Y.get(doc, "spec", "accessModes"))]
            name = Y.scalar(Y.get(doc, "metadata", "name")) or ""
            if len(modes) == 1 and modes[0]:
                found.append(Claim(path, Y.line(doc), 1, name=name, access=modes[0], anchor=f"claim:{name}"))
    return found


def _document_facts(path: str, doc: yaml.Node, claims: dict[str, str], best_effort: bool,
                    values_refs: dict[int, str]) -> list[Fact]:
    kind = Y.scalar(Y.get(doc, "kind")) or ""
    api = Y.scalar(Y.get(doc, "apiVersion")) or ""
    name = Y.scalar(Y.get(doc, "metadata", "name")) or kind.lower()
    spec = Y.get(doc, "spec")
    facts = _sticky(path, kind, name, doc)
    if kind == "ClowdApp":
        return facts + _packaged(path, doc)
    if kind == "HorizontalPodAutoscaler":
        return facts + _hpa(path, doc)
    if kind == "Kustomization" or posixpath.basename(path) in {"kustomization.yaml", "kustomization.yml"}:
        return facts + _kustomize_replicas(path, doc)
    if kind == "ConfigMap":
        return facts + _config_map_secrets(path, name, doc)
    if kind == "Secret":
        return facts + _secret_manifest(path, name, doc)
    if kind == "Service" and not api.startswith("serving.knative.dev"):
        return facts + _service(path, name, doc)
    pod = _pod_spec(kind, spec, api)
    if pod is not None:
        workload = _Workload(path, kind, name, Y.line(doc), spec, pod, best_effort, values_refs)
        workload.labels = _pod_labels(kind, doc)
        if kind == "Service":  # Knative scales a revision out as requests come: more than one copy
            workload.replicas = max(workload.replicas, _int(Y.get(spec, "template", "metadata", "annotations",
                                                                    "autoscaling.knative.dev/min-scale")) or 1)
        facts += workload.facts(claims)
    return facts


_OPENSHIFT_TEMPLATE = re.compile(r"^kind:[ \t]*['\"]?Template['\"]?[ \t]*$(?=(?:.|\n)*^objects:)", re.MULTILINE)


def _template_workloads(path: str, text: str) -> list[Fact]:
    """An OpenShift Template is read only for the long-running workloads it packages (`PackagedWorkload`)."""
    try:
        documents = [d for d in Y.compose_all(text) if d is not None]
    except (yaml.YAMLError, RecursionError):
        return []
    return [f for doc in documents if Y.scalar(Y.get(doc, "kind")) == "Template" for f in _packaged(path, doc)]


_LONG_RUNNING_KINDS = {"Deployment", "DeploymentConfig", "StatefulSet", "DaemonSet"}


def _packaged(path: str, doc: yaml.Node, outer: str = "") -> list[Fact]:
    """The long-running workloads of an OpenShift Template's `objects` and of a Clowder ClowdApp's `deployments`."""
    kind = Y.scalar(Y.get(doc, "kind")) or ""
    name = Y.scalar(Y.get(doc, "metadata", "name")) or kind.lower()
    here = f"{outer}{kind}/{name}"
    if kind == "Template":
        return [f for o in Y.sequence(Y.get(doc, "objects")) for f in _packaged(path, o, here + " ")]
    if kind == "ClowdApp":
        return [f for d in Y.sequence(Y.get(doc, "spec", "deployments")) for f in (
            PackagedWorkload(path, Y.line(d), 1, workload=f"{here} deployment `{Y.scalar(Y.get(d, 'name')) or ''}`",
                             anchor=f"packaged:{here}:{Y.scalar(Y.get(d, 'name')) or ''}"),
            *_clowdapp_migrations(path, name, d))]
    if kind in _LONG_RUNNING_KINDS and outer:
        return [PackagedWorkload(path, Y.line(doc), 1, workload=here, anchor=f"packaged:{here}")]
    return []


def _clowdapp_migrations(path: str, app: str, deployment: yaml.Node) -> list[Fact]:
    """A Clowder ClowdApp deployment's `podSpec` is its app container (`command`/`args`, `initContainers`): a
    migration chained before the server there, or run by an init container, runs at every pod start of every
    replica, as in a Deployment. Only that is read from it (its other settings are the operator's to render)."""
    pod = Y.get(deployment, "podSpec")
    if pod is None:
        return []
    name = f"`{app}` deployment `{Y.scalar(Y.get(deployment, 'name')) or ''}`"
    workload = _Workload(path, "ClowdApp", name, Y.line(deployment), deployment, pod, best_effort=False)
    origin, argv = workload._origin(pod, several=False, init=False)
    commands = commands_of(argv) if origin is not None else []
    facts: list[Fact] = [f for f in command_facts(path, origin, commands) if isinstance(f, MigrationAtStart)] \
        if origin is not None else []
    if commands and all(c.program in _IDLERS for c in expand(commands)):
        return facts  # a pod that only sleeps exists for its init container: that job is the one-off step
    for container in Y.sequence(Y.get(pod, "initContainers")):
        facts += workload._init_container(container)
    return facts


_IDLERS = frozenset({"sleep", "true", ":", "tail"})
"""Programs of a container that serves nothing (`while true; do sleep 86400; done`)."""


def _parse_failure(path: str, error: yaml.YAMLError, lines: list[str]) -> Fact:
    if isinstance(error, yaml.MarkedYAMLError):
        marks = [m for m in (error.problem_mark, error.context_mark) if m is not None]
        mark = next((m for m in marks if m.line < len(lines)), marks[-1] if marks else None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return parse_error(path, f"invalid YAML: {error.problem or error.context or error}", line, column)
    return parse_error(path, f"invalid YAML: {type(error).__name__}")


def _helm_values(path: str, text: str) -> list[Fact]:
    """A chart's values file: the integer, boolean and one-word defaults of `values.yaml`, by dotted key (link.helm
    reads them for a template's replicas, `{{ if .Values.X }}` switches and `eq .Values.X "v"` comparisons), and
    the secrets any values file commits (a chart default or one deploy's values, which the templates render into
    env values, ConfigMaps or Secrets); an unreadable file gives none."""
    try:
        root = Y.compose(text)
    except (yaml.YAMLError, RecursionError):
        return []
    defaults = posixpath.basename(path) in _VALUES_FILES
    how = "chart default" if defaults else "deploy values"
    found: list[Fact] = []
    pending: list[tuple[str, yaml.Node | None]] = [("", root)]
    while pending:
        prefix, node = pending.pop()
        for key, (key_node, value) in Y.items(node).items():
            dotted = f"{prefix}{key}"
            number = _int(value) if isinstance(value, yaml.ScalarNode) else None
            if number is None and isinstance(value, yaml.ScalarNode):
                number = _BOOLEAN.get((Y.scalar(value) or "").lower())
            word = Y.scalar(value) if isinstance(value, yaml.ScalarNode) else None
            if defaults and word is not None and (number is not None or _WORD.match(word)):
                found.append(HelmValue(path, Y.line(key_node), 1, key=dotted, value=number or 0, text=word,
                                       anchor=f"value:{dotted}"))
            if isinstance(value, yaml.MappingNode):
                pending.append((f"{dotted}.", value))
            elif isinstance(value, yaml.ScalarNode) and not (number is not None and defaults):
                found += _secrets(path, [(key, value)], f"Helm values `{dotted}`", how)
    return found


def _rendering(path: str, text: str, best_effort: bool, refs: dict[int, str]) -> tuple[list[Fact], Fact | None]:
    """The facts of a manifest (a template's blanked text), and the parse error of a plain one that fails part way."""
    documents: list[yaml.Node] = []
    failure = None
    try:
        for doc in Y.compose_all(_blank_templates(text) if best_effort else text):
            if doc is not None:
                documents.append(doc)
    except (yaml.YAMLError, RecursionError) as error:
        if best_effort and not documents:
            raise Unanalyzable(f"Helm template not readable without helm ({type(error).__name__})") from None
        failure = None if best_effort else _parse_failure(path, error, lines=split_lines(text)) \
            if isinstance(error, yaml.YAMLError) else parse_error(path, "invalid YAML: RecursionError")
    claim_facts = _claims(path, documents)
    claims = {c.name: c.access for c in claim_facts}
    return [*claim_facts, *(f for doc in documents for f in _document_facts(path, doc, claims, best_effort, refs))], \
        failure


def _compared(path: str, text: str, chains: list[list[helm_arms.Arm]], first: list[Fact],
              refs: dict[int, str]) -> list[Fact]:
    """Each arm of a template's value comparisons read as its own rendering (`first`: every chain's first arm):
    what every rendering has is unconditional, what one has alone carries its arm's condition (dev-only for a
    development value or the `else` of a production one), with a `HelmSwitch` link resolves from the chart's
    default."""
    renderings = [first]
    for k in range(1, max(len(chain) for chain in chains)):
        try:
            renderings.append(_rendering(path, helm_arms.variant(text, chains, k), True, refs)[0])
        except Unanalyzable:
            renderings.append([])
    common = set(first).intersection(*renderings[1:])
    facts = [f for f in first if f in common]
    switches: dict[helm_arms.Arm, HelmSwitch] = {}
    for k, rendering in enumerate(renderings):
        for f in rendering:
            arm = None if f in common or f.condition else helm_arms.arm_of(f.line, chains, k)
            if arm is not None:
                switches.setdefault(arm, _switch(path, arm.first, arm.key, arm.condition, arm.values, arm.negated))
            marked = f if arm is None else replace(f, condition=arm.condition, dev_only=f.dev_only or arm.dev_only)
            if f not in common and marked not in facts:
                facts.append(marked)
    return facts + list(switches.values())


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    found = directives.scan_hash_comments(lines)
    if HELM_VALUES.match(posixpath.basename(path)):  # a chart's values (link.helm reads values.yaml for replicas)
        # a chart's values configure its containers' environment in ways only `helm` renders
        unread = EnvVar(path, 1, 1, name="*", where="Helm chart values", own_value=False, anchor="env:*")
        return FileAnalysis((*_helm_values(path, text), unread), found)
    if path.endswith(".tpl"):
        return FileAnalysis(tuple(_helper_facts(path, text)), found)
    if _OPENSHIFT_TEMPLATE.search(text):  # its `${{PARAM}}`s are OpenShift's parameters, not Helm's
        return FileAnalysis(tuple(_template_workloads(path, text.replace("${{", "${"))), found)
    best_effort = "{{" in text
    if best_effort and "templates" not in path.split("/")[:-1]:
        raise Unanalyzable("a templated manifest outside a Helm chart's templates/ directory: helm never renders it")
    refs = {number: m.group(1) for number, line in enumerate(text.split("\n"), start=1)
            for m in [_VALUES_REPLICAS.match(line)] if m} if best_effort else {}
    chains = helm_arms.arms(text) if best_effort else []
    facts, failure = _rendering(path, helm_arms.variant(text, chains, 0) if chains else text, best_effort, refs)
    if chains:
        facts = _compared(path, text, chains, facts, refs)
    if best_effort:
        facts = _opt_in(path, text, facts)
    if failure is not None:
        facts.append(failure)
    return FileAnalysis(tuple(facts), found)
