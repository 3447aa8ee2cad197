"""Credentials written into the code (TF301, TF302, TF304).

- a secret-named name, attribute, config key, dict key or keyword argument bound to a
  string literal that looks like a real value (not a placeholder, an env variable's
  name, a path, a template or a sentence);
- an environment read of a secret-named variable with a literal fallback, or with a fallback made
  up at start (`secrets.token_hex()`, `get_random_secret_key()`): a different key per process; or a key
  generated once and written to a local file to be read back (`.secret_key` in the data folder);
- a service URL with a password in it (`postgres://user:pw@host/db`).

Example data is no credential: a value inside an API schema's examples (`Field(examples=[...])`,
`json_schema_extra`, an `"example"` entry) or bound to a name that says example, sample, mock, test cases or recorded
response (`SLACK_OAUTH_ACCESS_RESPONSE = {"access_token": "xoxb-..."}` copied from a provider's docs).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TypeGuard

from twelvefactor_lint.analyze.python.context import Contexts, fact_at, settings_classes, settings_variable
from twelvefactor_lint.analyze.python.index import Function, Index, Site, walk
from twelvefactor_lint.analyze.python.locators import SMTP_READS
from twelvefactor_lint.analyze.python.names import Names, assigned_names, last_name
from twelvefactor_lint.analyze.python.values import env_read, or_fallback
from twelvefactor_lint.analyze.secret_shape import PROVIDER, RANDOM, WORD, not_a_secret, password_digest, secret_shape
from twelvefactor_lint.facts.python import (
    PythonSiteFact,
    SecretEnvFallback,
    SecretLiteral,
    SecretRandomFallback,
    UrlCredentials,
)

_RANDOM_SOURCES = {"secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes", "os.urandom", "uuid.uuid4",
                   "uuid.uuid1", "django.core.management.utils.get_random_secret_key",
                   "django.utils.crypto.get_random_string", "cryptography.fernet.Fernet.generate_key",
                   "random.random", "random.choices", "random.getrandbits", "secrets.choice", "secrets.randbits",
                   "secrets.randbelow"}
_IN_CODE_KEY = re.compile(r"^(\w+_)?(secret_?key|signing_?key|encryption_?key|jwt_?secret(_?key)?|session_?secret|"
                          r"cookie_?secret)$", re.IGNORECASE)
"""The app's own signing or encryption key, however a function binds it (`app.secret_key`, `self.SECRET_KEY`,
`app.config["SECRET_KEY"]`) — not a salt or a per-user token, which are made up per call by design."""
_SIGNERS = re.compile(r"^(itsdangerous\.\w*(Serializer|Signer)|cryptography\.fernet\.Fernet)$")
"""Constructors whose first argument is the key they sign or encrypt with."""
SECRET_NAME = re.compile(
    r"(^|_)(secret|secret_?keys?|passw(or)?d|pwd|token|api_?keys?|private_?keys?|access_?keys?|client_?secret|"
    r"credentials?|auth_?keys?|signing_?keys?|encryption_?keys?|(db)?pass)$", re.IGNORECASE)
"""A secret's name; `*_KEYS` too (`API_KEYS`, `SECRET_KEYS`: a list of them, often comma-separated), and a password
shortened to `PASS` (`DB_PASS`, `PAPERLESS_DBPASS`; not `BYPASS`)."""
_PLACEHOLDER = re.compile(
    r"change.?me|changeit|your[_ -]|xxx|\*\*\*|<[^>]*>|\$\{|\{\{|\{[\w.\[\]]*(![rsa])?(:[^{}]*)?\}|%\(|%s|"
    r"example|placeholder|dummy|fake|"
    r"sample|todo|fixme|replace|insert|update.?me|not.?set|none|null|undefined|secret_?key_?here|^(secret|password|token)$|"
    r"deadbeef|fill.?(me.?)?in|(^|[^a-z])(in)?valid([^a-z]|$)|(^|[^a-z])(test|bogus|unused)([^a-z]|$)",
    re.IGNORECASE)
"""A placeholder, or a template's field (`{password}`, `{1}`, `{0!s}`, `%(password)s`, `%s`, `${DB_PASS}`) that
`.format()`, `%` or the shell fills in at run time."""
_PASSWORD_SALT = re.compile(r"(^|_)password_salt$", re.IGNORECASE)
"""Flask-Security's `SECURITY_PASSWORD_SALT` keys the HMAC of every password and token: a secret, unlike the salt
of an itsdangerous serializer (`EMAIL_TOKEN_SALT`), which only separates uses of the one secret key."""
_EMPTY_CONTAINER = re.compile(r"^\s*(\{\s*\}|\[\s*\])\s*$")
"""An empty JSON object or list written out (`json.loads(getenv("SIGNING_KEYS", "{}"))`): no key is ever that."""
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")
_URL_CREDENTIALS = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<user>[^/\s:@]*):(?P<password>[^/\s@]+)@(?P<host>[^/\s?#]+)")
_LOCAL_ONLY_ACCOUNT = re.compile(r"^(amqps?://guest:guest@(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
                                 r"|https?://guest:guest@(localhost|127\.0\.0\.1|\[::1\]):15672)(/|$)", re.IGNORECASE)
"""RabbitMQ's built-in `guest:guest` account on a loopback host: the broker accepts it only from localhost, so it is
a documented default, not a secret — on the AMQP port, and on its management HTTP API's (`http://guest:guest@localhost:15672/api/`,
the same account)."""
_PUBLIC_COMMENT = re.compile(r"#\s*(?:(?:this\s+is\s+)?(?:a|an|the)\s+)?public\b(?:\s+[\w-]+){0,2}?\s+"
                             r"(?:api\s*)?(?:key|token|credentials?)\s*(?:[(:,;.-][^'\"]*)?$", re.IGNORECASE)
"""A comment that calls the value a public key (`# Public API key`, `apikey = "..."  # public demo token`): the
author says it is published (a service's shared free-tier key), not a secret the code gives away. The phrase is the
whole comment, or ends at a punctuation mark: `# the public key is in keys.py` speaks of another value."""
_DEFAULT_ACCOUNT = re.compile(r"^amqps?://guest:guest@", re.IGNORECASE)
"""RabbitMQ's built-in `guest:guest` account on any host (`amqp://guest:guest@mq:5672`): the broker's published
default, which every RabbitMQ user knows, so the URL commits no secret. A broker accepts it from another host only
where its configuration allows it (the official Docker image does, for a throwaway broker of a compose stack); a deploy
that keeps it runs its broker with the default account open — a weakness of that deploy, not a leak of the code. The
only product default listed: no other stock account (`admin:admin`, `minioadmin`, `neo4j:neo4j`) is tied to a URL
scheme this soundly."""
_LOOPBACK_HOST = re.compile(r"^(localhost|127(\.\d+){3}|\[::1\])(:\d+)?$", re.IGNORECASE)
_SERVICE_SCHEMES = re.compile(
    r"^(postgres(ql)?|psql|pgsql|postgis|mysql2?|mysqlgis|mariadb|mssql|oracle|mongodb|redis|rediss|amqps?|kafka|sqs|smtps?|ftp|sftp|"
    r"elasticsearch|nats|memcached?|cockroachdb|clickhouse|neo4j|couchbase|cassandra|http|https)(\+[a-z0-9]+)?$")
_MIN_LENGTH = 8
OWN_KEY = re.compile(r"(^|(?<!api)(?<!client)(?<!consumer)(?<!access)_)"
                      r"(secret(_?key)?|signing_?key|encryption_?key|fernet(_?key)?|salt|jwt(_\w*)?|session_?secret|"
                      r"cookie_?secret|hmac(_?key)?|private_?key)$|^jwt_", re.IGNORECASE)
"""Keys the app signs or encrypts with itself: with a known fallback it fails open (anyone can forge its
tokens), unlike a credential for another service (`API_SECRET`, `CLIENT_SECRET`), which with a placeholder
just fails to authenticate."""
_KEY_HALF = re.compile(r"^(?P<prefix>\w*?)_?(?P<half>secret|private|public|publishable|site)(_?key)?$", re.IGNORECASE)
"""One half of a key pair another service issues (`STRIPE_SECRET_KEY` with `STRIPE_PUBLISHABLE_KEY`,
`RECAPTCHA_PRIVATE_KEY` with `RECAPTCHA_PUBLIC_KEY`): the service holds the other half, so the secret half is a
credential the app presents to it (a placeholder fails closed), not a key the app signs with itself."""
_RATE = re.compile(r"^(\d+\s*/\s*\d*\s*[a-z]+(/[a-z_]+)*)(\s*[,;]\s*\d+\s*/\s*\d*\s*[a-z]+(/[a-z_]+)*)*$",
                   re.IGNORECASE)
"""A rate limit (`"1/m/user"`, `"1/m/ip,1/m/key"`, `"5/minute"`) keyed by an action (`"change_password"`)."""
_KEY_NAME = re.compile(r"^[a-z_-]+(:[a-z_-]+)+$")
"""A namespaced cache or lock key (`"sumo:wiki:full-rebuild"`), named for what it guards."""
_DETECTOR = re.compile(r"^(DEFAULT|KNOWN|INSECURE|WEAK|COMMON|BANNED|FORBIDDEN)_", re.IGNORECASE)
"""A well-known default the code compares credentials against to warn about them (`DEFAULT_..._CREDENTIAL`)."""
_EXAMPLE = re.compile(r"^(json_)?schema_extra$|^(openapi_)?examples?$", re.IGNORECASE)
"""A keyword or dict key holding example data: `examples=[...]`, `json_schema_extra`, `"example"`."""
_SAMPLE_NAME = re.compile(r"(^|_)(examples?|samples?|responses?|payloads?|fixtures?|mocks?|fakes?|tests|test_?cases)(_|$)",
                          re.IGNORECASE)
"""A name holding example, recorded or test data (`SAMPLE_CONFIG`, `SLACK_OAUTH_RESPONSE`, `MOCK_PAYLOAD`,
`URL_REGEX_TESTS`): what a provider sends, a document shows or a parser is checked against, not what the app is
configured with."""
_OPTION_CALLS = frozenset({"add_argument", "add_option", "option", "Option", "argument", "Argument"})
"""argparse, optparse, click and typer: a `default=` of theirs is what a command-line tool runs with unless its user
passes another value."""
_PASSWORD = re.compile(r"(^|_)(passw(or)?d|pwd)|(^|_)(db)?pass$", re.IGNORECASE)
_FLAG_VALUE = re.compile(r"^\s*(true|false|yes|no|on|off|enabled?|disabled?|[01])\s*$", re.IGNORECASE)
"""A switch's value (`"False"`, `"1"`, `"off"`): a variable named for credentials that falls back to one is a flag
(`MAP_CLIENT_USE_CROSS_ORIGIN_CREDENTIALS`, `CORS_ALLOW_CREDENTIALS`, `ENABLE_PASSWORD_LOGIN`), however it is then
parsed (`ast.literal_eval`, `== "True"`, `.lower() in (...)`), not a secret: no credential is a bare yes or no."""
_ACCOUNT = re.compile(r"(^|_)(user(_?name)?|login|account|client_?id)$", re.IGNORECASE)
"""The account half of a login (`SHARED_API_USERNAME`, `API_CLIENT_ID`): a password falling back to the same literal
(`"send-money"` for both) is a development account's placeholder."""
_DATASTORE_PASSWORD = re.compile(r"(?i)(^|_)(db|database|postgres(ql)?|pg|mysql|mariadb|mongo(db)?|redis|rabbitmq|amqp|"
                                 r"elastic(search)?|opensearch)_?(\w+_)?(passw(or)?d|pwd|pass)$")
"""A datastore's password (as TF302 names them): a database started with a password equal to its user name accepts
it, so there the account's name proves no placeholder."""
_KEY_FILE_PATH = re.compile(
    r"^(~|\.{1,2})?/([\w.@+-]+/)*[\w.@+-]+$|^([\w.@+-]+/)*[\w@+-]+\.(pem|key|crt|cer|der|p12|pfx|jks|json|ppk|pub|asc|gpg)$")
"""A file's path (`~/.ssh/id_rsa`, `/etc/ssl/private/app.key`, `./certs/client.pem`, `service-account.json`): absolute,
home- or dot-relative, or a name with a key or certificate file's extension."""
_KEY_FILE_VARIABLE = re.compile(r"(private_?keys?|credentials?|ssh|certs?|certificate|key_?file|keyfile|pem)($|_)",
                                re.IGNORECASE)
"""A variable that commonly holds the path of a key or credentials file (`SFTP_PRIVATE_KEY`, `GOOGLE_CREDENTIALS`,
`SSL_CERT`), not a password or token, which is the secret itself whatever it looks like."""


def _key_file_path(key: str, fallback: str) -> bool:
    """The fallback is the path of a key file (`os.environ.get("SFTP_PRIVATE_KEY", "~/.ssh/id_rsa")`, handed to an SFTP
    or TLS client that reads the key from it), for a variable named for a key or credentials file: the key is on the
    machine that runs the app, not in the code — nobody with the code knows it."""
    return bool(_KEY_FILE_VARIABLE.search(key)) and bool(_KEY_FILE_PATH.match(fallback.strip()))


_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+){1,}-(secrets?|config|configmap|credentials|creds)$")
"""A deploy object's name, kebab-case (`quay-enterprise-config-secret`): what a Kubernetes Secret or ConfigMap, a
vault path's leaf, is called — ending in the kind of object it names."""
_RESOURCE_QUALIFIER = re.compile(r"(^|_)(config|configmap|k8s|kube|kubernetes|vault|tls|cert)(_|$)", re.IGNORECASE)
"""A variable naming where a secret is kept rather than holding it (`QE_K8S_CONFIG_SECRET`: the Secret holding the
config), by the kind of store it names."""
_KEY_WORDS = frozenset({"secret", "secrets", "key", "keys", "password", "token", "jwt", "session", "cookie", "signing",
                        "encryption", "hmac", "salt", "private", "app", "api", "client", "dev", "default", "my", "local",
                        "test", "insecure"})
