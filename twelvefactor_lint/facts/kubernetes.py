"""Facts about Kubernetes manifests (plain, kustomize, Helm templates best effort). A container's command
also gives `process.*` facts, its volumes `platform.volume` facts (see platform.py)."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, doc, kind
from twelvefactor_lint.facts.compose import Scaled
from twelvefactor_lint.facts.platform import DeploySecret


@kind("kubernetes.workload")
class Workload(Scaled):
    """A container of a workload (Deployment, StatefulSet, Job, CronJob, Pod, Knative Service): the inventory's
    entry when it sets no command of its own (its image's start command runs)."""

    workload: str = doc("The workload: `Deployment/web`.")
    workload_kind: str = doc("Its kind: `Deployment`, `StatefulSet`, `CronJob`, ...")
    name: str = doc("Its name.")
    process: str = doc("The process type: the workload's name, with the container's when it has several (`web/app`).")
    container: str = doc("The container's name.")
    image: str = doc("The container's image.")
    has_command: bool = doc("The container sets `command:` or `args:` (its start command gives `process.*` facts).")
    one_off: bool = doc("A Job or CronJob: runs to completion.")
    source: str = doc("How messages name it: ``Kubernetes Deployment `web` container `app` ``.")


@kind("kubernetes.packaged_workload")
class PackagedWorkload(Fact):
    """A long-running workload an OpenShift `Template` or a Clowder `ClowdApp` declares (a Deployment among a
    Template's `objects`, a ClowdApp's `deployments`), which is not read further: proof that the project deploys
    to a cluster."""

    workload: str = doc("The workload: `ClowdApp/inventory`, `Template/app Deployment/web`.")


@kind("kubernetes.secret_value")
class SecretValue(DeploySecret):
    """A secret committed in a manifest: a container's `env`, a ConfigMap's `data`, a Secret's `data`/`stringData`."""


@kind("kubernetes.no_grace")
class NoGrace(Fact):
    """A workload that leaves its processes no time to stop cleanly."""

    workload: str = doc("The workload: `Deployment/web`.")
    cause: str = doc("`grace` (`terminationGracePeriodSeconds: 0`) or `pre_stop` (a `preStop` hook that never returns).")
    how: str = doc("The setting in words.")
    where: str = doc("Where it is set: ``Deployment `web` ``, ``container `app` ``.")
    serves: str = doc("For `grace`, what shows its processes have work a SIGKILL cuts: a container port "
                      "(``container `web` listens on port 8000``), a server or worker command, a Service selecting its "
                      "pods or a SIGTERM handler in the repository's code (those two filled by link); `\"\"`: none "
                      "known.", default="")
    per_node: bool = doc("The workload is a DaemonSet: a per-node agent (an image cleaner, a log shipper), not a "
                         "service's replicas.", default=False)
    labels: tuple[str, ...] = doc("The pod template's labels (`app=web`), for link to find the Services selecting "
                                  "its pods.", default=())


@kind("kubernetes.service")
class Service(Fact):
    """A Kubernetes Service: the pods its selector matches receive requests."""

    name: str = doc("Its name.")
    selector: tuple[str, ...] = doc("Its `spec.selector` (`app=web`); empty: it selects no pods by label.")


@kind("kubernetes.hpa")
class Hpa(Fact):
    """A HorizontalPodAutoscaler: link gives its workload the minimum replicas."""

    workload: str = doc("The workload it scales: `Deployment/web`.")
    replicas: int = doc("Its `minReplicas` (1 when none).")


@kind("kubernetes.replicas_override")
class ReplicasOverride(Fact):
    """A kustomize `replicas:` entry: link gives the workload of that name its count."""

    name: str = doc("The workload's name.")
    replicas: int = doc("The count.")


@kind("kubernetes.helm_replicas")
class HelmReplicas(Fact):
    """A Helm template's `replicas: {{ .Values.KEY }}`: link reads the chart's values.yaml default and gives the
    workload (of this template file) that many replicas."""

    workload: str = doc("The workload: `Deployment/web` (Helm names are often templated: `Deployment/TEMPLATE`).")
    key: str = doc("The values key (`replicaCount`, `web.replicas`).")
    chart: str = doc("The chart's directory (the one holding `templates/`), relative to the project root.")
    replicas: int = doc("The default from the chart's values file, filled by link (0: not known).", default=0)


@kind("kubernetes.helm_switch")
class HelmSwitch(Fact):
    """A Helm template's `{{ if .Values.KEY }}` block, or an arm of a `{{ if eq .Values.KEY "v" }} ... {{ else }}`
    chain, holding facts, which carry its `condition` (opt-in) as it does: link reads the chart's values.yaml
    default, and a default that switches the block on (selects the arm) makes those facts the chart's default
    deploy (their condition cleared)."""

    key: str = doc("The values key (`guacamole.enabled`, `settings`).")
    chart: str = doc("The chart's directory (the one holding `templates/`), relative to the project root.")
    values: tuple[str, ...] = doc("An arm of a comparison: the values that select it (`(\"prod\",)`); `()`: a plain "
                                  "`{{ if .Values.KEY }}` switch.", default=())
    negated: bool = doc("An arm of a comparison selected by any value but `values` (an `else`, an `ne`).",
                        default=False)


@kind("kubernetes.helm_value")
class HelmValue(Fact):
    """An integer, boolean or one-word default in a Helm chart's values.yaml (read when a template's `replicas`,
    `{{ if .Values.KEY }}` or `eq .Values.KEY "v"` refers to one)."""

    key: str = doc("The dotted key (`replicaCount`, `web.replicas`, `guacamole.enabled`, `settings`).")
    value: int = doc("The integer (a boolean: 1 for true, 0 for false; 0 for a word).")
    text: str = doc("The default as written (`prod`, `3`, `true`).", default="")


@kind("kubernetes.claim")
class Claim(Fact):
    """A PersistentVolumeClaim with one access mode: link gives the workloads mounting it (from any file, a
    kustomize base's `pvc.yaml` beside its `deployment.yaml`) its access mode."""

    name: str = doc("The claim's name.")
    access: str = doc("Its access mode (`ReadWriteOnce`, `ReadWriteMany`, ...).")
