"""What each fixable rule's Python fix writes, given the nodes at a finding's span.

Each function returns one `Edit` (a node and its replacement) or None when the code there has
a shape the fix does not know: then nothing is changed and the finding stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst
from libcst.helpers import get_full_name_for_node

from twelvefactor_lint.fix.envnames import env_name, locator_name
from twelvefactor_lint.fix.imports import bound_name

_STRINGS = (cst.SimpleString, cst.ConcatenatedString)
_Node = TypeVar("_Node", bound=cst.CSTNode)
_SERVICES = {
    "create_engine": "DATABASE", "create_async_engine": "DATABASE", "connect": "DATABASE", "create_pool": "DATABASE",
    "Redis": "REDIS", "StrictRedis": "REDIS", "from_url": "REDIS", "MongoClient": "MONGODB",
    "AsyncIOMotorClient": "MONGODB", "ConnectionParameters": "AMQP", "URLParameters": "AMQP", "SMTP": "SMTP",
    "SMTP_SSL": "SMTP", "Connection": "BROKER", "Elasticsearch": "ELASTICSEARCH", "Client": "MEMCACHED",
}
"""Client constructors the locator facts know, by their last name: the service their variable is named after."""
_PORT_POSITIONAL = {"make_server", "run_simple"}


@dataclass(frozen=True)
class Edit:
    target: cst.CSTNode
    replacement: cst.CSTNode
    imports: tuple[str, ...] = ()
    env: tuple[str, cst.CSTNode] | None = None
    """The variable the code now reads and the literal it stands for: one variable must not stand for two."""


@dataclass(frozen=True)
class Site:
    """The nodes spanning a finding exactly, and what the fixes need to know about the module."""

    nodes: tuple[cst.CSTNode, ...]
    parents: Mapping[cst.CSTNode, cst.CSTNode]
    imported: Mapping[str, str]
    """What the module's imports bind, anywhere in it: `lh` -> `logging.handlers`, `RFH` ->
    `logging.handlers.RotatingFileHandler`; `stripe` in `stripe.api_key` names a module."""
    quote: str
    """The quote most of the module's strings use, for the strings a fix writes."""

    @classmethod
    def context(cls, module: cst.Module, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> Site:
        imported: dict[str, str] = {}
        quotes: Counter[str] = Counter()
        for node in parents:
            if isinstance(node, cst.ImportAlias):
                imported[bound_name(node)] = _imported_name(node, parents.get(node))
            elif isinstance(node, cst.SimpleString):
                quotes[node.quote[0]] += 1
        quote = "'" if quotes["'"] > quotes['"'] else '"'
        return cls((), parents, imported, quote)

    def qualified(self, node: cst.CSTNode) -> str:
        """A dotted name with its import alias expanded: `RFH` -> `logging.handlers.RotatingFileHandler`."""
        head, dot, rest = (get_full_name_for_node(node) or "").partition(".")
        return self.imported.get(head, head) + dot + rest

    def at(self, nodes: list[cst.CSTNode]) -> Site:
        return Site(tuple(nodes), self.parents, self.imported, self.quote)

    def first(self, kind: type[_Node]) -> _Node | None:
        return next((n for n in self.nodes if isinstance(n, kind)), None)

    def first_string(self) -> cst.SimpleString | cst.ConcatenatedString | None:
        return next((n for n in self.nodes if isinstance(n, _STRINGS)), None)

    def build(self, template: str, **parts: str | cst.BaseExpression) -> cst.BaseExpression:
        """Parse `template`, putting each part in place of its upper-case placeholder name: a node as it
        is, a str as a string literal in the module's quote style."""
        nodes = {k: cst.SimpleString(f"{self.quote}{v}{self.quote}") if isinstance(v, str) else v for k, v in parts.items()}
        built = cst.parse_expression(template).visit(_Swap(nodes))
        assert isinstance(built, cst.BaseExpression)  # _Swap replaces names with expressions only
        return built


class _Swap(cst.CSTTransformer):
    def __init__(self, nodes: dict[str, cst.BaseExpression]):
        self.nodes = nodes

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.nodes.get(original_node.value, updated_node)


def _imported_name(alias: cst.ImportAlias, statement: cst.CSTNode | None) -> str:
    name = get_full_name_for_node(alias.name) or ""
    if isinstance(statement, cst.ImportFrom):
        return f"{get_full_name_for_node(statement.module) or ''}.{name}" if statement.module else name
    return name if alias.asname is not None else name.split(".")[0]


def _in_parens_of(original: cst.BaseExpression, new: cst.BaseExpression) -> cst.BaseExpression:
    """`new`, wrapped in the parentheses `original` had."""
    return new.with_changes(lpar=original.lpar, rpar=original.rpar)


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=(), rpar=())