"""Words any secret's name or placeholder spells: sharing them proves nothing of a resource name."""
_FILE_WRITES = {"write", "write_text", "write_bytes"}
_MIN_PROJECT_NAME = 4
_GENERIC_DIRS = {"src", "server", "backend", "app", "apps", "api", "config", "settings", "core", "common", "service"}
_ENUM_BASES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "TextChoices", "IntegerChoices", "Choices"}


def looks_like_secret(key: str, value: object) -> bool:
    """A value that could be a real secret: not a placeholder, a name, a path, a URL or a sentence, and not
    the key's own name (`_totp_secret_key = "_totp_secret"` names a session field)."""
    if not isinstance(value, str):
        return False
    if secret_shape(value) == PROVIDER:  # a provider's token format (a PEM block has spaces)
        return True
    if len(value) < _MIN_LENGTH or any(c.isspace() for c in value) or not_a_secret(value):
        return False
    if _PLACEHOLDER.search(value) or _ENV_NAME.match(value) or _DOTTED.match(value):
        return False
    return not (value.startswith(("/", ".", "~")) or "://" in value or _RATE.match(value) or _KEY_NAME.match(value)
                or value.lower().replace("-", "_").strip("_") in key.lower()
                or re.fullmatch(r"[a-z]+(_[a-z]+)+", value))  # a snake_case name: a purpose or field group


