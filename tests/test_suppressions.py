"""Inline suppression directives and per-file ignores, end to end through the real pipeline."""

from __future__ import annotations

import pytest

# The mutation of CARTS is on line 7 ({trail} is appended to it; {above} is a line inserted before it).
APP = """\
from flask import Flask
app = Flask(__name__)
CARTS = {{}}

@app.post("/cart/<user>")
def add(user):
{above}    CARTS[user] = []{trail}
    return "ok"
"""


def app(trail: str = "", above: str = "") -> str:
    return APP.format(trail=trail, above=f"    {above}\n" if above else "")


def rules(findings) -> list[tuple[str, str, int]]:
    return [(f.rule, f.path, f.line) for f in findings]


def test_unsuppressed_baseline(lint):
    result = lint({"app.py": app()})
    assert rules(result.findings) == [("TF601", "app.py", 7)]
    assert result.suppressed == ()


# --- Python ------------------------------------------------------------------------------------


def test_trailing_directive_with_reason(lint):
    result = lint({"app.py": app(trail="  # 12f: ignore[TF601] -- per-process cache, rebuilt on start")})
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF601", "app.py", 7)]
    assert result.suppressed[0].suppression == "per-process cache, rebuilt on start"


def test_directive_on_the_line_above(lint):
    result = lint({"app.py": app(above="# 12f: ignore[TF601] -- demo only")})
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF601", "app.py", 8)]
    assert result.suppressed[0].suppression == "demo only"


def test_directive_above_stacked_comments(lint):
    source = app(above="# 12f: ignore[TF601] -- demo only\n    # (another comment in between)")
    result = lint({"app.py": source})
    assert result.findings == ()
    assert len(result.suppressed) == 1


def test_directive_by_rule_name(lint):
    result = lint({"app.py": app(trail="  # 12f: ignore[mutable-module-state]")})
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF601", "app.py", 7)]


def test_directive_by_id_prefix(lint):
    result = lint({"app.py": app(trail="  # 12f: ignore[TF6]")})
    assert result.findings == ()
    assert len(result.suppressed) == 1


def test_bare_directive_suppresses_every_rule(lint):
    result = lint({"app.py": app(trail="  # 12f: ignore")})
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF601", "app.py", 7)]
    assert result.suppressed[0].suppression  # some non-empty account of why


def test_ignore_file_directive(lint):
    source = (
        "# 12f: ignore-file[TF1101] -- the log files are shipped by a sidecar\n"
        "import logging\n"
        "logging.basicConfig(filename='a.log')\n"
        + app()
        + "open('b.log', 'a').write('started')\n"  # a second finding (a second handler would fold into the first)
    )
    result = lint({"app.py": source})
    assert [f.rule for f in result.findings] == ["TF601"]
    assert sorted(f.rule for f in result.suppressed) == ["TF1101", "TF1101"]
    assert {f.suppression for f in result.suppressed} == {"the log files are shipped by a sidecar"}


def test_ignore_file_directive_at_the_end_of_the_file(lint):
    source = "import logging\nlogging.basicConfig(filename='a.log')\n# 12f: ignore-file[log-to-file]\n"
    result = lint({"app.py": source})
    assert result.findings == ()
    assert [f.rule for f in result.suppressed] == ["TF1101"]


def test_ignore_file_covers_only_its_own_file(lint):
    log = "import logging\nlogging.basicConfig(filename='a.log')\n"
    result = lint({"a.py": "# 12f: ignore-file[TF1101]\n" + log, "b.py": log})
    assert rules(result.findings) == [("TF1101", "b.py", 2)]


def test_noqa(lint):
    result = lint({"app.py": app(trail="  # noqa: TF601")})
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF601", "app.py", 7)]


def test_noqa_with_other_linters_codes_in_the_list(lint):
    # flake8/ruff syntax: one noqa comment with a comma-separated list of codes from several tools.
    result = lint({"app.py": app(trail="  # noqa: E501, TF601")})
    assert result.findings == ()


def test_directive_after_another_tools_pragma_in_the_same_comment(lint):
    result = lint({"app.py": app(trail="  # type: ignore[index]  # 12f: ignore[TF601] -- demo")})
    assert result.findings == ()
    assert result.suppressed[0].suppression == "demo"


@pytest.mark.parametrize("trail", [
    "  # 12f: ignore[TF1101]",
    "  # 12f: ignore[log-to-file] -- wrong rule",
    "  # 12f: ignore[TF11]",
    "  # noqa: TF1101",
    "  # noqa",
    "  # 12f: ignore-file[TF903]",
])
def test_directive_for_another_rule_does_not_suppress(lint, trail):
    result = lint({"app.py": app(trail=trail)}, ignore=("TF003",))
    assert rules(result.findings) == [("TF601", "app.py", 7)]
    assert result.suppressed == ()


