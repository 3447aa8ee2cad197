"""GitLab Code Quality: the JSON array a job publishes as `artifacts: reports: codequality:`, shown in
the merge request widget and the diff. The fields GitLab documents as required: description,
check_name, fingerprint (unique per issue: GitLab keeps one issue per fingerprint), severity
(info, minor, major, critical, blocker) and location.path (from the repository's top) with
location.lines.begin."""

from __future__ import annotations

import json

from twelvefactor_lint.model import Result
from twelvefactor_lint.report.checkout import checkout_prefix, in_checkout

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render_gitlab(result: Result) -> str:
    prefix = checkout_prefix(result.root)
    issues = [{
        "type": "issue",
        "description": f"{f.rule} {f.message}",
        "check_name": f"{f.rule} {f.name}",
        "fingerprint": f.fingerprint,
        "severity": SEVERITIES[f.severity],
        "categories": ["Bug Risk" if f.factor != "tool" else "Compatibility"],
        "location": {"path": in_checkout(prefix, f.path), "lines": {"begin": f.line, "end": f.last_line()}},
    } for f in result.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
