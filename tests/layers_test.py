#!/usr/bin/env python3
"""tools/check_layers.py passes on the source tree and fails on an include that runs back up."""
import pathlib
import shutil
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1])
checker = root / "tools" / "check_layers.py"


def check(tree):
    return subprocess.run([sys.executable, str(checker), "--root", str(tree)],
                          capture_output=True, text=True)


real = check(root)
assert real.returncode == 0, f"the source tree breaks its layers:\n{real.stderr}"

with tempfile.TemporaryDirectory() as work:
    tree = pathlib.Path(work)
    for folder in ("core", "checks", "reports", "capture", "runner", "suites", "app"):
        shutil.copytree(root / folder, tree / folder,
                        ignore=shutil.ignore_patterns("examples", "meson.build"))
    for path, upward in [("checks/net.hpp", "suites/loader.hpp"),
                         ("reports/reporter.hpp", "runner/plan.hpp"),
                         ("checks/check_kind.hpp", "capture/packet_capture.hpp"),
                         ("capture/packet_filter.hpp", "runner/plan.hpp"),
                         ("core/outcome.hpp", "checks/check_kind.hpp")]:
        source = tree / path
        original = source.read_text()
        source.write_text(f'#include "{upward}"\n' + original)
        broken = check(tree)
        assert broken.returncode == 1, f"{path} including {upward} was not caught"
        assert f"{path}:1:" in broken.stderr, broken.stderr
        source.write_text(original)
    assert check(tree).returncode == 0
print("layers hold; upward includes are caught")
