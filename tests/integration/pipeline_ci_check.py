#!/usr/bin/python3
"""Checks the CI examples (examples/ci/) the way a user copying them would trip over them:
every YAML file parses, and every connspec command in every example uses a subcommand and
options that `connspec SUBCOMMAND --help` of the connspec under test lists.

usage: pipeline_ci_check.py CONNSPEC EXAMPLES_FOLDER
Prints one line per command checked ("ok FILE: COMMAND" or "bad FILE: COMMAND: why") and
exits 1 when anything is bad.
"""
import pathlib
import re
import subprocess
import sys

import yaml

SUBCOMMANDS = ("run", "validate", "list", "merge", "bundle")


def options_of(connspec, subcommand):
    help_text = subprocess.run([connspec, subcommand, "--help"], capture_output=True, text=True,
                               timeout=30, check=True).stdout
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", help_text))


def commands_in(text):
    # Shell and Groovy line continuations ("\" and "\\" at the end of a line) join lines.
    text = re.sub(r"\\\\?\n\s*", " ", text)
    for match in re.finditer(r"(?<![\w/.-])connspec[ \t]+(\w+)([^\n]*)", text):
        rest = match.group(2).strip()
        # A command has arguments: files or options. Prose ("connspec run exited") has not.
        if re.search(r"(^|\s)(-|\S*/|\S*\.(toml|xml)\b)", rest):
            yield match.group(1), rest


def main(connspec, folder):
    known = {sub: options_of(connspec, sub) for sub in SUBCOMMANDS}
    bad = 0
    checked = 0
    for path in sorted(pathlib.Path(folder).iterdir()):
        if path.suffix == ".md" or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yml", ".yaml"):
            try:
                list(yaml.safe_load_all(text))
            except yaml.YAMLError as e:
                print(f"bad {path.name}: not valid YAML: {e}".replace("\n", " "))
                bad += 1
        for sub, rest in commands_in(text):
            command = f"connspec {sub} {rest}".strip()
            if sub not in SUBCOMMANDS:
                continue  # prose such as "connspec never prints it"
            checked += 1
            unknown = [o for o in re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", rest) if o not in known[sub]]
            if sub == "run" and "--junit" not in rest:
                print(f"bad {path.name}: {command}: a CI run writes no JUnit file")
                bad += 1
            elif unknown:
                print(f"bad {path.name}: {command}: unknown option(s) {' '.join(unknown)}")
                bad += 1
            else:
                print(f"ok {path.name}: {command}")
    print(f"checked {checked} commands")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
