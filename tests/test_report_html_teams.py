"""The HTML report for a team: anchors, links to rule docs and source lines, a process filter, findings
first for a long inventory, the root shown relative, baseline counts, and dark mode (in headless Chromium)."""

from __future__ import annotations

import json
import re
import shutil

from conftest import REPO, STATEFUL_FLASK_APP, write_tree
from report_projects import cli
from test_report_html import html_report

from twelvefactor_lint.report.docs import rule_url

SHA = "0123456789abcdef0123456789abcdef01234567"


def _git_checkout(root, remote: str) -> None:
    write_tree(root, {".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": SHA + "\n",
                      ".git/config": f'[core]\n\tbare = false\n[remote "origin"]\n\turl = {remote}\n'})


def _articles(html: str) -> list[str]:
    return re.findall(r'<article class="finding[^"]*" id="([^"]+)"', html)


def test_each_finding_has_an_anchor_a_rule_doc_link_and_a_source_link(tmp_path):
    project = tmp_path / "shop"
    write_tree(project, {"app.py": STATEFUL_FLASK_APP})
    _git_checkout(project, "https://deploy:s3cr3t-token@github.com/acme/shop.git")
    html = html_report(project, tmp_path / "r.html")
    anchors = _articles(html)
    assert len(anchors) == len(set(anchors)) == 1
    assert f'href="#{anchors[0]}"' in html
    assert f'href="{rule_url("TF601", "mutable-module-state")}"' in html
    assert f'href="https://github.com/acme/shop/blob/{SHA}/app.py#L7"' in html
    assert "s3cr3t-token" not in html and "deploy:" not in html
    assert str(tmp_path) not in html, "the root is shown relative, never as the machine's path"
    assert '<p class="root" title="project root">shop</p>' in html


def test_repo_url_option_and_gitlab_and_scp_remotes(tmp_path):
    project = tmp_path / "p"
    write_tree(project, {"svc/pyproject.toml": "[tool.12f-lint]\n", "svc/app.py": STATEFUL_FLASK_APP})
    _git_checkout(project, "git@gitlab.example.com:team/p.git")
    html = html_report(project / "svc", tmp_path / "r.html")
    assert f'href="https://gitlab.example.com/team/p/-/blob/{SHA}/svc/app.py#L7"' in html
    html = html_report(project / "svc", tmp_path / "r.html", "--repo-url", "https://code.example.org/mirror/p")
    assert f'href="https://code.example.org/mirror/p/blob/{SHA}/svc/app.py#L7"' in html


def test_no_source_link_without_a_known_repository(tmp_path):
    write_tree(tmp_path / "p", {"app.py": STATEFUL_FLASK_APP})
    assert "#L7" not in html_report(tmp_path / "p", tmp_path / "r.html")


def test_baseline_new_and_accepted_counts(tmp_path):
    project = tmp_path / "p"
    write_tree(project, {"app.py": STATEFUL_FLASK_APP})
    assert cli("--write-baseline", str(tmp_path / "b.json"), str(project)).exit_code == 0
    (project / "logs.py").write_text('import logging\nlogging.basicConfig(filename="x.log")\n')
    html = html_report(project, tmp_path / "r.html", "--baseline", str(tmp_path / "b.json"))
    assert re.search(r'<span id="new-count">1</span> new · <span id="accepted-count">1</span> accepted', html)


def _many_processes(root, count: int) -> None:
    services = "".join(f"  w{n}:\n    image: app\n    command: celery -A proj worker\n" for n in range(count))
    write_tree(root, {"docker-compose.yml": "services:\n" + services, "app.py": STATEFUL_FLASK_APP})


def test_a_long_inventory_comes_after_the_findings_folded(tmp_path):
    _many_processes(tmp_path / "long", 12)
    html = html_report(tmp_path / "long", tmp_path / "long.html")
    assert html.index('id="findings-title"') < html.index('id="processes-title"')
    assert '<details class="inventory">' in html
    _many_processes(tmp_path / "short", 2)
    html = html_report(tmp_path / "short", tmp_path / "short.html")
    assert html.index('id="processes-title"') < html.index('id="findings-title"')
    assert '<details class="inventory" open>' in html
    assert '<tbody data-file="docker-compose.yml">' in html


def test_process_filter_and_anchor_navigation_in_chromium(tmp_path, browser):
    project = tmp_path / "stack"
    shutil.copytree(REPO / "fixtures" / "compose_stack", project)
    html = tmp_path / "r.html"
    html_report(project, html)
    browser.open(html.as_uri())
    assert browser.problems() == []
    total = browser.evaluate("document.querySelectorAll('main .finding').length")
    options = browser.evaluate("Array.from(document.querySelectorAll('#process-filter option')).map(o => o.textContent)")
    allinone = next(i for i, text in enumerate(options) if text.startswith("Dockerfile.allinone")) - 1
    browser.evaluate(f"(() => {{ const s = document.getElementById('process-filter'); s.value = '{allinone}';"
                     " s.dispatchEvent(new Event('change')); })()")
    visible = browser.evaluate("Array.from(document.querySelectorAll('main .finding')).filter(f => !f.hidden)"
                               ".map(f => f.dataset.rule).sort()")
    assert visible == ["TF1201", "TF609"]
    assert browser.evaluate("document.getElementById('shown-count').textContent") == "2"
    browser.click("#reset")
    assert browser.evaluate("document.getElementById('shown-count').textContent") == str(total)
    anchor = browser.evaluate("document.querySelector('main .finding').id")
    browser.evaluate(f"location.hash = '{anchor}'")
    assert browser.evaluate("document.querySelector(':target').id") == anchor
    assert browser.problems() == []


def _colors(browser) -> list[str]:
    return browser.evaluate("[getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).color,"
                            " getComputedStyle(document.querySelector('.card:not(.unchecked)')).backgroundColor]")


def test_dark_mode_follows_prefers_color_scheme(tmp_path, browser):
    html = tmp_path / "r.html"
    html_report(REPO / "fixtures" / "flask_shop", html)
    browser.open(html.as_uri())
    browser.send("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "light"}])
    assert _colors(browser) == ["rgb(255, 255, 255)", "rgb(31, 35, 40)", "rgb(255, 255, 255)"]
    browser.send("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "dark"}])
    assert _colors(browser) == ["rgb(13, 17, 23)", "rgb(230, 237, 243)", "rgb(13, 17, 23)"]
    assert browser.problems() == []


def test_report_json_is_unaffected_by_the_html_options(tmp_path):
    write_tree(tmp_path / "p", {"app.py": STATEFUL_FLASK_APP})
    report = json.loads(cli("--format", "json", "--repo-url", "https://x.example/y", str(tmp_path / "p")).stdout)
    assert [f["rule"] for f in report["findings"]] == ["TF601"]
