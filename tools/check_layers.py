#!/usr/bin/env python3
"""Fails when an #include runs back up connspec's layers (ARCHITECTURE.md).

Each folder is a static library that may use only the folders below it:

    app -> suites -> runner -> checks, reports, capture -> core

Run by the build (meson.build, target layers-check) so a wrong include fails `ninja`, and by
tests/layers_test.py on purpose-made trees to show that it does fail.
"""
import argparse
import pathlib
import re
import sys

# What each folder may include, besides itself.
ALLOWED = {
    "core": set(),
    "checks": {"core"},
    "reports": {"core"},
    "capture": {"core"},
    "runner": {"core", "checks", "reports", "capture"},
    "suites": {"core", "checks", "reports", "capture", "runner"},
    "app": {"core", "checks", "reports", "capture", "runner", "suites"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z_]+)/[^"]+"', re.MULTILINE)


def violations(root: pathlib.Path):
    for folder, allowed in ALLOWED.items():
        for source in sorted((root / folder).glob("*.[ch]pp")):
            text = source.read_text(encoding="utf-8", errors="replace")
            for match in INCLUDE.finditer(text):
                used = match.group(1)
                if used in ALLOWED and used != folder and used not in allowed:
                    line = text.count("\n", 0, match.start()) + 1
                    yield (f"{source.relative_to(root)}:{line}: {folder}/ may not include "
                           f"\"{used}/...\" ({folder}/ may use: "
                           f"{', '.join(sorted(allowed)) or 'nothing of connspec'})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the source tree")
    parser.add_argument("--stamp", help="file to touch when the layers hold")
    args = parser.parse_args()
    found = list(violations(pathlib.Path(args.root)))
    for v in found:
        print(v, file=sys.stderr)
    if found:
        print(f"{len(found)} include(s) run back up the layers (see ARCHITECTURE.md)", file=sys.stderr)
        return 1
    if args.stamp:
        pathlib.Path(args.stamp).write_text("layers hold\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
