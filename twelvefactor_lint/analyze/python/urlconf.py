"""Django URLconf routes: which view each `path()`/`re_path()`/`url()` entry serves.

A function view can live in any module; the URLconf is what makes it a request handler.
Each route becomes a fact naming the view's qualified name (`polls.pages.detail`, or the
class of `SomeView.as_view()`), for link to find views that their module's name did not reveal.
"""

from __future__ import annotations

import ast

from twelvefactor_lint.analyze.python.index import Index
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.analyze.python.state import absolute_import
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import UrlRoute

_ROUTERS = {"django.urls.path", "django.urls.re_path", "django.conf.urls.url"}


def route_facts(index: Index, names: Names, path: str) -> list[UrlRoute]:
    module = dotted_module(path)
    is_package = path.endswith("__init__.py")
    facts = []
    for site in index.calls:
        call = site.node
        if names.qualify(call.func) not in _ROUTERS or len(call.args) < 2:
            continue
        view = call.args[1]
        if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            view = view.func.value
        qualified = names.qualify(view)
        if not qualified:
            continue
        if "." not in qualified or qualified.split(".")[0] not in names.imports:
            qualified = f"{module}.{qualified}" if qualified in names.functions or qualified in names.classes else qualified
        facts.append(UrlRoute(path, call.lineno, call.col_offset + 1, view=absolute_import(qualified, module, is_package),
                              statement_line=site.statement_line, anchor=f"route:{qualified}"))
    return facts
