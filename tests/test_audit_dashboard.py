"""The fleet dashboard: self-contained and escaped as text, readable with 120 repositories in a real
headless Chromium (no page-wide horizontal scroll, the heatmap's header stays put, the filter and the
sort work), and linking each repository's own report."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from audit_fleet import generated_records, validate
from click.testing import CliRunner
from conftest import STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint.audit.dashboard import write_dashboard
from twelvefactor_lint.audit.schema import unaudited, write_document
from twelvefactor_lint.cli import main

ROWS = "[...document.querySelectorAll('#heatmap tbody tr')]"
SET = "(() => {{ const e = document.getElementById('{id}'); e.value = '{value}'; e.dispatchEvent(new Event('{event}')); }})()"


def audit_file(path: Path, records: list[dict]) -> Path:
    run = {"mode": "merge", "started_at": "2026-01-01T00:00:00+00:00", "finished_at": "2026-01-01T00:00:01+00:00",
           "duration_seconds": 1.0, "resumed": 0, "durations": {}}
    write_document(path, [lambda record=record: record for record in sorted(records, key=lambda r: r["name"])], run)
    validate(json.loads(path.read_text()))
    return path


@pytest.fixture(scope="module")
def big_dashboard(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    out = folder / "fleet.html"
    write_dashboard(audit_file(folder / "audit.json", generated_records(120)), out, None)
    return out


def test_the_dashboard_is_self_contained_and_escaped(tmp_path):
    hostile = "<script>alert(1)</script>"
    records = [unaudited(hostile, "/x", None, "failed", "<img src=x onerror=alert(2)>"), *generated_records(3)]
    out = tmp_path / "fleet.html"
    write_dashboard(audit_file(tmp_path / "audit.json", records), out, None)
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<script") == 1 and html.count("<style") == 1
    assert not re.search(r"<(script|img|iframe|link)[^>]+(src|href)=\"(https?:)?//", html)
    assert "<img src=x" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert unescape(policy).startswith("default-src 'none'; style-src 'sha256-")


def test_the_audit_writes_the_dashboard_and_each_repositorys_report_beside_it(tmp_path):
    write_tree(tmp_path / "fleet" / "shop", {"app.py": STATEFUL_FLASK_APP})
    write_tree(tmp_path / "fleet" / "clean", {"app.py": "X = 1\n"})
    out = tmp_path / "site" / "fleet.html"
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "fleet"), "-o", str(tmp_path / "audit.json"),
                                       "-o", f"html:{out}", "--work-dir", str(tmp_path / "work")])
    assert result.exit_code == 1, result.output
    html = out.read_text()
    for name in ("shop", "clean"):
        assert f'href="fleet-repos/{name}.html"' in html
        assert (out.parent / "fleet-repos" / f"{name}.html").read_text().startswith("<!DOCTYPE html>")
    assert "TF601" in (out.parent / "fleet-repos" / "shop.html").read_text()
    assert "mutable-module-state" in html, "the most common rules, with their docs"


@pytest.mark.parametrize("width", [1280, 760])
def test_a_hundred_and_twenty_repositories_stay_readable(big_dashboard, browser, width):
    browser.open(big_dashboard.as_uri(), width=width, height=900)
    assert browser.problems() == []
    layout = browser.evaluate("""(() => {
      const page = document.documentElement, wrap = document.getElementById('heat-wrap');
      return {pageOverflow: page.scrollWidth - page.clientWidth, rows: document.querySelectorAll('#heatmap tbody tr').length,
              columns: document.querySelectorAll('#heatmap thead th').length, wrapHeight: wrap.clientHeight,
              scrolls: wrap.scrollHeight > wrap.clientHeight,
              cells: document.querySelectorAll('#heatmap td.cell[class*=heat-]').length};
    })()""")
    assert layout["pageOverflow"] <= 0, "the page itself must not scroll sideways"
    assert layout["rows"] == 120 and layout["columns"] >= 14  # repository, findings, I..XII
    assert layout["scrolls"] and layout["wrapHeight"] <= 900, "the heatmap scrolls in its own box"
    assert layout["cells"] > 100
    header_stays = browser.evaluate("""(() => {
      const wrap = document.getElementById('heat-wrap'); wrap.scrollIntoView();
      const before = document.querySelector('#heatmap thead th').getBoundingClientRect().top;
      wrap.scrollTop = 2000;
      return Math.abs(document.querySelector('#heatmap thead th').getBoundingClientRect().top - before);
    })()""")
    assert header_stays < 1, "the header row is sticky"


def test_the_filter_and_the_sort_work(big_dashboard, browser):
    browser.open(big_dashboard.as_uri())
    browser.click("#repo-filter")
    browser.send("Input.insertText", text="payments")
    shown = browser.evaluate(f"{ROWS}.filter(r => !r.hidden).map(r => r.dataset.name)")
    assert shown and all("payments" in name for name in shown) and len(shown) < 120
    assert browser.evaluate("document.getElementById('shown-count').textContent") == str(len(shown))
    browser.evaluate(SET.format(id="repo-filter", value="", event="input"))
    browser.click("#heatmap thead button[data-sort=findings]")
    counts = browser.evaluate(f"{ROWS}.map(r => Number(r.dataset.findings))")
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    browser.evaluate(SET.format(id="status-filter", value="unaudited", event="change"))
    statuses = browser.evaluate(f"{ROWS}.filter(r => !r.hidden).map(r => r.dataset.status)")
    assert statuses and set(statuses) <= {"failed", "skipped"}
    assert browser.problems() == []
