"""Facts about compose files: services, how they are built, what pins them to one copy."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, base, doc, kind


@base
class InService(Fact):
    """A fact that can belong to a compose service (process facts declared elsewhere have no service)."""

    service: str = doc("The compose service it belongs to (`\"\"` outside compose).", default="")
    role: str = doc("What the service is, settled by link across files: `app`, `infra` (a database, cache, broker), "
                    "`proxy`, `unknown` (a partial override); `app` outside compose.", default="app")
    foreign_image: str = doc("The image the service pulls, when it builds nothing here and the image's name shares no "
                             "word with the project's (its directory, packages, declared name, images built here): "
                             "third-party software, maybe, that runs as one copy by design; `\"\"` otherwise.",
                             default="")


@base
class Scaled(InService):
    """A fact that knows how many copies of its service run."""

    replicas: int = doc("How many copies run (compose `deploy.replicas` or `scale`; else 1).", default=1)
    scaled: bool = doc("`replicas` is more than 1.", default=False)
    replicas_condition: str = doc("What the count rests on when a deploy may change it (a Helm chart's values "
                                  "default), set by link: a finding whose match depends on the count (`scaled`, "
                                  "`replicas`, `followed`) is judged one severity lower, saying so; `\"\"`: declared.",
                                  default="")


@kind("compose.service")
class ComposeService(InService):
    """A service of a compose file (`role` is `built` until link reads the Dockerfile it builds)."""

    replicas: int = doc("`deploy.replicas` or `scale`, else 1.")
    image: str = doc("Its `image:` (`\"\"` when none).")
    build_context: str = doc("Its `build:` context as written (`\"\"` when it builds nothing).")
    dockerfile: str = doc("Its `build.dockerfile` as written.")
    target: str = doc("Its `build.target` (a Dockerfile stage).")
    built_context: str = doc("The build context, relative to the project root.")
    built_dockerfile: str = doc("The Dockerfile it builds, relative to the project root.")
    command: str = doc("Its `command:` as one string.")
    entrypoint: str = doc("Its `entrypoint:` as one string.")
    partial: bool = doc("It has neither `image:`, `build:` nor `extends:`: it completes a service another file "
                        "defines.", default=False)
    extends: str = doc("The compose file its `extends:` takes the definition from (this file when `extends:` names "
                       "none); `\"\"`: no `extends:`.", default="")
    dev_tag: bool = doc("It builds an image and tags it for development (`image: local/nyaa:devel`, `app:dev`): the "
                        "Dockerfile it builds is the developers' image.", default=False)


@kind("compose.scaling_blocker")
class ComposeScalingBlocker(Scaled):
    """A setting that stops a service from running as several copies (a fixed name or host port)."""

    blocker: str = doc("`container_name`, `hostname` or `fixed host port`.")
    value: str = doc("The value as written (`8000:8000`, `published: 8000`).")
    singleton: bool = doc("The service is one by nature, whatever it sets (a scheduler like celery beat, a one-off "
                          "task, an admin tool).")


@kind("compose.volume")
class ComposeVolume(Scaled):
    """A volume mounted into a service."""

    source: str = doc("The host path or volume name (`./data`, `pgdata`); a variable without a default as written "
                      "(`${UPLOAD_PATH}`, a host path the deploy sets).")
    target: str = doc("The path inside the container.")
    mount_type: str = doc("`bind` (a host path) or `named` (a volume).")
    host_path: str = doc("A relative bind mount's host path, relative to the project root (`../shared` leaves it); "
                         "`\"\"` for a named volume or an absolute, home or variable path.", default="")
    read_only: bool = doc("Mounted `:ro` / `read_only: true`.")
    data_like: bool = doc("The target looks like application data (`/data`, `uploads`, `media`, a database path).")
    built: bool = doc("The service is built from the repository (`build:`).")
    shared: bool = doc("Two or more services of the same file mount the same source: one volume, one problem (its "
                       "findings name the volume first, so its mounts fold into one).", default=False)
    image_volume: str = doc("The `VOLUME` the image the service runs declares at the same path (`Dockerfile:22`; set "
                            "by link): one problem, reported there with this mount as a related place.", default="")
    backing_owner: str = doc("For a named volume a service running a pulled third-party image (no `build:`, an image "
                             "none of the other mounting services runs, not a proxy) mounts too, when no mount of the "
                             "other services is at a path the project's code writes (a settings path, a path its compose "
                             "environment names, a written file's path, an upload or media directory): those services "
                             "(`` `geoserver` (`geonode/geoserver:2.15.x`) ``, joined by ` and `), whose own data it "
                             "holds; `\"\"` otherwise "
                             "(set by link).", default="")
    one_off: bool = doc("The service is a one-off job (its command only runs commands that end by themselves, "
                        "`chown`, `mkdir`, `cp`; or another service waits for it to complete).", default=False)
    import_path: bool = doc("A bind mount whose target is the service's `working_dir` or on its `PYTHONPATH` "
                            "(`./examples:/data` with `PYTHONPATH: /data`): the service imports code from it; link "
                            "takes it for code, not data, when the host directory holds the project's Python files and "
                            "none of them writes a file.", default=False)