def _key_of(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
        return target.slice.value
    return None


def _named_values(index: Index, names: Names, text: str) -> set[int]:
    """id() of literals that name something rather than hold a secret: enum members (`AuthMethods.password =
    "username-password"` names an auth method), a well-known default the module compares credentials against
    (`DEFAULT_CREDENTIAL = "minioadmin"`, then `DEFAULT_CREDENTIAL in (key, secret)`), and a dict's secret
    entry that repeats a non-secret entry's value (`{"client_id": "bot-context", "client_secret": "bot-context"}`:
    a placeholder both fields share)."""
    found: set[int] = set()
    for cls in names.classes.values():
        if {(names.qualify(b) or "").rsplit(".", 1)[-1] for b in cls.bases} & _ENUM_BASES:
            found |= {id(s.value) for s in cls.body if isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None}
    detectors = {t.id: site.node.value for site in index.assignments if site.function is None
                 and isinstance(site.node, ast.Assign) for t in site.node.targets
                 if isinstance(t, ast.Name) and _DETECTOR.match(t.id)}
    if any(text.count(name) > 1 for name in detectors):  # the prefilter: compared, a name is spelled twice at least
        compared = {n.id for body in (*names.functions.values(), *names.classes.values()) for node in walk(body)
                    if isinstance(node, ast.Compare) for n in walk(node) if isinstance(n, ast.Name)}
        found |= {id(value) for name, value in detectors.items() if name in compared}
    for entries in (d for d in index.dicts if not _database_entry(d.node)):
        plain = {v.value for k, v in zip(entries.node.keys, entries.node.values, strict=True)
                 if isinstance(k, ast.Constant) and isinstance(k.value, str) and not SECRET_NAME.search(k.value)
                 and isinstance(v, ast.Constant) and isinstance(v.value, str)}
        found |= {id(v) for v in entries.node.values if isinstance(v, ast.Constant) and v.value in plain}
    return found


def _database_entry(node: ast.Dict) -> bool:
    """A Django database entry (`{"ENGINE": ..., "USER": "shop", "PASSWORD": "shop"}`): a password that repeats the
    user is the credential the bundled database was started with (it accepts it), not a placeholder."""
    return any(isinstance(k, ast.Constant) and k.value == "ENGINE" for k in node.keys)


def _option_defaults(index: Index) -> set[int]:
    """id() of the constants a command-line option defaults to (`parser.add_argument("--dburl", default="postgresql://
    ...")`, `typer.Option("postgresql://...")`): a tool's default its user overrides on the command line."""
    found: set[int] = set()
    for call in index.calls:
        called = last_name(call.node.func)
        if called in _OPTION_CALLS:  # typer's `Option(default, ...)` takes it first
            values = [k.value for k in call.node.keywords if k.arg == "default"]
            values += call.node.args[:1] if called == "Option" else []
            found |= {id(node) for value in values for node in walk(value) if isinstance(node, ast.Constant)}
    return found


def _example_values(index: Index) -> set[int]:
    """id() of the constants inside example data (see the module docstring): what an API documents, not what it
    runs with."""
    holders: list[ast.AST] = [k.value for call in index.calls for k in call.node.keywords
                              if k.arg and _EXAMPLE.search(k.arg)]
    holders += [v for entries in index.dicts for k, v in zip(entries.node.keys, entries.node.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and _EXAMPLE.search(k.value)]
    for site in index.assignments:
        node = site.node
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            keys = [_key_of(t) or "" for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]
            if any(_SAMPLE_NAME.search(key) or _EXAMPLE.search(key) for key in keys):
                holders.append(node.value)
    return {id(node) for holder in holders for node in walk(holder) if isinstance(node, ast.Constant)}


def _bindings(index: Index) -> Iterator[tuple[Site, str, ast.expr]]:
    """(site, key, value) for assignments, dict entries and keyword arguments."""
    for site in index.assignments:
        node = site.node
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is None or isinstance(node, ast.AugAssign):
            continue
        for target in targets:
            key = _key_of(target)
            if key:
                yield site, key, node.value
    for entries in index.dicts:
        for k, v in zip(entries.node.keys, entries.node.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                yield Site(v, entries.function, entries.statement_line), k.value, v
    for call in index.calls:
        for keyword in call.node.keywords:
            if keyword.arg:
                yield Site(keyword.value, call.function, call.statement_line), keyword.arg, keyword.value


def _or_fallback(value: ast.expr, names: Names) -> tuple[str, ast.Constant] | None:
    """`os.environ.get("SECRET_KEY") or "literal"` -> ("SECRET_KEY", the literal), for a non-empty string literal."""
    found = or_fallback(value, names)
    if found and isinstance(found[1], ast.Constant) and isinstance(found[1].value, str) and found[1].value:
        return found[0], found[1]
    return None


def _settings_fields(names: Names) -> dict[int, str]:
    """id() of the defaults of pydantic `BaseSettings` fields (env fallbacks, not bare literals), each with the
    variable that sets the field (`settings_variable`: the prefix and the field's name, `TAKAHE_SECRET_KEY`)."""
    return {id(value): settings_variable(names.classes[name], field) for name in settings_classes(names)
            for statement in names.classes[name].body for field, value in assigned_names(statement)}


def _str(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _refused(index: Index, keys: set[str], fallback: ast.expr, names: Names) -> str:
    """`line N` of a check that stops the app when the secret still holds its fallback: an `if` testing the setting
    against a string the fallback is made of (`if not DEBUG and SECRET_KEY.startswith("autokey-"): sys.exit(1)`,
    `if SECRET_KEY == "changeme": raise ImproperlyConfigured(...)`) or that the variable is unset, so production
    refuses the fallback; "" else. The unset test may sit in the production branch beside the one holding the
    fallback (`if env.require_secret: if not os.getenv("SECRET_KEY"): raise ...` / `else: os.getenv("SECRET_KEY",
    "WeAreDeveloping")`): the literal serves only the runs that do not require the key."""
    made_of = {n.value for n in walk(fallback) if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value}
    for test in index.ifs:
        tested = {n.id if isinstance(n, ast.Name) else n.attr for n in walk(test.test)
                  if isinstance(n, (ast.Name, ast.Attribute))}
        strings = {n.value for n in walk(test.test) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        holds_fallback = keys & tested and any(m.startswith(s) for s in strings if s for m in made_of)
        if (holds_fallback or _tests_unset(test.test, keys, index, names)) \
                and any(_stops(statement) for statement in test.body):
            return f"line {test.lineno}"
    return ""


def _tests_unset(test: ast.expr, keys: set[str], index: Index, names: Names) -> bool:
    """A test that the variable is missing from the environment (`"JWT_SECRET_KEY" not in os.environ`, maybe beside
    a switch: `if not bypass_auth and "JWT_SECRET_KEY" not in os.environ: raise ...`), or that a read of it without a
    fallback is empty (`not os.getenv("SECRET_KEY")`, `os.environ.get("SECRET_KEY") is None`, or `not key` for a
    name bound to such a read, `if IS_PRODUCTION and not key: raise ...`): unset, the app stops."""
    unread: set[str] | None = None
    for n in walk(test):
        if isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], ast.NotIn) \
                and isinstance(n.left, ast.Constant) and n.left.value in keys \
                and ast.unparse(n.comparators[0]).endswith("environ"):
            return True
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
            operand: ast.expr = n.operand
        elif isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], ast.Is) \
                and isinstance(n.comparators[0], ast.Constant) and n.comparators[0].value is None:
            operand = n.left
        else:
            continue
        if _bare_read(operand, keys, names):
            return True
        if isinstance(operand, ast.Name):
            if unread is None:
                unread = {t.id for site in index.assignments if isinstance(site.node, ast.Assign)
                          and _bare_read(site.node.value, keys, names) for t in site.node.targets
                          if isinstance(t, ast.Name)}
            if operand.id in unread:
                return True
    return False


def _bare_read(node: ast.expr, keys: set[str], names: Names) -> bool:
    """A read of one of `keys` from the environment without a fallback (`os.getenv("SECRET_KEY")`)."""
    read = env_read(node, names) if isinstance(node, ast.Call) else None
    return read is not None and read[0] in keys and read[1] is None


def _read_into(key: str, call: Site[ast.Call], index: Index) -> set[str]:
    """The variable a read takes and the names its statement binds at module level (`SECRET_KEY =
    os.environ.get("DJANGO_SECRET_KEY", ...)`): what a check may test it under."""
    return {key} | {t.id for site in index.assignments if site.function is None and site.statement_line == call.statement_line
                     and isinstance(site.node, ast.Assign) for t in site.node.targets if isinstance(t, ast.Name)}


def _stops(statement: ast.stmt) -> bool:
    """`raise ...`, `sys.exit(...)` or `exit(...)`: the process does not go on."""
    if isinstance(statement, ast.Raise):
        return True
    call = statement.value if isinstance(statement, ast.Expr) else None
    return isinstance(call, ast.Call) and (
        isinstance(call.func, ast.Attribute) and call.func.attr in {"exit", "_exit"}
        or isinstance(call.func, ast.Name) and call.func.id == "exit")


def _issued_prefixes(keys: Iterable[str]) -> set[str]:
    """The prefixes of the module's public keys (`STRIPE_LIVE` of `STRIPE_LIVE_PUBLIC_KEY`): key pairs another
    service issued."""
    halves = (_KEY_HALF.match(key) for key in keys)
    return {m["prefix"].lower() for m in halves if m and m["prefix"] and m["half"].lower() in {"public", "publishable",
                                                                                                "site"}}


class _Asked:
    """A set made on the first question of membership: most modules judge no fallback and never ask."""

    def __init__(self, make: Callable[[], set[str]]):
        self._make = make
        self._found: set[str] | None = None

    def __contains__(self, item: object) -> bool:
        if self._found is None:
            self._found = self._make()
        return item in self._found


def _own_key(key: str, issued: _Asked) -> bool:
    """The app's own signing or encryption key, not the secret half of another service's key pair."""
    half = _KEY_HALF.match(key)
    return bool(OWN_KEY.search(key)) and not (half and half["prefix"].lower() in issued
                                              and half["half"].lower() in {"secret", "private"})


def _fallback_fact(path: str, fallback: ast.Constant, contexts: Contexts, site: Site, key: str,
                   issued: _Asked, refused: str, checked: bool, flask_key: bool, accounts: _Asked,
                   django_key: bool = False, index: Index | None = None) -> SecretEnvFallback:
    """`own_key`: the app's own signing/encryption key; `looks_real`: the fallback could be a real credential,
    not a placeholder for one (`"custom"`, `"secret-access-key"`, the module's account name: `accounts`);
    `checked`: the app compares requests with it."""
    value = str(fallback.value)
    account = value in accounts and _PASSWORD.search(key) is not None and not _DATASTORE_PASSWORD.search(key)
    return fact_at(SecretEnvFallback, path, fallback, contexts.of(site), site.statement_line, key, env_key=key,
                   own_key=_own_key(key, issued), looks_real=not account and _looks_real(key, value, path),
                   placeholder=account or bool(_PLACEHOLDER.search(value)), checked=checked,
                   module_kind=contexts.module_kind, refused=refused, flask_key=flask_key,
                   django_key=django_key, signs_nothing=django_key and index is not None and _django_signs_nothing(index))


def _judged_fallback(key: str, fallback: str, issued: _Asked, checked: bool) -> bool:
    """A secret's fallback worth judging: not empty (nor an empty container written out, `"{}"`, `"[]"`: parsed,
    it holds no key, so nothing signs or authenticates with it), and not a placeholder unless the secret is the
    app's own key (`SECRET_KEY = getenv("SECRET_KEY", "changeme")` signs with `changeme` when the variable is
    forgotten: it fails open whatever the fallback; another service just rejects a placeholder) or one the app
    checks requests against (`checked`: a basic-auth password falling back to `"admin"` lets anyone in). A password
    salt (`SECURITY_PASSWORD_SALT`) is an own key too. A switch's value (`"False"`, `"1"`: `_FLAG_VALUE`) is no secret
    whatever the name, nor a deploy object's name (`_resource_name`: `"quay-enterprise-config-secret"`), nor a key file's
    path (`_key_file_path`: `"~/.ssh/id_rsa"`)."""
    return bool(fallback) and not _EMPTY_CONTAINER.match(fallback) and not _FLAG_VALUE.match(fallback) \
        and not _resource_name(key, fallback) and not _key_file_path(key, fallback) and bool(
        SECRET_NAME.search(key) or _PASSWORD_SALT.search(key)) and (
        not _PLACEHOLDER.search(fallback) or _own_key(key, issued) or checked)


def _resource_name(key: str, fallback: str) -> bool:
    """The fallback names the deploy object that holds the secret, not the secret itself: a kebab-case name ending in
    the kind of object (`-secret`, `-config`), for a variable that names a store (`QE_K8S_CONFIG_SECRET` falling back
    to `quay-enterprise-config-secret`, the Kubernetes Secret the app reads its config from) and whose own words the
    name spells (here `config`). The app looks the object up by that name; nothing signs or logs in with it."""
    if not _RESOURCE_NAME.match(fallback) or not _RESOURCE_QUALIFIER.search(key):
        return False
    shared = set(key.lower().split("_")) & set(fallback.split("-"))
    return bool(shared - _KEY_WORDS)


def _account_names(reads: list[tuple[Site[ast.Call], tuple[str, ast.expr | None]]],
                   bindings: list[tuple[Site, str, ast.expr]]) -> set[str]:
    """The literals the module names an account by (`SHARED_API_USERNAME = os.environ.get("SHARED_API_USERNAME",
    "send-money")`, `API_CLIENT_ID = "send-money"`): a password falling back to one of them is a development login's
    placeholder — a deploy that forgets the variable fails to log in (fails closed)."""
    found = {str(default.value) for _, (key, default) in reads if _ACCOUNT.search(key)
             and isinstance(default, ast.Constant) and isinstance(default.value, str)}
    return found | {str(value.value) for _, key, value in bindings if _ACCOUNT.search(key)
                    and isinstance(value, ast.Constant) and isinstance(value.value, str)} - {""}


def _compared_names(index: Index) -> set[str]:
    """The names a function that calls `compare_digest` uses (`secrets.compare_digest(given, f"{password}".encode())`):
    the secrets the app checks requests against."""
    found: set[str] = set()
    for call in index.calls:
        if last_name(call.node.func) == "compare_digest":
            found |= {n.id for n in ast.walk(call.function or call.node) if isinstance(n, ast.Name)}
    return found


def _looks_real(key: str, fallback: str, path: str) -> bool:
    """A fallback that could be the credential itself. A password may be a word (a bundled database started with
    the same default accepts it: fails open); a key or token the app presents to another service is generated by
    that service, so a word there (`"lm-studio"`, `"auth-token"`) is a placeholder it rejects (fails closed)."""
    if not looks_like_secret(key, fallback) or _spells_project(fallback, path):
        return False
    return bool(_PASSWORD.search(key)) or secret_shape(fallback) in (PROVIDER, RANDOM)


def _spells_project(value: str, path: str) -> bool:
    """A fallback built from the project's own package name (`"polarpolar"`, `"polar123456789"` in
    `polar/config.py`) is the password of a local development service, not a leaked credential."""
    lowered = value.lower()
    return any(len(part) >= _MIN_PROJECT_NAME and part not in _GENERIC_DIRS and part in lowered
               for part in path.lower().split("/")[:-1])


def _is_random(node: ast.expr, names: Names, hop: bool = True) -> bool:
    """A value made up when the process starts: a random token, `os.urandom`, `uuid4()`, however wrapped, or a
    call to a function of the module that returns one (`get_random_secret(32)`: one hop)."""
    for call in (n for n in walk(node) if isinstance(n, ast.Call)):
        called = names.qualify(call.func) or ""
        if called in _RANDOM_SOURCES:
            return True
        helper = names.functions.get(called) if hop else None
        if helper is not None and any(isinstance(r, ast.Return) and r.value is not None
                                      and _is_random(r.value, names, hop=False) for r in walk(helper)):
            return True
    return False


def _random_fallback(site: Site, key: str, value: ast.expr, names: Names, index: Index) -> tuple[str, ast.expr] | None:
    """`os.getenv("SECRET_KEY") or token_hex()`, or a setting bound to a random value at module or class level
    (`SECRET_KEY = get_random_secret_key()` where reading a key file failed), when it is a key the app signs or
    encrypts with (a made-up `*_TOKEN` that one process compares requests with is no key others must share). A module's
    private constant (`_CURSOR_SECRET = token_bytes(32)`) is no setting a deploy provides: a key the module keeps to
    itself."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and _is_random(value.values[-1], names):
        read = env_read(value.values[0], names)
        return (read[0], value.values[-1]) if read and SECRET_NAME.search(read[0]) else None
    if not (SECRET_NAME.search(key) and OWN_KEY.search(key)) or _reads_env(value, names) or not _is_random(value, names):
        return None  # a made-up token (`STATOR_TOKEN = token_hex()`) guards one process's own door; a salt is per call
    if site.function is None and not key.startswith("_") and (key.isupper() or _IN_CODE_KEY.match(key)) \
            and isinstance(value, ast.Call):
        return key, value
    if site.function is not None and (_persists(site.function, key) or _IN_CODE_KEY.match(key) and _on_object(site)
                                      and not _handed_on(site, names) and not _rendered(site, index, names)
                                      and not _row_value(site, key, index, names)):
        return key, value
    return None


_TEMPLATE_RENDERS = frozenset({"render", "render_to_string", "format", "format_map", "substitute", "safe_substitute",
                               "stream"})
"""Calls that render a template with the mapping they are given (Django's and Jinja's `render`, `str.format(**ctx)`,
`string.Template.substitute`)."""


def _rendered(site: Site, index: Index, names: Names) -> bool:
    """The key goes into a dict the function hands to a template it renders: scaffolding that writes a new project's
    settings file (`options["secret_key"] = get_random_string(50)` in a `TemplateCommand` subclass's `handle()`, then
    `super().handle("project", name, target, **options)`, as `django-admin startproject` does; `template.render(
    context)`; `text.format(**context)`). The key is written into the generated file once, for its operator to keep:
    no process signs with it."""
    node = site.node
    targets = node.targets if isinstance(node, ast.Assign) else []
    bases = {t.value.id for t in targets if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)}
    if not bases or site.function is None:
        return False
    owner = index.owners.get(id(site.function))
    scaffolding = owner is not None and any(
        (names.qualify(b) or "").rsplit(".", 1)[-1] == "TemplateCommand" for b in owner.bases)
    for call in (n for n in walk(site.function) if isinstance(n, ast.Call)):
        passed = {a.id for a in [*call.args, *(k.value for k in call.keywords)] if isinstance(a, ast.Name)}
        if not bases & passed:
            continue
        func = call.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if called in _TEMPLATE_RENDERS or scaffolding and called == "handle":
            return True
    return False


_COLUMN = re.compile(r"^(\w+Field|Column|mapped_column)$")
"""An ORM's column declaration (Django's `models.CharField`, SQLAlchemy's `Column`/`db.Column`/`mapped_column`,
peewee's and mongoengine's `*Field`): pydantic's bare `Field` is a settings field, not a column."""
_NOT_COLUMNS = re.compile(r"(^|\.)(wtforms|forms|rest_framework|serializers|marshmallow)(\.|$)")


