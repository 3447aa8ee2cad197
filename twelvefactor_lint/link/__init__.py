"""The link stage: project-level reasoning over every file's facts, in explicit, ordered phases.

1. containers: the scripts and supervisord configs that images start are read (through the
   runner's `ProjectFiles`) and tied to the hop that starts them (`start_chains`); compose
   services get their roles and supply their Dockerfiles' start commands (`containers`); Kubernetes
   workloads take the replicas an HPA, a kustomize overlay or a Helm chart's values default gives them
   (`helm`, `replicas`), and the access mode of a claim another file declares (`claims`); what a key-named file
   an image copies in holds, when it is only public key material (`key_files`).
2. python: routed views, imported state, Django settings chains, rate-limiter storage (`python`); functions of
   other modules that start-up code calls (`start_calls`); which
   production modules a start command reaches, and keys made up at import that gunicorn's `--preload` makes once
   for all workers (`reach`); imports no dependency declaration provides, and
   ranges no lock file pins (`dependencies`); a module choosing a different kind of backing service by
   environment (`parity`); which variables every production deploy sets, or a compose file or manifest runs
   the app without, on every Python fact reading one (`deploy_env`); the locators of a defaults file a
   deploy's own config layer is loaded over, or of an Invenio project's `config.py` that `INVENIO_<KEY>` variables
   override (`config_layers`); settings star-imported from a module the repository
   ships only as a template (`deploy_config`); whether anything uses Django's default cache or a Channels layer
   (`unused_backends`); a web server on a literal port where the platform assigns `$PORT` (`ports`); a systemd unit's
   `Type=forking`/`PIDFile=` that only follow a server config which daemonizes itself, and PID files in `/tmp`
   nothing reads, and a unit beside a container deploy running its program (`daemons`); gunicorn configs no start,
   image or deploy file loads while a production start loads another (`server_configs`); log files a shipper
   configured in the repository reads and forwards (`log_shipping`); what a workload with no grace period loses: a
   Service selecting its pods, a SIGTERM handler in the code (`grace`); `sys.path` entries that name the project's
   own directories once read from the script's own directory (`sys_paths`); request handlers of a project that
   serves from a server it starts in its own process, with no deploy running a web server or a second copy, and
   handlers a deploy provably runs in several processes (workers above one, replicas, an HPA, a formation:
   `one_process`).
3. inventory: every declared process (`inventory`); findings attach to it once rules have judged.

`link` is the runner's one entry point. Each phase reads facts and writes facts; more files are read
only through `ProjectFiles`, so the link stage never calls an analyzer itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.link import (
    claims,
    config_layers,
    containers,
    daemons,
    dependencies,
    deploy_config,
    deploy_env,
    grace,
    helm,
    inventory,
    key_files,
    log_shipping,
    one_process,
    parity,
    ports,
    python,
    reach,
    refresh_jobs,
    replicas,
    server_configs,
    start_calls,
    start_chains,
    sys_paths,
    unused_backends,
)
from twelvefactor_lint.link.start_chains import FileRequest, ProjectFiles

__all__ = ["FileRequest", "Linked", "ProjectFiles", "link"]


@dataclass(frozen=True)
class Linked:
    facts: list[Fact]
    """Every file's facts (the started scripts' too), linked: what the rules judge."""
    inventory: inventory.Inventory
    reach: reach.Reach
    """Which production Python modules a start command reaches (each fact carries its file's as `reach`)."""


def link(analyzed: Iterable[Fact], files: ProjectFiles) -> Linked:
    """`analyzed` is copied first: reading started scripts adds their facts to the runner's own list."""
    facts = containers.link(start_chains.link(list(analyzed), files), files.project_name(), files.paths(), files.exists)
    facts = key_files.link(claims.link(replicas.link(helm.link(facts, files))), files)
    facts = refresh_jobs.link(start_calls.link(python.link(facts)))
    facts = deploy_env.annotate(config_layers.link(parity.link(facts)), files.paths())
    facts = unused_backends.link(deploy_config.link(facts, files.exists), complete=files.lazy_refs() is None)
    facts = daemons.link(ports.link(facts, files.paths()), files.paths(), complete=files.lazy_refs() is None)
    facts = grace.link(log_shipping.link(server_configs.link(facts, files)))
    facts = sys_paths.link(facts, lambda rel: files.files_under(rel))  # listed only for an entry that needs it
    reached = reach.compute(facts, files.paths(), files.lazy_refs())
    facts = reach.preloaded(reach.served(reach.annotate(facts, reached), files.paths()), files.paths())
    facts = one_process.link(dependencies.link(facts, files.paths(), reached), files.paths())
    facts = containers.code_mounts(facts, files.paths())
    return Linked(facts, inventory.build(facts), reached)
