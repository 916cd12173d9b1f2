"""Issues #10 and #11: no include or call cycle between the files of emu/, nor between the
files of src/ (within a layer or across layers), and emu/ never uses the client's protocol
code (src/onoffice/).

Calls are read from the object files the build made (IMMO_BUILD): file a calls file b
when a.o needs a symbol b.o defines (nm). That sees what headers hide: engine.c and
import.c calling each other through functions both declared in sync.h.

A module is a name.c with its name.h. Module a depends on b when a.c or a.h includes
b.h. A header without a .c (an interface: sync_int.h, store/db_int.h) holds no code, so
what it includes adds no edge: it declares types, it calls nothing. With -Werror=implicit-function-declaration a call needs the callee's header, so the
include graph holds every call edge: no include cycle means no call cycle either. Prints
the cycle when there is one.
"""
import os
import re
import subprocess

from harness import check, finish

SRC = os.environ.get("IMMO_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def graph(top, prefix):
    """{module: set(modules)} for the .c/.h files below top; prefix names src/ modules
    by layer ("sync/import"), emu/ modules by file name ("api")."""
    deps, foreign = {}, []
    for dirpath, _, names in os.walk(top):
        for f in sorted(names):
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), top)
            m = os.path.splitext(rel)[0] if prefix else os.path.splitext(f)[0]
            deps.setdefault(m, set())
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                for inc in INCLUDE.findall(fh.read()):
                    if not prefix and inc.startswith("onoffice/"):
                        foreign.append(f"{f} includes {inc}")
                    if not prefix and "/" in inc:
                        continue  # core/, web/, store/: outside emu/
                    n = os.path.splitext(inc)[0]
                    if n != m:
                        deps[m].add(n)
    has_c = set()
    for dirpath, _, names in os.walk(top):
        for f in names:
            if f.endswith(".c"):
                rel = os.path.relpath(os.path.join(dirpath, f), top)
                has_c.add(os.path.splitext(rel)[0] if prefix else os.path.splitext(f)[0])
    for m in deps:
        deps[m] = deps[m] & set(deps) if m in has_c else set()
    return deps, foreign


def find_cycle(deps):
    """A list of modules forming a cycle, or None (iterative DFS, colours)."""
    colour = {m: 0 for m in deps}
    for root in sorted(deps):
        if colour[root]:
            continue
        stack = [(root, iter(sorted(deps[root])))]
        path = [root]
        colour[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour[nxt] == 1:
                return path[path.index(nxt):] + [nxt]
            elif colour[nxt] == 0:
                colour[nxt] = 1
                stack.append((nxt, iter(sorted(deps[nxt]))))
                path.append(nxt)
    return None


BUILD = os.environ.get("IMMO_BUILD", os.path.join(SRC, "build"))


def call_graph(subdir):
    """{object: set(objects it calls)} for the objects built from SRC/subdir."""
    objs = []
    for dirpath, _, names in os.walk(os.path.join(BUILD, "CMakeFiles")):
        for f in names:
            path = os.path.join(dirpath, f)
            if f.endswith(".c.o") and f"/{subdir}/" in path.replace(os.sep, "/") + "/" \
                    and "/tests/" not in path and "/fuzz" not in path:
                objs.append(path)
    defined, needed = {}, {}
    for o in objs:
        name = os.path.relpath(o, BUILD).split(".dir/", 1)[-1][:-len(".o")]
        out = subprocess.run(["nm", "-P", o], capture_output=True, text=True).stdout
        needed[name] = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            sym, kind = parts[0], parts[1]
            if kind == "U":
                needed[name].add(sym)
            elif kind in "TDBR":
                defined.setdefault(sym, name)
    return {n: {defined[s] for s in syms if s in defined and defined[s] != n}
            for n, syms in needed.items()}


for subdir, label in [("emu", "emu/"), ("src", "src/")]:
    calls = call_graph(subdir)
    check(len(calls) > 20, f"{label}: the object files were read ({len(calls)})")
    cycle = find_cycle(calls)
    check(cycle is None, f"{label}: no call cycle between files" +
          (f": {' -> '.join(cycle)}" if cycle else ""))

for top, prefix, name in [(os.path.join(SRC, "emu"), False, "emu/"),
                          (os.path.join(SRC, "src"), True, "src/")]:
    deps, foreign = graph(top, prefix)
    edges = sum(len(d) for d in deps.values())
    check(len(deps) > 20 and edges > 40, f"{name}: the graph was read ({len(deps)} modules, "
          f"{edges} edges)")
    if not prefix:
        check(not foreign, f"emu/ never includes src/onoffice/ ({foreign})")
    cycle = find_cycle(deps)
    check(cycle is None, f"{name}: no include (and so no call) cycle" +
          (f": {' -> '.join(cycle)}" if cycle else ""))
finish()