def _row_value(site: Site, key: str, index: Index, names: Names) -> bool:
    """The key is set on `self` in a method of a class whose body declares that attribute as a database column
    (`secret_key = models.CharField(max_length=40)`, then `self.secret_key = get_random_string(40)` in `save()`): a
    per-row token (an unsubscribe or sharing link's) stored in the row, which every process reads back from the
    database — not a key one process makes up."""
    node = site.node
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    if not any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
               for t in targets) or site.function is None:
        return False
    owner = index.owners.get(id(site.function))
    if owner is None:
        return False
    for statement in owner.body:
        for name, declared in assigned_names(statement):
            if name == key and isinstance(declared, ast.Call):
                called = names.qualify(declared.func) or ""
                if _COLUMN.match(called.rsplit(".", 1)[-1]) and not _NOT_COLUMNS.search(called):
                    return True
    return False


def _unset_read(site: Site, key: str, index: Index, names: Names) -> str:
    """The variable a module-level random binding stands in for when it is unset: `SECRET_KEY = env.str("SECRET_KEY",
    "")` then `if not SECRET_KEY: SECRET_KEY = token_urlsafe(50)` is an environment read with a made-up fallback,
    not a key no variable can set. "" when `key` is not read from the environment first, or the binding is not
    under an `if` testing it."""
    if site.function is not None:
        return ""
    guarded = any(any(isinstance(n, ast.Name) and n.id == key for n in walk(test.test))
                  and any(n is site.node for s in test.body for n in walk(s)) for test in index.ifs)
    if not guarded:
        return ""
    for earlier in index.assignments:
        node = earlier.node
        if earlier.function is None and isinstance(node, ast.Assign) and earlier.statement_line < site.statement_line \
                and any(isinstance(t, ast.Name) and t.id == key for t in node.targets):
            read = env_read(node.value, names) or or_fallback(node.value, names)
            if read:
                return read[0]
    return ""