def test_directive_two_lines_above_does_not_reach(lint):
    result = lint({"app.py": app(above="# 12f: ignore[TF601]\n    user = user.strip()")})
    assert rules(result.findings) == [("TF003", "app.py", 7), ("TF601", "app.py", 9)]


def test_hash_inside_a_python_string_is_not_a_directive(lint):
    result = lint({"app.py": app().replace("CARTS[user] = []", 'CARTS[user] = "see # 12f: ignore -- looks like one"')})
    assert rules(result.findings) == [("TF601", "app.py", 7)]
    assert result.suppressed == ()


def test_directive_text_inside_a_multiline_string_is_not_a_directive(lint):
    source = app().replace("    CARTS[user] = []\n", '    note = """\n# 12f: ignore[TF601]\n"""; CARTS[user] = note\n')
    result = lint({"app.py": source})
    assert rules(result.findings) == [("TF601", "app.py", 9)]
    assert result.suppressed == ()


def test_trailing_directive_on_the_last_line_of_a_multiline_statement(lint):
    source = app().replace("    CARTS[user] = []\n", "    CARTS.setdefault(\n        user, [],\n    )  # 12f: ignore[TF601]\n")
    result = lint({"app.py": source})
    assert result.findings == ()
    assert len(result.suppressed) == 1


def test_directive_on_the_first_line_of_a_logging_dict_covers_its_handlers(lint):
    settings = """\
LOGGING = {  # 12f: ignore[TF1101] -- local dev settings
    "version": 1,
    "handlers": {
        "file": {"class": "logging.FileHandler", "filename": "django.log"},
    },
}
"""
    unsuppressed = lint({"mysite/settings.py": settings.replace("# 12f: ignore[TF1101] -- local dev settings", "")})
    assert rules(unsuppressed.findings) == [("TF1101", "mysite/settings.py", 4)]
    result = lint({"mysite/settings.py": settings})
    assert result.findings == ()
    assert result.suppressed[0].suppression == "local dev settings"


# --- Dockerfile and compose --------------------------------------------------------------------

DOCKERFILE = """\
FROM python:3.12-slim
RUN pip install gunicorn
{directive}CMD service nginx start && gunicorn app:app
"""


def test_dockerfile_directive_above_cmd(lint):
    baseline = lint({"Dockerfile": DOCKERFILE.format(directive="")}, select=("TF609",))
    assert rules(baseline.findings) == [("TF609", "Dockerfile", 3)]
    result = lint({"Dockerfile": DOCKERFILE.format(directive="# 12f: ignore[TF609] -- nginx sidecar until PLAT-12\n")},
                  select=("TF609",))
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF609", "Dockerfile", 4)]
    assert result.suppressed[0].suppression == "nginx sidecar until PLAT-12"


def test_dockerfile_directive_for_another_rule_does_not_suppress(lint):
    result = lint({"Dockerfile": DOCKERFILE.format(directive="# 12f: ignore[TF903]\n")}, select=("TF609",))
    assert rules(result.findings) == [("TF609", "Dockerfile", 4)]


COMPOSE = """\
services:
  web:
    image: acme/shop:1
    container_name: shop_web{trail}
  worker:
    image: acme/shop:1
    container_name: shop_worker
"""


def test_compose_trailing_directive(lint):
    baseline = lint({"compose.yaml": COMPOSE.format(trail="")}, select=("TF803",))
    assert rules(baseline.findings) == [("TF803", "compose.yaml", 4), ("TF803", "compose.yaml", 7)]
    result = lint({"compose.yaml": COMPOSE.format(trail="  # 12f: ignore[TF803] -- single-host demo")}, select=("TF803",))
    assert rules(result.findings) == [("TF803", "compose.yaml", 7)]
    assert rules(result.suppressed) == [("TF803", "compose.yaml", 4)]
    assert result.suppressed[0].suppression == "single-host demo"


def test_compose_directive_on_the_line_above(lint):
    source = COMPOSE.format(trail="").replace("    container_name: shop_worker",
                                             "    # 12f: ignore[unscalable-service]\n    container_name: shop_worker")
    result = lint({"compose.yaml": source}, select=("TF803",))
    assert rules(result.findings) == [("TF803", "compose.yaml", 4)]
    assert rules(result.suppressed) == [("TF803", "compose.yaml", 8)]


