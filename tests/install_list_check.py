#!/usr/bin/env python3
"""Checks the install list's promise: .ci/packages.txt brings every Python module the test,
bench and example scripts import, and every program the tests run, on a new Debian 12 machine.

usage: install_list_check.py [SOURCE_ROOT]

Python modules: the imports of every Python script under tests/ bench/ examples/ suites/ (files
ending in .py, and files whose first line names python), read with ast. Standard-library modules
pass when Debian's interpreter can import them; a script's own neighbours (foo.py beside it) and
imports guarded by `except ImportError` are not required. Any other module must be importable by
Debian's /usr/bin/python3 (isolated: no user site, no PYTHONPATH, as the tests run it), and the
package owning its file (dpkg -S) must be provided by the list.

Programs: what the tests, .ci/, bench/ and suites/examples/run-demo run, found by
  - absolute paths (/usr/bin/X, /usr/sbin/X, /bin/X, /sbin/X, /usr/lib/postgresql/N/bin/X);
  - the names in PROGRAMS below, as a string literal's first word or a shell word;
  - the first element of an argv-like list of string literals in C++ and Python ({"ip", "..."});
  - command words of shell scripts (outside quoted blocks and here-documents).
A name from PROGRAMS or an absolute path must resolve to an installed executable; the others
count only when they resolve. Each program's package (dpkg -S on its path and every symlink on
the way to the real file) must be provided by the list.

"Provided by the list" means: the package is in .ci/packages.txt, or is Essential or of Priority
required (on every Debian system), or is pulled in by a listed package (Depends and Pre-Depends,
followed through the installed packages; .ci/install-deps installs without Recommends).
Prints what it checks, one line each, and exits 1 naming the file and the package to add.
"""
import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
LIST = ROOT / ".ci" / "packages.txt"
DEBIAN_PYTHON = "/usr/bin/python3"
SEARCH_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
               "/usr/lib/postgresql/15/bin"]

# Programs the tests are known to run from packages that are not on every Debian system. A name
# here must resolve to an installed program; add a name when a test starts running a new one.
PROGRAMS = {
    "openssl", "dnsmasq", "ip", "iptables", "pg_ctl", "initdb", "postgres", "psql", "xmllint",
    "sslscan", "hyperfine", "meson", "ninja", "python3", "ccache", "git", "readelf",
    "dpkg-buildpackage", "dpkg-architecture", "dpkg-parsechangelog", "lintian", "debootstrap",
    "scdoc", "pg_isready", "npm", "pgbouncer", "promtool", "prometheus", "chromium", "danted",
    "tinyproxy", "sshd", "ssh", "ssh-keygen", "useradd", "chpasswd", "ping", "tracepath",
    "traceroute", "sysctl", "setpriv", "tcpdump",
}

# Words that look like program names in argv-like lists but are data in this project's tests
# (suite values, report fields), to keep the automatic detection quiet.
NOT_PROGRAMS = {"host", "login", "time", "route", "red", "link", "id", "name", "test", "yes", "watch",
                "init"}

PYTHON_DIRS = ["tests", "bench", "examples", "suites"]
PROGRAM_DIRS = ["tests", ".ci", "bench", "suites/examples/run-demo"]