def _reads_env(value: ast.expr, names: Names) -> bool:
    """Somewhere in the value an environment variable is read (`repr(os.environ.get("KEY", token()))`)."""
    return any(isinstance(n, ast.Call) and env_read(n, names) is not None for n in walk(value))


def _on_object(site: Site) -> bool:
    """The key is bound on an object (`app.secret_key = ...`, `self.SECRET_KEY = ...`, `app.config["SECRET_KEY"]
    = ...`), not to a local name a function hands on (a settings-file generator's `secret_key = token_hex()`)."""
    node = site.node
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets)


_COPIES = frozenset({"dict", "copy.copy", "copy.deepcopy"})


def _handed_on(site: Site, names: Names) -> bool:
    """The key goes into a plain dict the function builds (`next_config = copy.deepcopy(config)`, `{}`, `dict(...)`,
    `config.copy()`) and hands back: where it is kept (a database row every process reads, a file, nowhere) is the
    caller's choice, not a key this process signs with."""
    node = site.node
    targets = node.targets if isinstance(node, ast.Assign) else []
    bases = {t.value.id for t in targets if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)}
    return bool(bases) and site.function is not None and all(any(
        isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == base for t in n.targets)
        and _plain_dict(n.value, names) for n in walk(site.function)) for base in bases)


