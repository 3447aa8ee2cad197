"""Is a deploy file's `KEY: value` a committed secret? One judgement for Kubernetes manifests, compose files and
PaaS files, so that every reader reports the same values with the same certainty.

A value is a committed secret when a secret-named key (`POSTGRES_PASSWORD`, `SECRET_KEY`) is bound to a literal
that is not a placeholder, a name or a template, or when a backing-service URL carries a password
(`DATABASE_URL=postgres://app:s3cret@db/app`) whatever the key is called. How sure that is comes from the value's
shape (analyze/secret_shape.py), or from the key being the app's own signing key (`own_key`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from twelvefactor_lint.analyze.python.credentials import (
    OWN_KEY,
    SECRET_NAME,
    default_account,
    looks_like_secret,
    url_password,
)
from twelvefactor_lint.analyze.secret_shape import DECLARED_PLACEHOLDER, PROVIDER, PUBLIC_DEFAULT, secret_shape

_SEEDED_ACCOUNT = re.compile(r"(^|_)(demo|test|sample|example|default)_", re.IGNORECASE)
"""`DEMO_LOGIN_PASSWORD`: the documented login of seeded demo data, not a secret of the deploy."""
_DEFAULTED = re.compile(r"\$\{[A-Za-z_]\w*:?-(?P<word>[^}]*)\}")
"""`${SECRET_KEY:-dev-key}`: the literal every deploy that does not set the variable runs with. (`${VAR:?err}`
is required and `${VAR}` has no value: both stay as written, and a `${` is never a secret.)"""
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
"""Where a camelCase key splits (a Helm value's `adminPassword` reads as `admin_Password`, like an env name)."""
_OBJECT_NAME = re.compile(r"^existing", re.IGNORECASE)
"""`existingSecret: shop-secrets` (a Helm chart's convention): the name of a Secret object, not a secret."""
_SAYS_PLACEHOLDER = re.compile(r"(?<!django-)insecure|not[_.-]?(?:use|for|in)(?:[_.-]?[a-z]+){0,5}?[_.-]?prod(?:uction)?"
                               r"(?:[^a-z]|$)", re.IGNORECASE)
"""A literal that says it is not a real key: `do-not-use-this-key-for-worker-production` (Nitrate's compose file),
`insecure_password`, `this_is_not_secure_do_not_use_in_production`. (`django-insecure-` is Django's own marker, a shape of
its own; `changeme` and its kin are placeholders no deploy file is reported for.)"""
_REFERENCE = re.compile(r"\$[({A-Za-z_]")
"""`$SECRET_KEY`, `${SECRET_KEY}`, Kubernetes' `$(SECRET_KEY)`: the value of another variable, not a literal."""


@dataclass(frozen=True)
class CommittedSecret:
    """What a committed secret looks like, for the rules' severity."""

    shape: str
    """`provider`, `random` or `word` (of the password, for a URL), or `public_default` (a URL logging in with a
    product's published default account: RabbitMQ's `guest:guest`)."""
    own_key: bool
    """The key is the app's own signing or encryption key."""
    url: str
    """The service URL with its password masked (`postgres://app:***@db`), when the secret is in one; else `""`."""
    default: bool
    """The literal is a `${VAR:-literal}` default: used whenever the deploy does not set the variable."""
    digest: str = ""
    """A short hash of the secret itself (the password, for a URL): the same literal committed in two places has the
    same digest, and the value is never kept."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def committed_secret(key: str, value: str, *, interpolated: bool) -> CommittedSecret | None:
    """The secret `value` commits for `key`, or None. `interpolated`: the file's `${VAR:-default}` are expanded
    the way compose does (a compose file, an env file it reads), so only a default can commit a value."""
    text = value.strip()
    default = False
    if interpolated and _DEFAULTED.search(text):
        default, text = True, _DEFAULTED.sub(lambda m: m["word"], text)
    if not text or "TEMPLATE" in text or _SEEDED_ACCOUNT.search(key) or _OBJECT_NAME.search(key):
        return None
    found = url_password(text)
    if found is not None:
        masked, _, password = found
        if "$" in password:
            return None
        shape = PUBLIC_DEFAULT if default_account(text) else _declared(password, secret_shape(password))
        return CommittedSecret(shape, False, masked, default, _digest(password))
    name = _CAMEL.sub("_", key)
    if SECRET_NAME.search(name) and not _REFERENCE.search(text) and looks_like_secret(name, text):
        return CommittedSecret(_declared(text, secret_shape(text, name)), bool(OWN_KEY.search(name)), "", default,
                               _digest(text))
    return None


def _declared(value: str, shape: str) -> str:
    """`declared_placeholder` for a value that says it is not a real key (a provider's token is one whatever it says)."""
    return DECLARED_PLACEHOLDER if shape != PROVIDER and _SAYS_PLACEHOLDER.search(value) else shape
