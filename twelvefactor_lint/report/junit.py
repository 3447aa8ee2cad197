"""JUnit XML, for CI systems that show test results: a failing test case per finding and a skipped
one per skipped file; a passing one per clean file only when asked (`--junit-passing`): thousands of
green cases bury the few that matter in most CI test views."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from twelvefactor_lint.model import Finding, Result
from twelvefactor_lint.report import PLAIN, ReportOptions

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """XML 1.0 cannot carry control characters or lone surrogates at all, escaped or not."""
    return _NOT_XML.sub("\ufffd", text)


def _case(suite: ET.Element, classname: str, name: str, **attrs: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": xml_text(classname), "name": xml_text(name),
                                             **{k: xml_text(v) for k, v in attrs.items()}})


def _failure(suite: ET.Element, finding: Finding, rule_help: str) -> None:
    case = _case(suite, finding.path, f"{finding.rule} {finding.name} at {finding.line}:{finding.column}",
                 file=finding.path, line=str(finding.line))
    failure = ET.SubElement(case, "failure", {"message": xml_text(finding.message), "type": finding.severity})
    location = f"{finding.path}:{finding.line}:{finding.column}: {finding.rule} [{finding.severity}]"
    failure.text = xml_text(f"{location} {finding.message}\n\n{rule_help}")


def render_junit(result: Result, options: ReportOptions = PLAIN) -> str:
    fixes = {rule.id: f"Use instead: {' '.join(rule.fix.split())}" for rule in result.catalogue.rules}
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.path].append(finding)
    failures, cases = len(result.findings), 0
    suites = ET.Element("testsuites", {"name": "12f-lint"})
    suite = ET.SubElement(suites, "testsuite", {"name": "12f-lint"})
    for path in sorted({*result.files, *by_file}):
        if path in by_file:
            for finding in by_file[path]:
                _failure(suite, finding, fixes.get(finding.rule, ""))
            cases += len(by_file[path])
        elif options.junit_passing:
            _case(suite, path, "twelve-factor checks", file=path)
            cases += 1
    for skipped in result.skipped:
        case = _case(suite, skipped.path, "not analyzed", file=skipped.path)
        ET.SubElement(case, "skipped", {"message": xml_text(skipped.reason)})
    cases += len(result.skipped)
    for element in (suites, suite):
        element.attrib |= {"tests": str(cases), "failures": str(failures), "errors": "0", "skipped": str(len(result.skipped))}
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