def _string_value(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, _STRINGS):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _target_names(target: cst.BaseExpression, site: Site) -> list[str] | None:
    """`SECRET_KEY`, `app.secret_key` -> `secret_key`, `stripe.api_key` -> `stripe_api_key`, `app.config["X"]` -> `X`."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, cst.Attribute):
        owner = target.value
        if isinstance(owner, cst.Name) and owner.value in site.imported:
            return [owner.value, target.attr.value]
        return [target.attr.value]
    if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index) \
            and get_full_name_for_node(target.value) != "os.environ":
        key = _string_value(target.slice[0].slice.value)
        return [key] if key else None
    return None


def _binding(node: cst.CSTNode, site: Site) -> list[str] | None:
    """The names a value is bound to, outermost first: `DATABASES = {"default": {"PASSWORD": v}}` ->
    DATABASES, default, PASSWORD; `login(password=v)` -> password. None when it is not bound by name."""
    keys: list[str] = []
    child: cst.CSTNode | None = node
    parent = site.parents.get(node)
    while isinstance(parent, cst.DictElement) and parent.value is child:
        key = _string_value(parent.key)
        if key is None:
            return None
        keys.insert(0, key)
        child = site.parents.get(parent)
        parent = site.parents.get(child) if child is not None else None
    if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is child:
        target = parent.targets[0].target if isinstance(parent, cst.Assign) else parent.target
        names = _target_names(target, site)
        return None if names is None else names + keys
    if isinstance(parent, cst.Arg) and parent.value is child:
        if keys:
            return keys
        return [parent.keyword.value] if parent.keyword is not None else None
    return keys or None


def _callee(call: cst.Call, site: Site) -> str:
    """The last part of the called name, import aliases expanded."""
    return site.qualified(call.func).rsplit(".", 1)[-1]


def secret_from_environment(site: Site) -> Edit | None:
    """TF301: `SECRET_KEY = "..."` -> `SECRET_KEY = os.environ["SECRET_KEY"]` (a missing variable now fails fast)."""
    literal = site.first_string()
    names = _binding(literal, site) if literal is not None else None
    if literal is None or names is None:
        return None
    name = env_name(names)
    read = site.build("os.environ[NAME]", NAME=name)
    return Edit(literal, _in_parens_of(literal, read), ("os",), (name, literal))


def _flag(site: Site, name: str) -> cst.BaseExpression:
    return site.build("os.environ.get(NAME, OFF) == ON", NAME=name, OFF="", ON="1")


def debug_from_environment(site: Site) -> Edit | None:
    """TF303: `DEBUG = True` -> `DEBUG = os.environ.get("DEBUG", "") == "1"`; `debug=True` in a call likewise."""
    value = site.first(cst.Name)
    names = _binding(value, site) if value is not None and value.value == "True" else None
    if value is not None and names is not None:
        return Edit(value, _in_parens_of(value, _flag(site, env_name(names))), ("os",))
    call = site.first(cst.Call)
    arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "debug"), None) if call else None
    if arg is None or not (isinstance(arg.value, cst.Name) and arg.value.value == "True"):
        return None
    return Edit(arg.value, _in_parens_of(arg.value, _flag(site, "DEBUG")), ("os",))


def locator_from_environment(site: Site) -> Edit | None:
    """TF401: a literal URL or host -> `os.environ.get("<NAME>_URL", <the literal>)`: the same value unless configured."""
    literal = site.first_string()
    value = _string_value(literal)
    if literal is None or value is None:
        return None
    arg = site.parents.get(literal)
    call = site.parents.get(arg) if isinstance(arg, cst.Arg) else None
    names: list[str] | None
    if isinstance(call, cst.Call) and _callee(call, site) in _SERVICES:
        names = [_SERVICES[_callee(call, site)]]
    else:
        names = _binding(literal, site)
    if names is None:
        return None
    name = locator_name(names, value)
    read = site.build("os.environ.get(NAME, DEFAULT)", NAME=name, DEFAULT=_bare(literal))
    return Edit(literal, _in_parens_of(literal, read), ("os",), (name, literal))


def port_from_environment(site: Site) -> Edit | None:
    """TF701: `port=8000` -> `port=int(os.environ.get("PORT", "8000"))`: the same port unless `$PORT` is set."""
    call = site.first(cst.Call)
    if call is None:
        return None
    arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "port"), None)
    if arg is None and _callee(call, site) in _PORT_POSITIONAL and len(call.args) > 1 and call.args[1].keyword is None:
        arg = call.args[1]
    if arg is None or not isinstance(arg.value, (cst.Integer, cst.SimpleString)):
        return None
    literal = arg.value
    default = _bare(literal) if isinstance(literal, cst.SimpleString) else literal.value
    read = site.build("int(os.environ.get(NAME, DEFAULT))", NAME="PORT", DEFAULT=default)
    return Edit(literal, _in_parens_of(literal, read), ("os",), ("PORT", literal))


def log_to_stdout(site: Site) -> Edit | None:
    """TF1101: a file handler -> `logging.StreamHandler(sys.stdout)`; `basicConfig(filename=...)` -> `stream=sys.stdout`."""
    call = site.first(cst.Call)
    if call is None:
        return None
    if _callee(call, site).endswith("FileHandler"):
        handler = cst.parse_expression("logging.StreamHandler(sys.stdout)")
        return Edit(call, _in_parens_of(call, handler), ("logging", "sys"))
    if _callee(call, site) != "basicConfig":
        return None
    args = []
    for arg in call.args:
        name = arg.keyword.value if arg.keyword is not None else ""
        if name == "filename":
            args.append(arg.with_changes(keyword=cst.Name("stream"), value=cst.parse_expression("sys.stdout")))
        elif name != "filemode":
            args.append(arg)
    if len(args) < len(call.args) and call.args[-1] is not args[-1]:
        args[-1] = args[-1].with_changes(comma=call.args[-1].comma)
    return Edit(call, call.with_changes(args=args), ("sys",))


EDITS: dict[str, Callable[[Site], Edit | None]] = {
    "TF301": secret_from_environment,
    "TF303": debug_from_environment,
    "TF401": locator_from_environment,
    "TF701": port_from_environment,
    "TF1101": log_to_stdout,
}
