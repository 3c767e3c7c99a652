#!/usr/bin/env python3
"""Counts test cases across meson test runs (one build tree or several) and prints 'N passed, N failed' last.

Each Boost.Test executable writes a JUnit file next to itself (see tests/meson.build); its test
cases are counted one by one. A meson test without such a file (or that failed although its
file shows no failure: a crash at exit, a sanitizer report) counts as one case of its own.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

builds = sys.argv[1:] or ["build"]  # several trees (the ASan one, the TSan one) add up
passed = failed = skipped = 0
for build in builds:
    prefix = "" if build == builds[0] else os.path.basename(build.rstrip("/")) + ": "
    with open(os.path.join(build, "meson-logs", "testlog.json")) as log:
        for line in log:
            test = json.loads(line)
            # "connspec:unit / suites-bad": the project and suite come first.
            name, result = test["name"].split(" / ")[-1], test["result"]
            junit = os.path.join(build, "tests", f"test-{name}.junit.xml")
            p = f = s = 0
            if os.path.exists(junit):
                try:
                    for case in ET.parse(junit).iter("testcase"):
                        if case.find("failure") is not None or case.find("error") is not None:
                            f += 1
                        elif case.find("skipped") is not None:
                            s += 1
                        else:
                            p += 1
                except ET.ParseError:
                    p = f = s = 0
            if result not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
                f += 1
                print(f"{prefix}{name}: {result} (see {build}/meson-logs/testlog.txt)")
            if p + f + s == 0:
                if result == "SKIP":
                    s = 1
                else:
                    p = 1
            passed, failed, skipped = passed + p, failed + f, skipped + s
            if f:
                print(f"{prefix}{name}: {f} failed")
# tests/run-all's fuzz step (.ci/fuzz) counts as one test of its own.
fuzz = os.environ.get("CONNSPEC_FUZZ_RESULT", "")
if fuzz == "passed":
    passed += 1
elif fuzz == "failed":
    failed += 1
    print("fuzz: a finding or a failed build (see .ci/fuzz's output above)")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
