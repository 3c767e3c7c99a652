#!/usr/bin/python3
"""Reads a connspec JUnit file the way CI plugins do, with Debian's python3-junitparser, and a
connspec JSON report of the same run, and prints both as tab-separated lines for the test to
compare:

  total  TESTS FAILURES ERRORS SKIPPED          (junitparser's totals for the whole file)
  suite  NAME TESTS FAILURES ERRORS SKIPPED HOSTNAME
  case   CLASSNAME NAME STATUS TYPE MESSAGE      (from the JUnit file)
  run    CLASSNAME NAME STATUS TYPE MESSAGE      (from the JSON report: SUITE.TARGET, case, ...)

usage: pipeline_junit_read.py JUNIT.xml REPORT.json
"""
import json
import sys

from junitparser import JUnitXml, Error, Failure, Skipped


def line(*fields):
    print("\t".join("-" if f is None else str(f).replace("\t", " ").replace("\n", " ") for f in fields))


def status_of(case):
    for result in case.result:
        if isinstance(result, Failure):
            return "failed", result.type, result.message
        if isinstance(result, Error):
            return "error", result.type, result.message
        if isinstance(result, Skipped):
            return "skipped", None, result.message or result.text
    return "passed", None, None


def main(junit_file, json_file):
    xml = JUnitXml.fromfile(junit_file)
    line("total", xml.tests, xml.failures, xml.errors, xml.skipped)
    for suite in xml:
        line("suite", suite.name, suite.tests, suite.failures, suite.errors, suite.skipped, suite.hostname)
        for case in suite:
            status, kind, message = status_of(case)
            line("case", case.classname, case.name, status, kind, message)
    with open(json_file, encoding="utf-8") as f:
        report = json.load(f)
    for case in report["cases"]:
        message = case["message"] if case["status"] != "passed" else None
        line("run", f'{case["suite"]}.{case["target"]}', case["case"], case["status"], case["category"], message)


if __name__ == "__main__":
    main(*sys.argv[1:])
