"""Facts about Dockerfiles: stages, the image's filesystem, configuration baked into it.

(Its start command gives `process.*` facts; see process.py.)
"""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, RolledUp, base, doc, kind


@kind("dockerfile.filesystem")
class DockerfileFilesystem(Fact):
    """What the final image (or an earlier named stage, `target`) holds from the build context: link follows
    start commands into it."""

    copies: tuple[tuple[tuple[str, ...], str], ...] = doc("Each COPY/ADD from the context: (sources, absolute destination).")
    workdir: str = doc("The final WORKDIR (`/` when none).")
    entrypoint_script: str = doc("The script the final ENTRYPOINT runs, when it is one (`./scripts/entrypoint.sh`); "
                                 "a compose `command:` becomes its arguments.", default="")
    target: str = doc("The earlier named stage this filesystem is of, which a compose `build: target:` builds "
                      "(`\"\"`: the final stage).", default="")
    built: tuple[tuple[str, int], ...] = doc("The build steps its RUN lines do, flags aside (`manage.py collectstatic`, "
                                             "`pip install requirements.txt`), with their lines.", default=())
    dev_install: str = doc("The first RUN command that installs the development dependencies (`uv sync --dev`, "
                           "`poetry install --with dev`, `pip install -r requirements-dev.txt`); `\"\"`: none.",
                           default="")


@base
class StageFact(Fact):
    """The final stage's base image."""

    base: str = doc("The final stage's `FROM` image.")
    base_kind: str = doc("What the base image is: `language` (python, node), `proxy`, `infra`, else `other`.")
    stage: str = doc("The final stage's name, or its index.")


@kind("dockerfile.final_stage")
class FinalStage(StageFact):
    """The stage the image is built from."""


@kind("dockerfile.missing_start")
class MissingStart(StageFact):
    """The final stage sets no CMD or ENTRYPOINT (nor inherits one)."""

    init_only: bool = doc("Its ENTRYPOINT is only an init (`tini`, `dumb-init`) with no command to run.", default=False)

    started_by: str = doc("A compose service that starts the image with its own `command:` "
                          "(`service `web` in PATH:LINE`), filled by link; else `\"\"`.", default="")
    copies_context: bool = doc("The final image holds files COPY/ADD took from the build context (the repository); "
                               "without any it carries no app of its own: a base or tool image.", default=True)


@kind("dockerfile.overridden_start")
class OverriddenStart(Fact):
    """A CMD or ENTRYPOINT that a later one in the same stage replaces."""

    instruction: str = doc("`CMD` or `ENTRYPOINT`.")
    stage: str = doc("The stage's name, or its index.")
    winner_line: int = doc("The line of the one that takes effect.")
    count: int = doc("How many the stage has.")


@kind("dockerfile.volume")
class DockerfileVolume(RolledUp):
    """A `VOLUME` of the final stage. Its `places` (set by link): the production compose mounts at the same path of
    services that run the image, one problem with it."""

    target: str = doc("The path in the container.")
    data_like: bool = doc("It looks like application data (`/data`, `uploads`, a database path).")
    base_kind: str = doc("The final stage's base image kind (`language`, `infra`, ...).")
    datastore: str = doc("The datastore server the image starts (`radicale`, `redis-server`): its data directory "
                         "belongs on a volume (`\"\"`: the image starts something else).", default="")


@kind("dockerfile.baked_secret")
class BakedSecret(Fact):
    """A secret-named ENV/ARG with a literal value, or an ENV copying a build argument (kept in the image and its
    history)."""

    instruction: str = doc("`ENV` or `ARG`.")
    key: str = doc("The variable.")
    shape: str = doc("What the value looks like: `provider` (a provider's token format), `random` (long, mixed and "
                     "high-entropy like a generated key), `hash` (a password hash, `$2b$12$...`), `test_key` (a test key its "
                     "provider publishes: reCAPTCHA's, Turnstile's), `insecure_marker` (Django's `django-insecure-` "
                     "prefix), `browser_key` (a Google Maps key, named for maps) or `word` (anything else).", default="word")
    own_key: bool = doc("An ENV sets the app's own signing or encryption key (`SECRET_KEY`, `JWT_SECRET`, a salt): "
                        "a known value lets anyone forge what it signs, whatever the value looks like. Not an ARG: "
                        "its value never reaches a container's environment.", default=False)
    from_arg: str = doc("The build argument an `ENV` copies (`ENV API_TOKEN=$API_TOKEN` after `ARG API_TOKEN`): whatever "
                        "secret the image is built with stays in its environment; `\"\"`: a literal.", default="")


@kind("dockerfile.copied_secret")
class CopiedSecret(Fact):
    """A secret or deploy-config file COPY'd into the final image (`.env`, `local_settings.py`, a key)."""

    source: str = doc("The source path as written.")
    public_material: str = doc("What the copied file holds when the repository has it and it is only public key "
                               "material (set by link.key_files): `a public key`, `a certificate`, `an SSH public key` "
                               "or `a PGP public key`, with no private key anywhere in it; `\"\"` otherwise.",
                               default="")
