"""The HTML report: self-contained and escaped (read as text), and working in a real headless Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

from conftest import REPO, write_tree
from report_projects import HOSTILE, HOSTILE_PATH, MIXED, cli, json_report

SHOP = REPO / "fixtures" / "flask_shop"


def html_report(project: Path, out: Path, *args: str) -> str:
    result = cli("check", "--format", "text", "-o", f"html:{out}", *args, str(project))
    assert result.exit_code in (0, 1), result.output
    return out.read_text(encoding="utf-8")


# --- the page as text ----------------------------------------------------------------------------


def test_page_is_self_contained(tmp_path):
    write_tree(tmp_path / "p", MIXED)
    html = html_report(tmp_path / "p", tmp_path / "r.html")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|img|iframe|link)[^>]+(src|href)=\"(https?:)?//", html)
    assert not re.search(r"@import|url\(", html)
    assert html.count("<script") == 1 and html.count("<style") == 1
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert unescape(policy).startswith("default-src 'none'; style-src 'sha256-")


def test_repository_text_is_escaped(tmp_path):
    write_tree(tmp_path / "p", HOSTILE)
    html = html_report(tmp_path / "p", tmp_path / "r.html")
    assert html.count("<script") == 1, "only the page's own script"
    for raw in ("<script>alert", "<img src=x", "<b onmouseover", "</pre><b"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.py" in html  # the file name
    assert "&lt;script&gt;alert(2)&lt;/script&gt;.log" in html  # the message and the snippet
    assert "&lt;img src=x onerror=alert(3)&gt;" in html  # a comment in the snippet
    assert "a&amp;b/views.py" in html


def test_jinja_is_imported_only_to_render_html(tmp_path):
    """Pre-commit runs stay light: jinja2 is not loaded for the other formats."""
    write_tree(tmp_path / "p", MIXED)
    out = tmp_path / "r.html"
    code = ("import sys\nfrom twelvefactor_lint.cli import main\n"
            "def run(*args):\n    try:\n        main(list(args))\n    except SystemExit:\n        pass\n"
            f"run('check', '--format', 'sarif', '-o', 'json:{tmp_path / 'r.json'}',"
            f" '-o', 'junit:{tmp_path / 'r.xml'}', '{tmp_path / 'p'}')\n"
            "assert 'jinja2' not in sys.modules, 'jinja2 was imported'\n"
            f"run('check', '-o', 'html:{out}', '{tmp_path / 'p'}')\n"
            "assert 'jinja2' in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("<!DOCTYPE html>")


# --- the page in Chromium ------------------------------------------------------------------------


def test_fixture_page_loads_cleanly_with_the_right_scorecard(tmp_path, browser):
    html = tmp_path / "report.html"
    html_report(SHOP, html)
    browser.open(html.as_uri())
    assert browser.problems() == []
    report = json_report(SHOP)
    expected: dict[str, dict[str, int]] = {}
    for finding in report["findings"]:
        expected.setdefault(finding["factor"], {}).setdefault(finding["severity"], 0)
        expected[finding["factor"]][finding["severity"]] += 1
    cards = browser.evaluate("""Array.from(document.querySelectorAll('.card')).map(c => [
        c.dataset.factor, Number(c.dataset.total),
        Object.fromEntries(Array.from(c.querySelectorAll('.count')).map(s => [s.dataset.severity, parseInt(s.textContent)]))])""")
    assert [key for key, _, _ in cards] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    for key, total, by_severity in cards:
        assert by_severity == expected.get(key, {}), key
        assert total == sum(expected.get(key, {}).values()), key
    chips = browser.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('.chip'))"
                             ".map(c => [c.dataset.countSeverity, parseInt(c.textContent)]))")
    assert chips == report["summary"]["by_severity"]
    assert browser.evaluate("document.querySelectorAll('main .finding').length") == len(report["findings"])


def test_filters_hide_the_right_rows(tmp_path, browser):
    html = tmp_path / "report.html"
    html_report(SHOP, html)
    browser.open(html.as_uri())
    visible = ("Array.from(document.querySelectorAll('main .finding')).filter(r => r.offsetParent !== null)"
               ".map(r => [r.dataset.severity, r.dataset.factor])")
    everything = browser.evaluate(visible)
    assert {s for s, _ in everything} >= {"error", "warning"}

    browser.click("input[name=severity][value=error]")
    after_click = browser.evaluate(visible)
    assert after_click == [row for row in everything if row[0] != "error"]
    assert browser.evaluate("document.getElementById('shown-count').textContent") == str(len(after_click))

    browser.click("#reset")
    browser.click(".card[data-factor=VIII]")
    assert browser.evaluate(visible) == [row for row in everything if row[1] == "VIII"]
    shown_groups = "Array.from(document.querySelectorAll('.factor-group')).filter(g => !g.hidden).map(g => g.dataset.factor)"
    assert browser.evaluate(shown_groups) == ["VIII"]
    assert browser.problems() == []


def test_screenshot(tmp_path, browser):
    html = tmp_path / "report.html"
    html_report(SHOP, html)
    browser.open(html.as_uri(), width=1280, height=900)
    shot = tmp_path / "report.png"
    browser.screenshot(shot, full_page=False)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1280 and int.from_bytes(data[20:24], "big") == 900


def test_hostile_repository_cannot_run_script_in_the_page(tmp_path, browser):
    write_tree(tmp_path / "p", HOSTILE)
    html = tmp_path / "report.html"
    html_report(tmp_path / "p", html)
    browser.open(html.as_uri())
    assert browser.problems() == [], "no dialog, no CSP violation, no error"
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("document.querySelectorAll('main img, main b, main [onmouseover], main [onerror]').length") == 0
    text = browser.evaluate("document.body.innerText")
    assert HOSTILE_PATH in text
    assert "<script>alert(2)</script>.log" in text
    paths = browser.evaluate("Array.from(document.querySelectorAll('.file-group .path')).map(p => p.textContent)")
    assert sorted(paths) == sorted([HOSTILE_PATH, "a&b/views.py"])
    # and were markup to slip through, the page's policy would still refuse to run it
    browser.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.pwned = 1\">')")
    assert browser.evaluate("new Promise(done => setTimeout(() => done(window.pwned === undefined), 200))") is True
    assert any("Content Security Policy" in problem for problem in browser.problems())


def test_every_factor_is_checked_on_a_python_project_with_a_deploy_file(tmp_path):
    project = write_tree(tmp_path / "p", {"app.py": "import flask\n", "requirements.txt": "flask\n",
                                          "Procfile": "web: gunicorn app:app\n"})
    page = html_report(project, tmp_path / "r.html")
    assert "· 0 not checked</p>" in page
