#!/usr/bin/env python3
"""Counts test cases across a meson test run and prints 'N passed, N failed' last.

Each Boost.Test executable writes a JUnit file next to itself (see tests/meson.build); its test
cases are counted one by one. A meson test without such a file (or that failed although its
file shows no failure: a crash at exit, a sanitizer report) counts as one case of its own.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

build = sys.argv[1] if len(sys.argv) > 1 else "build"
passed = failed = skipped = 0
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
            print(f"{name}: {result} (see meson-logs/testlog.txt)")
        if p + f + s == 0:
            if result == "SKIP":
                s = 1
            else:
                p = 1
        passed, failed, skipped = passed + p, failed + f, skipped + s
        if f:
            print(f"{name}: {f} failed")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