def _plain_dict(value: ast.expr, names: Names) -> bool:
    """A dict display or comprehension, or a copy of a mapping (`copy.deepcopy(config)`, `dict(config)`,
    `config.copy()`)."""
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return True
    return isinstance(value, ast.Call) and ((names.qualify(value.func) or "") in _COPIES
                                            or isinstance(value.func, ast.Attribute) and value.func.attr == "copy")


_SIGNING_APPS = frozenset({"django.contrib.sessions", "django.contrib.messages"})
_CSRF_MIDDLEWARE = re.compile(r"\.Csrf\w*Middleware$")
_DJANGO_LISTS = ("INSTALLED_APPS", "MIDDLEWARE", "MIDDLEWARE_CLASSES", "SESSION_ENGINE")


def _django_signs_nothing(index: Index) -> bool:
    """A Django settings module whose `INSTALLED_APPS` and `MIDDLEWARE` are written out in full here and hold nothing
    that signs with `SECRET_KEY`: no sessions app (their cookie, the hash that keeps a login) and no session engine,
    no messages app (its cookie storage), no CSRF middleware. A key made up per process then signs nothing another
    process must check (`SessionMiddleware` alone, without the sessions app, stores nothing)."""
    bound: dict[str, list[ast.expr | None]] = {}
    for site in index.assignments:
        node = site.node
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in _DJANGO_LISTS:
                bound.setdefault(target.id, []).append(node.value)
    written = [bound.get("INSTALLED_APPS", []), bound.get("MIDDLEWARE") or bound.get("MIDDLEWARE_CLASSES") or []]
    lists = [values[0] for values in written if len(values) == 1 and isinstance(values[0], (ast.List, ast.Tuple))]
    if "SESSION_ENGINE" in bound or len(lists) != len(written):
        return False  # set twice, added to, built or taken from elsewhere: not known in full
    entries = [_str(e) for found in lists for e in found.elts]
    return all(entries) and not _SIGNING_APPS & set(entries) and not any(_CSRF_MIDDLEWARE.search(e) for e in entries)


