"""link.containers: a production compose mount at the very path the image its service runs declares a data `VOLUME`
is one problem with that `VOLUME` (TF616 reports the Dockerfile line, the mount related)."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.compose import ComposeVolume
from twelvefactor_lint.facts.dockerfile import DockerfileVolume
from twelvefactor_lint.runner import gather

_DOCKERFILE = "FROM python:3.12-slim\nCOPY . /app\nVOLUME /data\nCMD [\"python\", \"sickchill.py\"]\n"


def _volumes(tmp_path, compose: str) -> tuple[dict[str, str], tuple]:
    write_tree(tmp_path / "sickchill", {"Dockerfile": _DOCKERFILE, "docker-compose.yaml": compose,
                                        "sickchill.py": "print('start')\n"})
    root = tmp_path / "sickchill"
    _, linked = gather([root], Settings(root=root, cache=False, jobs=1))
    mounts = {f.target: f.image_volume for f in linked.facts if isinstance(f, ComposeVolume)}
    places = next(f.places for f in linked.facts if isinstance(f, DockerfileVolume))
    return mounts, places


def test_a_mount_at_the_image_volume_of_the_project_image_is_related_to_it(tmp_path):
    mounts, places = _volumes(tmp_path, "services:\n  sickchill:\n    image: sickchill/sickchill:latest\n"
                                        "    volumes:\n      - /srv/data:/data\n      - /srv/media:/media\n")
    assert mounts == {"/data": "Dockerfile:3", "/media": ""}
    assert places == (("docker-compose.yaml", 5, 9),)


def test_another_image_or_several_replicas_keep_their_own_finding(tmp_path):
    mounts, places = _volumes(tmp_path, "services:\n  mq:\n    image: acme/broker:1\n    volumes:\n      - /srv/mq:/data\n")
    assert mounts == {"/data": ""} and places == ()
    mounts, places = _volumes(tmp_path, "services:\n  sickchill:\n    build: .\n    deploy: {replicas: 2}\n"
                                        "    volumes:\n      - /srv/data:/data\n")
    assert mounts == {"/data": ""} and places == ()
