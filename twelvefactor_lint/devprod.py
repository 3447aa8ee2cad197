"""The words that tell a developer's setup from a deploy: one vocabulary for every place that asks.

File roles (`settings/localdev.py`, `docker-compose.override.yml`), Helm arms (`eq .Values.env "local"`,
`.Values.devMode`), shell and Python conditions (`$IS_LOCAL_DEV`, `APP_ENV == "development"`), compose
environments (`FLASK_ENV: development`), dispatcher arms (`dev-server)`) and config classes
(`DevelopmentConfig`) all read these words, so a word added here is understood everywhere.
"""

from __future__ import annotations

import re

from twelvefactor_lint.infra.deferred_re import deferred

ENVIRONMENT_WORDS = frozenset({"dev", "devel", "develop", "development", "local", "localdev", "devstack"})
"""A word naming a development environment: `settings/localdev.py`, `APP_ENV=development`, `settings.local`,
`settings.devstack` (Open edX's and OpenStack's name for the developers' stack)."""
DEV_WORDS = ENVIRONMENT_WORDS | {"debug"}
"""Those and debug mode, which only development turns on (`settings/debug.py`, `$DEBUG`, `.Values.debug`)."""
_RELOAD_WORDS = frozenset({"hotreload", "reload"})
"""A value selecting live reload (`mode: hotreload`): what a developer runs against a source checkout."""
PROD_WORDS = frozenset({"prod", "prd", "production", "live"})
"""A word naming production: `docker-compose.prod.yml`, `settings/production.py`, `eq .Values.env "live"`."""
_LOOSE = frozenset({"local"})
"""Alone a name says development (`$IS_LOCAL`, `settings.local`); inside a longer one it names a thing
(`LOCAL_STORAGE`, `local_cache`), not an environment."""
_PREFIXES = frozenset({"is", "run", "use", "enable"})
_SUFFIXES = frozenset({"mode", "enabled", "env", "environment"})
_TEST_ARMS = frozenset({"test", "tests"})