def source_files(roots):
    """The files git knows (tracked or new, not ignored) under roots; all files without git."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard", "--", *roots],
                             capture_output=True, check=True).stdout.decode()
        files = [ROOT / f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for r in roots:
            p = ROOT / r
            files += [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
    return sorted(f for f in files if f.is_file())


def first_line(path):
    try:
        with open(path, "rb") as f:
            return f.readline(200).decode(errors="replace")
    except OSError:
        return ""


def is_python(path):
    return path.suffix == ".py" or (first_line(path).startswith("#!") and "python" in first_line(path))


def is_shell(path):
    line = first_line(path)
    return path.suffix == ".sh" or (line.startswith("#!") and re.search(r"\b(ba|da)?sh\b", line) is not None)


def rel(path):
    return str(Path(path).relative_to(ROOT))


# --- packages ------------------------------------------------------------------------------------

def read_list():
    return [l.strip() for l in LIST.read_text().splitlines() if l.strip() and not l.lstrip().startswith("#")]


def installed_packages():
    """name -> (essential, priority, [dependency names]) for installed packages."""
    fmt = "${Package}\t${Essential}\t${Priority}\t${db:Status-Abbrev}\t${Pre-Depends}, ${Depends}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f", fmt], capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in out.splitlines():
        name, essential, priority, status, deps = (line.split("\t") + [""] * 5)[:5]
        if not status.startswith("ii"):
            continue
        names = []
        for clause in deps.split(","):
            # Any alternative may be the installed one: follow every alternative that is installed.
            for alt in clause.split("|"):
                alt = alt.strip().split(" ")[0].split(":")[0]
                if alt:
                    names.append(alt)
        packages[name] = (essential == "yes", priority, names)
    return packages


def provides_map(packages):
    """virtual package name -> installed packages providing it."""
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Provides}\n"],
                         capture_output=True, text=True, check=True).stdout
    virtual = {}
    for line in out.splitlines():
        name, _, provides = line.partition("\t")
        if name not in packages:
            continue
        for p in provides.split(","):
            p = p.strip().split(" ")[0]
            if p:
                virtual.setdefault(p, []).append(name)
    return virtual


def closure(listed, packages, virtual):
    """package -> the listed package that brings it (itself for listed ones)."""
    via = {}
    todo = []
    for name in listed:
        for real in ([name] if name in packages else virtual.get(name, [])):
            if real not in via:
                via[real] = name
                todo.append(real)
    while todo:
        name = todo.pop()
        for dep in packages.get(name, (False, "", []))[2]:
            for real in ([dep] if dep in packages else virtual.get(dep, [])):
                if real not in via:
                    via[real] = via[name]
                    todo.append(real)
    return via


def owners(paths):
    """path -> owning package names, from one dpkg -S call."""
    if not paths:
        return {}
    result = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True)
    found = {}
    for line in result.stdout.splitlines():
        if ": " not in line or line.startswith("diversion by"):
            continue
        pkgs, _, path = line.rpartition(": ")
        found.setdefault(path, []).extend(p.strip().split(":")[0] for p in pkgs.split(","))
    return found


def path_variants(path):
    """The path, with /usr added or removed (merged /usr: dpkg knows one of the two)."""
    p = str(path)
    other = p[4:] if p.startswith("/usr/") else "/usr" + p
    return [p, other]


def symlink_chain(path):
    """path, each symlink target on the way, and the real file."""
    chain, p = [], str(path)
    for _ in range(20):
        chain.append(p)
        if not os.path.islink(p):
            break
        p = os.path.normpath(os.path.join(os.path.dirname(p), os.readlink(p)))
    real = os.path.realpath(path)
    if real not in chain:
        chain.append(real)
    return chain


class Verdict:
    def __init__(self):
        self.listed = read_list()
        self.packages = installed_packages()
        self.virtual = provides_map(self.packages)
        self.via = closure(self.listed, self.packages, self.virtual)

    def judge(self, package):
        """(ok, how) for one package."""
        if package in self.listed:
            return True, "listed"
        essential, priority, _ = self.packages.get(package, (False, "", []))
        if essential:
            return True, "Essential"
        if priority == "required":
            return True, "Priority required"
        if package in self.via:
            return True, f"through {self.via[package]}"
        return False, "not provided"

    def judge_any(self, packages):
        """The first of packages the list provides, else (False, first package)."""
        for p in packages:
            ok, how = self.judge(p)
            if ok:
                return True, p, how
        return False, (packages[0] if packages else None), "not provided"


# --- Python imports ------------------------------------------------------------------------------

def guarded_by_import_error(node, parents):
    """Whether an import sits in a try: whose handlers catch ImportError/ModuleNotFoundError."""
    child = node
    for parent in parents:
        if isinstance(parent, ast.Try) and child in parent.body:
            for h in parent.handlers:
                names = []
                if isinstance(h.type, ast.Name):
                    names = [h.type.id]
                elif isinstance(h.type, ast.Tuple):
                    names = [e.id for e in h.type.elts if isinstance(e, ast.Name)]
                if {"ImportError", "ModuleNotFoundError"} & set(names):
                    return True
        child = parent
    return False


def imports_of(path):
    """[(module, line)] of the top-level names a script imports unconditionally."""
    tree = ast.parse(path.read_text(), filename=str(path))
    parent_of = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent_of[child] = node
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        if not names:
            continue
        parents, p = [], parent_of.get(node)
        while p is not None:
            parents.append(p)
            p = parent_of.get(p)
        if guarded_by_import_error(node, parents):
            continue
        for n in names:
            found.append((n.split(".")[0], node.lineno))
    return found


RESOLVER = r"""
import importlib.util, json, sys
out = {"stdlib": sorted(sys.stdlib_module_names), "origins": {}}
for name in sys.argv[1:]:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    out["origins"][name] = None if spec is None else (spec.origin or
        (list(spec.submodule_search_locations or [None])[0]))