# --- per-file ignores --------------------------------------------------------------------------


def test_per_file_ignores_drop_findings(lint):
    result = lint({"legacy/app.py": app(), "shop/app.py": app()}, per_file_ignores={"legacy/*": ("TF601",)})
    assert rules(result.findings) == [("TF601", "shop/app.py", 7)]
    assert all(f.path != "legacy/app.py" for f in result.suppressed)


def test_per_file_ignores_by_name_and_prefix(lint):
    log = "import logging\nlogging.basicConfig(filename='a.log')\n"
    result = lint({"legacy/app.py": app(), "legacy/log.py": log, "shop/log.py": log},
                  per_file_ignores={"legacy/": ("mutable-module-state", "TF11")})
    assert rules(result.findings) == [("TF1101", "shop/log.py", 2)]


# --- the definition line covers the findings about what it defines ----------------------------


def test_directive_on_the_state_definition_covers_its_mutations(lint):
    source = app().replace("CARTS = {}", "CARTS = {}  # 12f: ignore[TF601] -- rebuilt on every deploy")
    result = lint({"app.py": source})
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF601", "app.py", 7)]
    assert result.suppressed[0].suppression == "rebuilt on every deploy"


def test_directive_above_the_state_definition_covers_its_mutations(lint):
    result = lint({"app.py": app().replace("CARTS = {}", "# 12f: ignore[TF601]\nCARTS = {}")})
    assert result.findings == ()


def test_directive_on_imported_state_covers_writes_in_other_modules(lint):
    result = lint({
        "shop/__init__.py": "",
        "shop/store.py": "CARTS = {}  # 12f: ignore[mutable-module-state] -- demo\n",
        "shop/views.py": "from flask import Flask\nfrom shop.store import CARTS\napp = Flask(__name__)\n\n"
                         "@app.post('/c/<u>')\ndef add(u):\n    CARTS[u] = []\n    return 'ok'\n",
    })
    assert result.findings == ()
    assert rules(result.suppressed) == [("TF601", "shop/views.py", 7)]


def test_directive_on_a_compose_service_covers_its_keys(lint):
    compose = ("services:\n  web:  # 12f: ignore[TF803] -- one replica on this host\n    image: app\n"
               "    container_name: web\n    deploy:\n      replicas: 2\n")
    result = lint({"docker-compose.yml": compose}, select=("TF803", "TF003"))
    assert result.findings == ()
    assert {f.rule for f in result.suppressed} == {"TF803"}


def test_definition_directive_for_another_rule_does_not_cover(lint):
    result = lint({"app.py": app().replace("CARTS = {}", "CARTS = {}  # 12f: ignore[TF1101]")}, ignore=("TF003",))
    assert rules(result.findings) == [("TF601", "app.py", 7)]


# --- directives that are wrong or dead ---------------------------------------------------------


def test_unused_directive_is_reported_at_the_comment(lint):
    result = lint({"app.py": "import os\n# 12f: ignore[TF601] -- was a cache once\nCACHE = os.environ\n"})
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.severity) == ("TF003", 2, "info")
    assert "`# 12f: ignore[TF601]` suppresses no `TF601` finding on line 3" in finding.message


def test_each_rule_of_a_directive_is_checked(lint):
    result = lint({"app.py": app(trail="  # 12f: ignore[TF601, TF1101]")})
    assert [(f.rule, f.line) for f in result.findings] == [("TF003", 7)]
    assert "`TF1101` finding" in result.findings[0].message


def test_a_directive_used_by_an_unselected_rule_is_not_unused(lint):
    result = lint({"app.py": app(trail="  # 12f: ignore[TF601]")}, select=("TF003",))
    assert result.findings == ()


def test_bare_and_file_wide_directives_that_cover_nothing(lint):
    result = lint({"app.py": "# 12f: ignore-file[TF1101]\nx = 1  # 12f: ignore\n"})
    assert [(f.rule, f.line) for f in result.findings] == [("TF003", 1), ("TF003", 2)]


def test_directives_in_files_not_judged_are_not_reported_unused(lint):
    result = lint({"tests/test_app.py": "CACHE = {}  # 12f: ignore[TF601]\n"})
    assert result.findings == ()


def test_unknown_rule_in_a_directive(lint):
    result = lint({"Dockerfile": "FROM python:3.12\n# 12f: ignore[DL3006, TF901]\nCMD gunicorn app:app\n"})
    assert [(f.rule, f.line) for f in result.findings if f.rule == "TF004"] == [("TF004", 2)]
    assert "`DL3006`" in next(f.message for f in result.findings if f.rule == "TF004")
