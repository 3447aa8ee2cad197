"""bench/accuracy/agreement.py pairs two judges' verdicts on the same saved findings and says how often they agree."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import accuracy_script


@pytest.fixture(scope="module")
def agreement():
    return accuracy_script("agreement")


def _finding(line, fingerprint, severity="warning"):
    return {"rule": "TF302", "severity": severity, "path": "app.py", "line": line, "fingerprint": fingerprint}


def _judgment(line, fingerprint, verdict):
    return {"rule": "TF302", "path": "app.py", "line": line, "fingerprint": fingerprint, "verdict": verdict}


def test_pairs_only_findings_both_judges_judged(tmp_path, agreement):
    (tmp_path / "runs" / "tune").mkdir(parents=True)
    (tmp_path / "labels" / "tune").mkdir(parents=True)
    second = tmp_path / "second"
    second.mkdir()
    findings = [_finding(1, "a"), _finding(2, "b"), _finding(3, "c"), _finding(4, "d", severity="info")]
    (tmp_path / "runs" / "tune" / "o__app.json").write_text(json.dumps({"findings": findings}))
    (tmp_path / "labels" / "tune" / "o__app.yaml").write_text(yaml.safe_dump({"judgments": [
        _judgment(1, "a", True), _judgment(2, "b", "noisy"), _judgment(3, "c", "true")]}))
    # the second judge skipped `c`; matched by rule + path + line where the fingerprint differs
    (second / "o__app.yaml").write_text(yaml.safe_dump({"judgments": [
        _judgment(1, "a", "true"), _judgment(2, "changed", "false"), _judgment(4, "d", "false")]}))

    assert agreement.paired_verdicts("tune", second, root=tmp_path) == [("true", "true"), ("noisy", "false")]


def test_summary_counts_agreement_kappa_and_each_judges_precision(agreement):
    pairs = [("true", "true")] * 6 + [("true", "noisy")] * 2 + [("false", "noisy")] + [("false", "false")]
    result = agreement.summary(pairs)
    assert result["paired"] == 10
    assert result["matrix"] == {"false/false": 1, "false/noisy": 1, "true/noisy": 2, "true/true": 6}
    assert result["agreement"] == pytest.approx(0.7)
    assert result["true_or_not_agreement"] == pytest.approx(0.8)
    # chance agreement on true-or-not: 0.8 * 0.6 + 0.2 * 0.4 = 0.56; kappa = (0.8 - 0.56) / 0.44
    assert result["kappa_true_or_not"] == pytest.approx(0.24 / 0.44)
    assert (result["strict_precision_first"], result["strict_precision_second"]) == (0.8, 0.6)


def test_summary_of_nothing_paired_claims_nothing(agreement):
    result = agreement.summary([])
    assert result["paired"] == 0 and result["agreement"] is None and result["kappa_true_or_not"] is None