print(json.dumps(out))
"""


def check_python(verdict):
    import json
    problems = []
    scripts = [f for f in source_files(PYTHON_DIRS) if is_python(f)]
    uses = {}  # module -> [(file, line)]
    for script in scripts:
        try:
            found = imports_of(script)
        except SyntaxError as e:
            problems.append(f"{rel(script)}:{e.lineno}: cannot parse: {e.msg}")
            continue
        for module, line in found:
            if (script.parent / f"{module}.py").exists() or (script.parent / module / "__init__.py").exists():
                continue  # the script's own neighbour
            uses.setdefault(module, []).append((script, line))
    print(f"python: {len(scripts)} scripts, {len(uses)} imported modules, resolved by {DEBIAN_PYTHON} -I")
    if not os.access(DEBIAN_PYTHON, os.X_OK):
        problems.append(f"{DEBIAN_PYTHON} is missing: the python3 package provides it")
        return problems
    resolved = json.loads(subprocess.run([DEBIAN_PYTHON, "-I", "-c", RESOLVER, *sorted(uses)],
                                         capture_output=True, text=True, check=True).stdout)
    stdlib = set(resolved["stdlib"])
    origins = resolved["origins"]
    files = sorted({o for o in origins.values() if o and o.startswith("/")})
    owner = owners(sorted({v for f in files for v in path_variants(f)}))
    for module in sorted(uses):
        where = ", ".join(f"{rel(f)}:{line}" for f, line in uses[module][:3])
        origin = origins.get(module)
        if module in stdlib:
            if origin is None:
                problems.append(f"python module {module} ({where}) is standard library but "
                                f"{DEBIAN_PYTHON} cannot import it: add the Debian package that has it")
            else:
                print(f"  ok   {module:<14} standard library ({where})")
            continue
        if origin is None:
            problems.append(f"python module {module} ({where}) is not importable by {DEBIAN_PYTHON}: "
                            f"add the Debian package providing it (apt-cache search python3-{module.lower()})")
            continue
        pkgs = [p for v in path_variants(origin) for p in owner.get(v, [])]
        if not pkgs:
            problems.append(f"python module {module} ({where}) comes from {origin}, which no Debian "
                            f"package owns: use a module from a Debian package")
            continue
        ok, package, how = verdict.judge_any(pkgs)
        if ok:
            print(f"  ok   {module:<14} {package} ({how}) ({where})")
        else:
            problems.append(f"python module {module} ({where}) is in package {package}, which "
                            f".ci/packages.txt does not provide: add {package}")
    return problems


# --- programs ------------------------------------------------------------------------------------

ABSOLUTE = re.compile(r"(?<![\w./-])((?:/usr)?/s?bin/[\w.+-]+|/usr/lib/postgresql/\d+/bin/[\w.+-]+)")
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'([^\'\\\n]*)\'')
ARGV_START = re.compile(r'[{\[]\s*["\']([\w.+-]+)["\']\s*,\s*(?:["\']|[A-Za-z_])')
WORD = re.compile(r"[A-Za-z_][\w.+-]*")
SHELL_SEPARATORS = re.compile(r"\|\||&&|[|;&()`{}]|\$\(|\bthen\b|\bdo\b|\belse\b")
SHELL_PREFIX = {"if", "elif", "while", "until", "!", "exec", "time", "command", "env", "nohup",
                "xargs", "timeout", "then", "do", "else", "{"}


def strip_comments(text, kind):
    if kind == "cpp":
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        return re.sub(r"(?m)(^|[^:\"])//.*$", r"\1", text)
    return re.sub(r"(?m)^\s*#.*$", "", text)


# bash runs its builtins (kill, echo, printf, test...) itself, whatever is on PATH.
SHELL_BUILTINS = set(subprocess.run(["bash", "-c", "compgen -b; compgen -k"], capture_output=True,
                                    text=True).stdout.split())


def shell_code(text):
    """The script with what the shell does not run as code blanked out: comments, single-quoted
    text (awk and python programs, patterns), double-quoted text except command substitutions
    in it, and here-document bodies. Line breaks are kept."""
    out, stack, heredocs = [], ["code"], []
    i, n = 0, len(text)
    while i < n:
        c, ctx = text[i], stack[-1]
        if c == "\n":
            out.append("\n")
            i += 1
            if heredocs and ctx != "single":
                for end in heredocs:  # skip each body up to its terminator line
                    while i < n:
                        j = text.find("\n", i)
                        j = n if j < 0 else j
                        line, i = text[i:j], j + 1
                        out.append("\n")
                        if line.strip() == end:
                            break
                heredocs = []
            continue
        if ctx == "single":
            if c == "'":
                stack.pop()
            out.append(" ")
            i += 1
            continue
        if c == "\\":
            out.append("  ")
            i += 2
            continue
        if text.startswith("$(", i):
            stack.append("subst")
            out.append("$(")
            i += 2
            continue
        if ctx == "double":
            if c == '"':
                stack.pop()
            out.append(" ")
            i += 1
            continue
        # code or a command substitution
        if text.startswith("${", i):  # a parameter expansion: a name, not a command
            depth, j = 0, i + 1
            while j < n:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            out.append(" " * (j - i))
            i = j
            continue
        if c == "'":
            stack.append("single")
            out.append(" ")
        elif c == '"':
            stack.append("double")
            out.append(" ")
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;|&("):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif text.startswith("<<", i) and not text.startswith("<<<", i):
            m = re.match(r"<<-?\s*['\"]?(\w+)['\"]?", text[i:])
            if m:
                heredocs.append(m.group(1))
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
                continue
            out.append(c)
        elif c == "(":
            stack.append("paren")
            out.append(c)
        elif c == ")" and stack[-1] in ("subst", "paren"):
            stack.pop()
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def shell_command_words(text):
    """The command words of a shell script: the first word of each simple command."""
    functions = set(re.findall(r"(?m)^\s*(?:function\s+)?([\w-]+)\s*\(\)", text)) | SHELL_BUILTINS
    words = []
    for line in shell_code(text).splitlines():
        for part in SHELL_SEPARATORS.split(line):
            tokens = part.split()
            while tokens and (tokens[0] in SHELL_PREFIX or re.match(r"^\w+=", tokens[0])):
                tokens.pop(0)
            if tokens and WORD.fullmatch(tokens[0]) and tokens[0] not in functions:
                words.append(tokens[0])
    return words


def which(name):
    for d in SEARCH_PATH:
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def check_programs(verdict):
    problems = []
    files = []
    for f in source_files(PROGRAM_DIRS):
        if f == Path(__file__).resolve():
            continue  # this checker names programs without running them
        if f.suffix in (".cpp", ".hpp"):
            files.append((f, "cpp"))
        elif is_python(f):
            files.append((f, "python"))
        elif is_shell(f):
            files.append((f, "shell"))
    required = {}   # name or path -> first file; must resolve
    optional = {}   # resolves -> program
    for f, kind in files:
        text = strip_comments(f.read_text(errors="replace"), kind)
        for m in ABSOLUTE.finditer(text):
            required.setdefault(m.group(1), f)
        for m in LITERAL.finditer(text):
            literal = m.group(1) if m.group(1) is not None else m.group(2)
            first = literal.split()[0] if literal.split() else ""
            if first in PROGRAMS:
                required.setdefault(first, f)
        if kind in ("cpp", "python"):
            for m in ARGV_START.finditer(text):
                optional.setdefault(m.group(1), f)
        if kind == "shell":
            for word in shell_command_words(text):
                if word in PROGRAMS:
                    required.setdefault(word, f)
                else:
                    optional.setdefault(word, f)
    programs = {}  # name or path -> (path, file)
    for name, f in required.items():
        if os.path.basename(name) == "connspec":
            continue  # the program under test (tests/package installs it in a new root)
        path = name if name.startswith("/") else which(name)
        if path is None or not os.path.exists(path):
            problems.append(f"program {name} ({rel(f)}) is not installed: add the Debian package "
                            f"that provides it to .ci/packages.txt")
            continue
        programs[name] = (path, f)
    for name, f in optional.items():
        if name in programs or name in NOT_PROGRAMS:
            continue
        path = which(name)
        if path is not None:
            programs[name] = (path, f)
    print(f"programs: {len(files)} files scanned, {len(programs)} programs found")
    chains = {name: symlink_chain(path) for name, (path, _) in programs.items()}
    owner = owners(sorted({v for chain in chains.values() for p in chain for v in path_variants(p)}))
    for name in sorted(programs):
        path, f = programs[name]
        pkgs = []
        for p in chains[name]:
            for v in path_variants(p):
                pkgs += [x for x in owner.get(v, []) if x not in pkgs]
        if not pkgs:
            problems.append(f"program {name} ({rel(f)}) at {path} belongs to no Debian package: "
                            f"use one from a package")
            continue
        ok, package, how = verdict.judge_any(pkgs)
        if ok:
            print(f"  ok   {name:<20} {package} ({how}) ({rel(f)})")
        else:
            problems.append(f"program {name} ({rel(f)}) is in package {package}, which "
                            f".ci/packages.txt does not provide: add {package}")
    return problems


def main():
    print(f"install list: {rel(LIST)}")
    verdict = Verdict()
    missing = [p for p in verdict.listed if p not in verdict.packages and p not in verdict.virtual]
    print(f"  {len(verdict.listed)} packages listed; with their dependencies {len(verdict.via)} installed packages")
    problems = [f"listed package {p} is not installed: run .ci/install-deps" for p in missing]
    problems += check_python(verdict)
    problems += check_programs(verdict)
    for p in problems:
        print(f"FAIL {p}")
    print(f"install list: {'FAILED, ' + str(len(problems)) + ' problems' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