_IDENTIFIER_WORD = deferred(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_FILE_WORD = deferred(r"[._-]+")


def words(name: str) -> list[str]:
    """The lower-case words of an identifier or dotted name, camel case split too: `config.DevelopmentConfig`
    is config, development, config; `IS_LOCAL_DEV` is is, local, dev; `localDev` is local, dev."""
    return [w.lower() for w in _IDENTIFIER_WORD.findall(name)]


def file_words(name: str) -> set[str]:
    """The lower-case words of a file name, split at `.`, `_` and `-` only (`Dockerfile-dev`: dockerfile, dev)."""
    return {w for w in _FILE_WORD.split(name.lower()) if w}


def names_dev_file(name: str) -> bool:
    """A file named for development (`settings/localdev.py`, `entrypoint-dev.sh`, `docker-compose.override.yml`:
    compose's override file is the developers' layer), unless it is also named for production."""
    return names_dev(name, DEV_WORDS | {"override"})


def names_dev(name: str, vocabulary: frozenset[str] = DEV_WORDS) -> bool:
    """A name one of whose words (split at `.`, `_`, `-`) names development and none production: compose project
    `hypha-dev`, image tag `devel`, settings module `local` (`vocabulary`: the words that count)."""
    return _names_dev(file_words(name), vocabulary)


def _names_dev(found: set[str], vocabulary: frozenset[str]) -> bool:
    return bool(found & vocabulary) and not found & PROD_WORDS


def names_prod_file(name: str) -> bool:
    """A file named for production (`docker-compose.prod.yml`, `settings/production.py`)."""
    return bool(file_words(name) & PROD_WORDS)


def is_dev_value(value: str) -> bool:
    """A whole value that names development (`"development"`, `local`, `hotreload`), quotes and case aside."""
    return value.strip().strip("\"'").lower() in DEV_WORDS | _RELOAD_WORDS


def is_prod_value(value: str) -> bool:
    """A whole value that names production (`prod`, `"live"`)."""
    return value.strip().strip("\"'").lower() in PROD_WORDS


def is_dev_flag(name: str, debug: bool = True) -> bool:
    """A switch, variable or setting whose name says development: `IS_DEVELOPMENT`, `SPOKANE_TECH_DEV`,
    `$IS_LOCAL`, `localDev`, `oncall.devMode` (`debug`: `DEBUG`, `settings.DEBUG` count too)."""
    found = words(name)
    vocabulary = DEV_WORDS if debug else ENVIRONMENT_WORDS
    core = [w for w in found if w not in _PREFIXES and w not in _SUFFIXES]
    return any(w in vocabulary - _LOOSE for w in found) or core == ["local"]


def is_prod_flag(name: str) -> bool:
    """A switch whose name says production: `IN_PRODUCTION`, `IS_PROD`, `PRODUCTION` (turned off, it says development)."""
    return any(w in PROD_WORDS - {"live"} for w in words(name))


def names_dev_value(value: str) -> bool:
    """A compared value that names a development configuration, whole or as one word of a dotted or camel-case
    name (`"development"`, `config.DevelopmentConfig`, `settings.dev`)."""
    return is_dev_value(value) or any(w in DEV_WORDS - _LOOSE for w in words(value))


_SELECTOR_KEYS = frozenset({"env", "environment", "config", "configuration", "settings", "module", "class"})
"""The last word of an environment variable that selects the app's environment, settings module or config class
(`FLASK_ENV`, `TAKAHE_ENVIRONMENT`, `FLASK_CONFIG`, `APP_SETTINGS`, `DJANGO_SETTINGS_MODULE`, `CONFIG_MODULE_CLASS`)."""
_ENVIRONMENT_KEYS = frozenset({"env", "environment", "configuration"})
"""Those that name the environment itself (`DJANGO_CONFIGURATION=Local` picks django-configurations' `Local`
class), where even `local` says development."""
_DOTTED_NAME = deferred(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def selects_development(key: str, value: str) -> bool:
    """An environment entry that selects a development environment, settings module or config class:
    `FLASK_ENV=development`, `DJANGO_SETTINGS_MODULE=hypha.settings.dev` (or `config.settings.local`),
    `FLASK_CONFIG=development`, `APP_SETTINGS=config.DevelopmentConfig`, or a test configuration class a quick-start
    stack runs (`FRONTEND_SVC_CONFIG_MODULE_CLASS=amundsen_application.config.TestConfig`). Not a file
    (`LOG_CONFIG=logging.dev.ini`: the last part names no module), not `local` as a whole value of a config or settings key
    (`STORAGE_CONFIG=local` is where files go), not a value a variable supplies (`${APP_ENV:-dev}`: a deploy sets it)."""
    found = words(key)
    if not found or found[-1] not in _SELECTOR_KEYS:
        return False
    value = value.strip().strip("\"'")
    if is_dev_value(value) and (found[-1] in _ENVIRONMENT_KEYS or value.lower() not in _LOOSE):
        return True
    last = set(words(value.rpartition(".")[2]))
    glued = {w for w in last if _GLUED_DEV.fullmatch(w)}
    return bool(_DOTTED_NAME.fullmatch(value)) and _names_dev(last | ({"dev"} if glued else set()), _CONFIG_CLASS_WORDS)


_GLUED_DEV = deferred(r"[a-z]{4,}(?:dev|devel|development)")
"""A settings module named for a development variant with the words run together (`settings.dockerdev`,
`settings.composedevelopment`): the developers' stack of that platform, like `settings.docker_dev`."""


def names_dev_service(name: str) -> bool:
    """A compose service named for development (`dev`, `web-dev`, `app_develop`, `local`): the developers' service,
    like a compose file so named. `local` counts only as the whole name (`qanything_local` is the project's
    self-hosted edition, not a developer's setup)."""
    found = file_words(name)
    return not found & PROD_WORDS and bool(found & (ENVIRONMENT_WORDS - _LOOSE) or name.lower() in _LOOSE)


_CONFIG_CLASS_WORDS = DEV_WORDS | _TEST_ARMS | {"testing"}
"""Words of a config class a development or quick-start stack selects: `DevelopmentConfig`, `TestConfig`, `TestingConfig`."""


def is_dev_class(name: str) -> bool:
    """A config class named for development: `DevelopmentConfig`, `LocalConfig`, `DebugSettings` (not
    `DeviceConfig`)."""
    return any(w in DEV_WORDS for w in words(name))


def is_dev_arm(pattern: str) -> bool:
    """A dispatcher's `case` arm that only development or tests select: every alternative starts with such a
    word (`dev|local)`, `dev-server)`, `test)`), an option's too (`--dev)`, `if [ "${1:-}" == "--dev" ]`: a script's
    opt-in development flag, whose other branch is the production start)."""
    return all(_first_word(p) in DEV_WORDS | _TEST_ARMS for p in pattern.split("|"))


def _first_word(pattern: str) -> str:
    return re.split(r"[_\-*]", pattern.strip().strip("\"'").lstrip("-").lower(), maxsplit=1)[0]


_NOT_FOR_PRODUCTION = deferred(
    r"\b(?:do not|don't|never|not)\s+(?:(?:use|used|run|deploy|be|to|this|it|file|image|setup|intended|meant|designed"
    r"|suitable|safe|recommended|ready)\s+){0,5}(?:in|for)\s+(?:a\s+)?production\b"
    r"(?!(?:\s+\w+){0,2}\s+(?:without|unless|until)\b)"  # `not for production use without first customizing it`
    r"|\bnot\s+production[- ]ready\b")
"""A negated production phrase: `DO NOT USE THIS IN PRODUCTION`, `not intended to be used for production`."""
_DEVELOPMENT_ONLY = deferred(
    r"(?:\b(?:local\s+)?(?:development|dev)[- ]only\b"
    r"|\bonly\s+(?:(?:meant|intended|used|designed)\s+)?for\s+(?:the\s+)?(?:local\s+)?development\b"
    r"|\b(?:this|the)\s+(?:[\w-]+\s+){0,3}?(?:is|are)\s+(?:(?:only|meant|intended|used|designed)\s+){0,2}"
    r"for\s+(?:the\s+)?(?:local\s+)?(?:development|dev)\b)"
    r"(?!\s+(?:and|or|&)\s+(?:prod|production|deploy))")
"""An explicit development-only phrase about the file: `for development only`, `only meant for local development`,
`This file is for local development` (not `... for development and production`)."""


_DECLARED_FOR_TESTING = deferred(
    r"(?:\b(?:this|the)\s+(?:[\w-]+\s+){0,3}?(?:is|are)\s+|^)(?:(?:only|mainly|mostly|just|primarily)\s+)?"
    r"(?:used|meant|intended|designed|made)\s+(?:only\s+)?(?:for|in|by)\s+[^.;:!?]{0,160}?"
    r"\b(?:(?:local\s+)?testing|tests|local\s+development)\b"
    r"|\b(?:testing|tests?)[- ]only\b"
    r"|\b(?:for|to)\s+(?:try|trying)\s+(?:[\w-]+\s+){0,2}?out\b|\btry[- ]?out\s+purposes\b"
    r"|\bquick(?:est)?\s+(?:and\s+\w+\s+)?way\s+to\s+(?:try|test|evaluate)\b")
"""A sentence declaring what the file is for, naming tests, CI or local development, or trying the project out:
`This docker compose is used for quick setups of the site and database which the bot project relies on for testing`,
`Primarily used in CI workflows for executing tests.` (the subject left implied at the sentence's start), `for
testing only`, `for trying Nitrate out`, `a quick way to try it`."""
_ONLY_FOR_TESTING = deferred(
    r"\b(?:is|are)\s+(?:(?:meant|intended|used|designed)\s+)?only\s+(?:(?:meant|intended|used|designed)\s+)?"
    r"(?:for|to)\s+(?:test|testing|tests|try|trying|ci)\b(?![^.;:!?]*\b(?:and|or)\s+(?:in\s+|for\s+)?production\b)")
"""`this container-compose is only for test latest image built from development branch and prod image built from
released version`: a file declared only for tests, whatever images it tests (`prod image` is what it runs, not where),
unless it names production as a second use (`only for testing and production`)."""
_PRODUCTION_WORD = deferred(r"\b(?:prod|production|deploy\w*|live|release)\b")


def _declared_for_testing(header: str) -> bool:
    """A sentence of the header declares the file for tests or local development, and none of it speaks of
    production (`... used for testing and in production`)."""
    return any(_DECLARED_FOR_TESTING.search(sentence) and not _PRODUCTION_WORD.search(sentence)
               or _ONLY_FOR_TESTING.search(sentence) for sentence in re.split(r"(?<=[.!?])\s+", header))


def header_says_development(lines: list[str], preamble: re.Pattern[str] | None = None) -> bool:
    """The comment block a file opens with (after blank lines and `preamble` lines, such as compose's `version:`)
    says the file is not for production, is for development only, or is used for tests or local development.
    Strict: a file's other comments, and words like `dev` or `local` anywhere, say nothing of what the file is
    for."""
    comments = []
    for line in lines:
        text = line.strip()
        if text.startswith("#"):
            comments.append(text.lstrip("#"))
        elif text and text != "---" and not (preamble and preamble.match(line)):
            break
    header = " ".join(" ".join(comments).replace("*", " ").replace("`", " ").lower().split())
    return bool(_NOT_FOR_PRODUCTION.search(header) or _DEVELOPMENT_ONLY.search(header)) or _declared_for_testing(header)


_DECLARED_DEVELOPMENT = deferred(
    r"^(?:[\w-]+\s+){0,3}?(?:settings|config|configuration|conf)\s+(?:(?:only|used|meant|intended)\s+){0,2}"
    r"for\s+(?:the\s+)?(?:local\s+)?(?:development|dev)\b(?!\s+(?:and|or|&)\s+(?:prod|production|deploy|staging))")
"""A docstring that opens by naming what it configures as development's: `Settings for local development with
Docker`, `Django settings for development.` (not `Settings for development and production`)."""


def docstring_says_development(docstring: str | None) -> bool:
    """A module's or config class's docstring declares it development (or not production) settings: it opens
    with `Settings for local development`, or says `for development only` or `DO NOT USE IN PRODUCTION`. Only what
    the text says of itself: `local` or `dev` elsewhere in it says nothing."""
    text = " ".join((docstring or "").replace("*", " ").replace("`", " ").lower().split())
    return bool(text and (_DECLARED_DEVELOPMENT.search(text) or _NOT_FOR_PRODUCTION.search(text)
                          or _DEVELOPMENT_ONLY.search(text)))


_GROUP_FLAGS = frozenset({"--group", "--with", "--only", "--extra", "-G", "--dev-group"})
"""Options naming the dependency groups (or extras) an install adds: `uv sync --group dev`, `poetry install --with
dev,test`, `pdm install -G dev`."""
_DEV_FLAGS = frozenset({"--dev", "--all-groups", "--all-extras"})
_REQUIREMENT_FLAGS = frozenset({"-r", "--requirement"})


def installs_dev_dependencies(argv: tuple[str, ...]) -> bool:
    """An install that adds the development dependencies: `uv sync --dev`, `poetry install --with dev`, `pipenv
    install --dev`, `pdm install -G dev`, `pip install -r requirements-dev.txt` (or `requirements/local.txt`),
    `pip install -e .[dev]`. A plain `uv sync` or `poetry install` (the dev group by default, but nobody asked) is
    not."""
    if len(argv) < 2:
        return False
    program, subcommand = argv[0].rsplit("/", 1)[-1], argv[1]
    if program == "uv" and subcommand == "pip":
        argv, program, subcommand = argv[1:], "pip", argv[2] if len(argv) > 2 else ""
    if program in {"python", "python3"} and argv[1:3] == ("-m", "pip"):
        argv, program, subcommand = argv[2:], "pip", argv[3] if len(argv) > 3 else ""
    if (program, subcommand) not in {("uv", "sync"), ("poetry", "install"), ("pipenv", "install"), ("pdm", "install"),
                                     ("pdm", "sync"), ("pip", "install"), ("pip3", "install")}:
        return False
    words = argv[2:]
    for index, word in enumerate(words):
        option, _, value = word.partition("=")
        if option in _DEV_FLAGS or program == "pipenv" and option == "-d":
            return True
        value = value or (words[index + 1] if index + 1 < len(words) else "")
        if option in _GROUP_FLAGS and any(names_dev(group, DEV_WORDS | _TEST_ARMS) for group in value.split(",")):
            return True
        if program.startswith("pip") and option in _REQUIREMENT_FLAGS and names_dev_requirements(value):
            return True
        extras = re.fullmatch(r"\.?[\w./-]*\[([\w,-]+)\]", word.strip("\"'"))
        if program.startswith("pip") and extras and any(names_dev(e, DEV_WORDS | _TEST_ARMS)
                                                        for e in extras[1].split(",")):
            return True
    return False


def names_dev_requirements(path: str) -> bool:
    """A requirements file for development: `requirements-dev.txt`, `dev-requirements.txt`, `requirements/local.txt`,
    `requirements/development.txt`."""
    return names_dev(path.strip("\"'").lower().rsplit("/", 1)[-1].rsplit(".", 1)[0], DEV_WORDS)
