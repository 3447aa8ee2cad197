"""Link phase 1, key files: what a key-named file an image copies in holds, when the repository has it.

A `.pem`, `.crt`, `.pub` or `.key` file COPY'd into an image (dockerfile.copied_secret) is a secret baked in only
when it holds a private key. A vendor's public key the app checks signatures with (`-----BEGIN PUBLIC KEY-----`), a
CA certificate (`-----BEGIN CERTIFICATE-----`), an SSH or PGP public key is the same for every deploy and public by
design: copying it into the image is how it is meant to be used. The file is looked for at the source path as written
relative to the Dockerfile's directory and each directory above it up to the root (the build context is one of
them), nearest first; read up to `_READ` bytes, a larger file is not judged. The fact gets `public_material` only
when the whole file is public material and no private key (`PRIVATE KEY`, an OpenSSH or PuTTY private key) is in it:
a bundle of a certificate and its key stays a secret.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dockerfile import CopiedSecret
from twelvefactor_lint.link.start_chains import ProjectFiles

_KEY_FILE = re.compile(r"(?i)\.(pem|crt|cer|pub|key|asc)$")
_READ = 65536
_PRIVATE = re.compile(rb"PRIVATE KEY|PuTTY-User-Key-File|BEGIN PGP PRIVATE")
_PUBLIC = (
    (re.compile(rb"-----BEGIN (RSA |EC |DSA )?PUBLIC KEY-----"), "a public key"),
    (re.compile(rb"-----BEGIN (TRUSTED |X509 )?CERTIFICATE-----"), "a certificate"),
    (re.compile(rb"-----BEGIN PGP PUBLIC KEY BLOCK-----"), "a PGP public key"),
    (re.compile(rb"^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA", re.M),
     "an SSH public key"),
)


def link(facts: list[Fact], files: ProjectFiles) -> list[Fact]:
    """Files are read (`ProjectFiles.head`) only for a key-named file an image copies in."""
    marked: dict[int, Fact] = {}
    for fact in facts:
        if isinstance(fact, CopiedSecret) and _KEY_FILE.search(fact.source) and not re.search(r"[*?\[$]", fact.source):
            held = _held(fact.path, fact.source, files.head)
            if held:
                marked[id(fact)] = replace(fact, public_material=held)
    return [marked.get(id(f), f) for f in facts] if marked else facts


def _held(dockerfile: str, source: str, head: Callable[[str, int], bytes | None]) -> str:
    """What the copied file holds when it is only public key material, in words; `""` when it is not, or unknown."""
    directory = posixpath.dirname(dockerfile)
    while True:
        rel = posixpath.normpath(posixpath.join(directory, source.lstrip("/")))
        if not rel.startswith("../") and rel != "..":
            data = head(rel, _READ + 1)
            if data is not None:
                return _public(data)
        if not directory:
            return ""
        directory = posixpath.dirname(directory)


def _public(data: bytes) -> str:
    if len(data) > _READ or _PRIVATE.search(data):
        return ""
    return next((words for pattern, words in _PUBLIC if pattern.search(data)), "")