def _django_key(bound: set[str], site: Site, contexts: Contexts, flask_key: bool, index: Index) -> bool:
    """A fallback bound to Django's `SECRET_KEY` in the body of a Django settings module (one that sets
    `INSTALLED_APPS` or `ROOT_URLCONF` too), not a Flask app's nor another framework's config class."""
    return "SECRET_KEY" in bound and site.function is None and contexts.module_kind == "settings" and not flask_key \
        and any(s.function is None and isinstance(s.node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id in ("INSTALLED_APPS", "ROOT_URLCONF") for t in s.node.targets)
                for s in index.assignments)


def _flask_key_values(index: Index, bindings: list[tuple[Site, str, ast.expr]]) -> set[int]:
    """ids of every node of the values a module importing flask binds to Flask's `SECRET_KEY` (`SECRET_KEY = ...` in a
    config module or class, `app.secret_key = ...`, `app.config["SECRET_KEY"] = ...`, `config.update(SECRET_KEY=...)`,
    `{"SECRET_KEY": ...}`): link asks whether anything of the app signs with that key."""
    if not any(isinstance(n, ast.Import) and any(a.name.partition(".")[0] == "flask" for a in n.names)
               or isinstance(n, ast.ImportFrom) and not n.level and (n.module or "").partition(".")[0] == "flask"
               for n in index.imports):
        return set()
    return {id(n) for _, key, value in bindings if key.lower() == "secret_key" for n in walk(value)}


def _random_signers(index: Index, names: Names, contexts: Contexts, path: str) -> list[SecretRandomFallback]:
    """`URLSafeTimedSerializer(secrets.token_hex(32))`, `Fernet(Fernet.generate_key())` at start: a signer or
    cipher keyed with a value each process makes up for itself."""
    found = []
    for call in index.calls:
        signer = names.qualify(call.node.func) or ""
        if call.function is None and _SIGNERS.match(signer) and call.node.args \
                and _is_random(call.node.args[0], names):
            found.append(fact_at(SecretRandomFallback, path, call.node.args[0], contexts.of(call), call.statement_line,
                                 signer, env_key=f"the key of {signer.rsplit('.', 1)[-1]}()", in_code=True,
                                 module_kind=contexts.module_kind))
    return found


def _kept_key(value: ast.expr, names: Names) -> tuple[Function, ast.Call] | None:
    """(the helper, its file write) for the call in `value` of a module function that makes a key up into a local
    name, writes that name to a file and returns it (`SECRET_KEY = config.get(...) or gen_secret_key()`,
    `app.config["SECRET_KEY"] = get_secret_key()`, the helper reading the file back when it exists): a key generated
    once per container and kept on its disk."""
    for call in (n for n in walk(value) if isinstance(n, ast.Call)):
        helper = names.functions.get(names.qualify(call.func) or "")
        if helper is None:
            continue
        made = {t.id for n in walk(helper) if isinstance(n, ast.Assign) and _is_random(n.value, names, hop=False)
                for t in n.targets if isinstance(t, ast.Name)}
        returned = {r.value.id for r in walk(helper) if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)}
        write = next((w for name in sorted(made & returned)  # a secret-named one is reported where the helper binds it
                      if not SECRET_NAME.search(name) and (w := _write_of(helper, name)) is not None), None)
        if write is not None:
            return helper, write
    return None


def _write_of(function: ast.AST, key: str) -> ast.Call | None:
    """The call writing the value the function bound to `key` to a file (`f.write(self.auth_secret_key)`,
    `path.write_text(secret_key)`), if any."""
    for node in walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FILE_WRITES \
                and node.args and _key_of(node.args[0]) == key:
            return node
    return None


_CONFIG_SAVES = frozenset({"write", "save", "write_config", "save_config", "write_file"})
"""Methods that save a configuration object back to its file (`CONFIG.write()`, `settings.save()`)."""
_ENV_FILE_WRITES = frozenset({"dotenv.set_key", "dotenv.main.set_key"})


def _saved_to_config(site: Site, key: str, index: Index, names: Names) -> str:
    """Where the made-up key is saved with the configuration it was set on, in words: the object the assignment sets
    it on (`CONFIG.JWT_SECRET = ...`, `config["auth"]["secret"] = ...`) saved afterwards in the same function
    (`CONFIG.write()`), or python-dotenv's `set_key(".env", KEY, value)` writing it to the env file; `""`: not saved.
    The key is then part of the app's persistent configuration: later starts, and every process reading that
    configuration, use the same key."""
    node = site.node
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    target = next((t for t in targets if _key_of(t) == key), None)
    if target is None:
        return ""
    owners: set[str] = set()
    part = target
    while isinstance(part, (ast.Attribute, ast.Subscript)):
        part = part.value
        owners.add(ast.dump(part))
    for call in index.calls:
        if call.function is not site.function or call.node.lineno < site.statement_line:
            continue
        func = call.node.func
        if isinstance(func, ast.Attribute) and func.attr in _CONFIG_SAVES and ast.dump(func.value) in owners:
            return f"`{ast.unparse(func)}()` at line {call.node.lineno}"
        if names.qualify(func) in _ENV_FILE_WRITES and any(
                isinstance(a, ast.Name) and a.id == key or _str(a) == key for a in call.node.args[1:]):
            return f"`set_key()` at line {call.node.lineno}"
    return ""


def _persists(function: ast.AST, key: str) -> bool:
    """The function writes the value it bound to `key` to a file: a key generated once and kept on the local disk."""
    return _write_of(function, key) is not None


