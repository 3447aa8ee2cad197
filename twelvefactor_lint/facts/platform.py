"""Facts about what a platform runs, whichever file declares it: storage mounted into a process (a Kubernetes
volume, a Fly volume, a Render disk), a formation's process counts (Heroku `app.json`) and the environment
variables a deploy file sets for the app's processes."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, base, doc, kind
from twelvefactor_lint.facts.compose import InService, Scaled


@kind("platform.volume")
class PlatformVolume(Scaled):
    """Storage mounted into a platform's process."""

    workload: str = doc("What mounts it: `Deployment/web`, ``fly.toml `[mounts]` ``.")
    target: str = doc("The path inside the process's filesystem.")
    data_like: bool = doc("The target looks like application data (`/data`, `uploads`, `media`, a database path).")
    read_only: bool = doc("Mounted read-only.", default=False)
    shared_rwo: bool = doc("A ReadWriteOnce claim mounted by a workload that is not a DaemonSet: one node at a time.",
                           default=False)
    container: str = doc("The container that mounts it (`\"\"`: the platform's one process).", default="")
    storage: str = doc("What the storage is, in words: ``the node's disk (hostPath `/srv`) ``, `a pod-local emptyDir`.")
    source: str = doc("The host path, claim or volume name.")
    node_local: bool = doc("Its data lives on one machine (or pod) only.")
    access: str = doc("A claim's access mode (`ReadWriteOnce`), when the manifests say; else `\"\"`.", default="")
    seeded_by: str = doc("The init container that also mounts a pod-local emptyDir (it fills or prepares it before the "
                         "app starts: fetched data, a permission fix); `\"\"` otherwise.", default="")


@kind("platform.formation")
class Formation(Fact):
    """A process type a platform runs as several copies (Heroku `app.json` `formation.quantity`)."""

    process: str = doc("The process type.")
    replicas: int = doc("How many copies run.")


@kind("platform.settings_module")
class SettingsModule(Fact):
    """A deploy file sets DJANGO_SETTINGS_MODULE (a Dockerfile's ENV, a compose service's environment): the module
    wsgi.py falls back to when it is unset is not what runs."""

    module: str = doc("The settings module it names (`core.settings.prod`).")


@kind("platform.env_var")
class EnvVar(Fact):
    """A deploy file sets an environment variable for a process (a Dockerfile's `ENV`, a compose service's
    `environment:`, a Kubernetes container's `env`), or loads variables it does not name (`*`); link.deploy_env
    tells Python fallbacks about it."""

    name: str = doc("The variable (`DATABASE_URL`); `*` when the file loads variables it does not name (compose "
                    "`env_file`, Kubernetes `envFrom`, a Helm chart's values, a platform whose config vars live outside "
                    "the repository: a Procfile, `fly.toml`, `app.json`).")
    where: str = doc("Who gets it: `Dockerfile ENV`, ``compose service `web` ``, ``Deployment `api` container `app` ``.")
    service: str = doc("The compose service or Kubernetes workload that gets it (`\"\"`: the Dockerfile's image).",
                       default="")
    own_value: bool = doc("The deploy gives it a value of its own: a literal, a Secret reference, or the operator's "
                          "environment without a literal default (`${X}`, not `${X:-dev}`, which a forgotten X turns "
                          "into the same literal).")
    value: str = doc("The value, when the file gives a literal (`True`, `production`); `\"\"`: none, or not a literal "
                     "(`${X}`, a Secret reference).", default="")
    required: bool = doc("The deploy refuses to start without it (compose's `${X?message}`, `${X:?message}`): the "
                         "variable's value comes from the operator, who must give one.", default=False)
    complete: bool = doc("The process runs with exactly the environment the file lists (a compose service or a "
                         "Kubernetes container that may run the app, not a database or proxy image), so a variable it "
                         "does not set is unset there; `false` for an image's `ENV`, which a deploy adds to.",
                         default=False)
    one_off: bool = doc("The process that gets it runs once and exits: a compose service another waits to complete "
                        "(`service_completed_successfully`) or that starts once, a Kubernetes Job or CronJob — an "
                        "init or release step, not the long-running processes.", default=False)


@base
class DeploySecret(InService):
    """A secret committed in a deploy file: a secret-named key bound to a literal that looks like a real secret, or
    a backing-service URL with a password in it (judged the same way in every deploy file: analyze/deploy_secret.py)."""

    key: str = doc("The key.")
    where: str = doc("Where: ``Deployment `web` container `app` ``, ``ConfigMap `settings` ``, ``service `web` ``.")
    how: str = doc("How, in words (`` `env` value``, ``ConfigMap `data` entry``, `` `environment` entry``).")
    shape: str = doc("What the value looks like (the password, for a URL): `provider` (a provider's token format), "
                     "`random` (long, mixed and high-entropy like a generated key), `hash` (a password hash, "
                     "`$2b$12$...`), `test_key` (a test key its provider publishes: reCAPTCHA's, Turnstile's), "
                     "`insecure_marker` (Django's `django-insecure-` prefix), `browser_key` (a Google Maps key, "
                     "named for maps), `public_default` (a service URL logging in with a product's published "
                     "default account: RabbitMQ's `guest:guest`), `declared_placeholder` (a literal that says it is not a "
                     "real key: `do-not-use-this-key-for-production`, `insecure_password`) or `word` (anything else).",
                     default="word")
    own_key: bool = doc("The variable is the app's own signing or encryption key (`SECRET_KEY`, `JWT_SECRET`, a salt): "
                        "a known value lets anyone forge what it signs, whatever the value looks like.", default=False)
    url: str = doc("The backing-service URL the password is in, masked (`postgres://app:***@db`); `\"\"`: the value "
                   "is the secret itself.", default="")
    default: bool = doc("The literal is a `${VAR:-literal}` default: what runs whenever the deploy does not set the "
                        "variable.", default=False)
    digest: str = doc("A short hash of the secret (the password, for a URL), never the value: the same literal "
                      "committed in two places has the same digest, one secret to rotate (judge.rollup folds them).",
                      default="")


@kind("compose.secret_value")
class ComposeSecretValue(DeploySecret):
    """A secret committed in a compose service's `environment:`."""