def credential_facts(index: Index, names: Names, contexts: Contexts, path: str, text: str,
                     smtp_unused: bool = False) -> list[PythonSiteFact]:
    """`smtp_unused`: the module's `EMAIL_BACKEND` is not Django's SMTP backend (locators.smtp_unused), so its SMTP
    login (`EMAIL_HOST_PASSWORD`) is never used: its fallback is not judged."""
    facts: list[PythonSiteFact] = []
    fallbacks: set[int] = set()
    reads = [(call, read) for call in index.calls if (read := env_read(call.node, names)) is not None]
    bindings: list[tuple[Site, str, ast.expr]] = list(_bindings(index))
    issued = _Asked(partial(_issued_prefixes, [read[0] for _, read in reads] + [key for _, key, _ in bindings]))
    compared = _compared_names(index) if "compare_digest" in text else set()
    flask_keys = _flask_key_values(index, bindings) if "ecret_key" in text or "ECRET_KEY" in text else set()
    accounts = _Asked(partial(_account_names, reads, bindings))
    for call, (key, default) in reads:
        if default is None:
            continue
        fallbacks.add(id(default))
        bound = _read_into(key, call, index)
        if smtp_unused and call.function is None and any(SMTP_READS.match(name) for name in bound):
            continue  # the SMTP login of a module sending mail through an API backend
        refused = _refused(index, bound, default, names) if SECRET_NAME.search(key) else ""
        if SECRET_NAME.search(key) and _is_random(default, names):
            facts.append(fact_at(SecretRandomFallback, path, default, contexts.of(call), call.statement_line, key,
                                 env_key=key, module_kind=contexts.module_kind, refused=refused,
                                 flask_key=id(default) in flask_keys))
        checked = bool(bound & compared)
        if isinstance(default, ast.Constant) and isinstance(default.value, str) \
                and _judged_fallback(key, default.value, issued, checked):
            facts.append(_fallback_fact(path, default, contexts, call, key, issued, refused, checked,
                                        id(default) in flask_keys, accounts,
                                        _django_key(bound, call, contexts, id(default) in flask_keys, index), index))
    fields = _settings_fields(names)
    lines: list[str] | None = None
    named: set[int] | None = None
    examples: set[int] | None = None
    for site, key, value in bindings:
        if _IN_CODE_KEY.match(key) and (kept := _kept_key(value, names)) is not None:
            write = Site(kept[1], kept[0], kept[1].lineno)  # reported where the file is written, as a reviewer reads it
            facts.append(fact_at(SecretRandomFallback, path, kept[1], contexts.of(write), write.statement_line, key,
                                 env_key=key, module_kind=contexts.module_kind, persisted=True,
                                 flask_key=id(value) in flask_keys))
            continue
        if not isinstance(value, ast.BoolOp) and id(value) not in fields and not SECRET_NAME.search(key):
            continue  # no secret's name, no `or` fallback, no settings field: nothing below reports it
        made_up = _random_fallback(site, key, value, names, index)
        fallback = _or_fallback(value, names) or (
            (fields[id(value)], value) if id(value) in fields and isinstance(value, ast.Constant)
            and isinstance(value.value, str) and value.value else None)
        checked = key in compared
        judged = fallback is not None and _judged_fallback(fallback[0], str(fallback[1].value), issued, checked) \
            and not (smtp_unused and site.function is None and SMTP_READS.match(key))
        if made_up is None and not judged and not _may_be_literal(value, key):
            continue  # nothing to report: the named and example values are looked up only for what would be
        if named is None:
            examples = _example_values(index)
            named = _named_values(index, names, text) | examples
        if id(value) in named:
            continue
        if made_up is not None:
            persisted = site.function is not None and _persists(site.function, key)
            saved = "" if persisted else _saved_to_config(site, key, index, names)
            variable = _unset_read(site, key, index, names) if made_up[1] is value and not persisted else ""
            facts.append(fact_at(SecretRandomFallback, path, made_up[1], contexts.of(site), site.statement_line, made_up[0],
                                 env_key=variable or fields.get(id(value)) or made_up[0],
                                 module_kind=contexts.module_kind, persisted=persisted, config_saved=saved,
                                 in_code=made_up[1] is value and not persisted and not variable,
                                 settings_field=id(value) in fields, refused=_refused(index, {key}, made_up[1], names),
                                 signs_nothing=key == "SECRET_KEY" and site.function is None
                                 and contexts.module_kind == "settings" and _django_signs_nothing(index),
                                 flask_key=id(made_up[1]) in flask_keys))
        if fallback is not None and judged:
            fallbacks.add(id(fallback[1]))
            refused = _refused(index, {key, fallback[0]}, fallback[1], names)
            facts.append(_fallback_fact(path, fallback[1], contexts, site, fallback[0], issued,
                                        refused, checked, id(fallback[1]) in flask_keys,
                                        accounts, _django_key({key}, site, contexts, id(fallback[1]) in flask_keys, index),
                                        index))
        elif _may_be_literal(value, key) and id(value) not in fallbacks:
            where = site if site.node is value else Site(value, site.function, site.statement_line)
            lines = text.splitlines() if lines is None else lines
            facts.append(fact_at(SecretLiteral, path, value, contexts.of(where), site.statement_line, key,
                                 key=key, shape=(shape := secret_shape(str(value.value), key)), sure=shape in (PROVIDER, RANDOM),
                                 said_public=_said_public(lines, value, site.statement_line), module_kind=contexts.module_kind))
    facts += _random_signers(index, names, contexts, path)
    fallbacks |= fields.keys()  # a pydantic settings field's default is what a missing variable falls back to
    options: set[int] | None = None
    for url in index.urls:
        found = url_password(str(url.node.value))  # the index keeps str constants only
        if found is None:
            continue
        examples = _example_values(index) if examples is None else examples
        if id(url.node) not in examples:
            options = _option_defaults(index) if options is None else options
            masked, scheme, password = found
            host = masked.rsplit("@", 1)[1]
            facts.append(fact_at(UrlCredentials, path, url.node, contexts.of(url), url.statement_line, masked,
                                 url=masked, scheme=scheme, env_default=id(url.node) in fallbacks,
                                 local_default=bool(_LOCAL_ONLY_ACCOUNT.match(str(url.node.value))),
                                 public_default=default_account(str(url.node.value)),
                                 loopback_word=bool(_LOOPBACK_HOST.match(host)) and secret_shape(password) == WORD,
                                 option_default=id(url.node) in options, module_kind=contexts.module_kind,
                                 password_digest=password_digest(password)))
    return facts


def _said_public(lines: list[str], value: ast.Constant, statement_line: int) -> bool:
    """A comment calls the literal a public key: at the end of its line, or alone on the line above its statement."""
    here = lines[value.lineno - 1] if 0 < value.lineno <= len(lines) else ""
    above = lines[statement_line - 2] if 1 < statement_line <= len(lines) + 1 else ""
    return bool(_PUBLIC_COMMENT.search(here) or above.lstrip().startswith("#") and _PUBLIC_COMMENT.search(above))


def _may_be_literal(value: ast.expr, key: str) -> TypeGuard[ast.Constant]:
    """A secret's name bound to a literal that looks like one (a `SecretLiteral`, unless it is an env fallback)."""
    return bool(SECRET_NAME.search(key)) and " " not in key and isinstance(value, ast.Constant) \
        and looks_like_secret(key, value.value)


def default_account(text: str) -> bool:
    """A service URL that logs in with a product's published default account (RabbitMQ's `guest:guest`)."""
    return bool(_DEFAULT_ACCOUNT.match(text.strip()))


def url_password(text: str) -> tuple[str, str, str] | None:
    """(masked URL, scheme, password) of a backing-service URL that carries a real-looking password
    (`postgres://app:s3cret@db/app`); None for templates and placeholders (`{password}`, `<password>`)."""
    match = _URL_CREDENTIALS.match(text)
    if match and _SERVICE_SCHEMES.match(match["scheme"]) and not _PLACEHOLDER.search(match["password"]):
        return f"{match['scheme']}://{match['user']}:***@{match['host']}", match["scheme"], match["password"]
    return None
