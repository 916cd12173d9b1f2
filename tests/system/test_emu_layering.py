"""Issue #10: the files of emu/ form no include or call cycle, and emu/ never uses the
client's protocol code (src/onoffice/).

A module is a name.c with its name.h. Module a depends on b when a.c or a.h includes
"b.h". With -Werror=implicit-function-declaration a call needs the callee's header, so
the include graph holds every call edge: no include cycle means no call cycle either.
Prints the cycle when there is one.
"""
import os
import re

from harness import check, finish

SRC = os.environ.get("IMMO_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
EMU = os.path.join(SRC, "emu")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

files = sorted(f for f in os.listdir(EMU) if f.endswith((".c", ".h")))
modules = {os.path.splitext(f)[0] for f in files}
deps = {m: set() for m in modules}
foreign = []
for f in files:
    m = os.path.splitext(f)[0]
    with open(os.path.join(EMU, f), encoding="utf-8") as fh:
        for inc in INCLUDE.findall(fh.read()):
            if inc.startswith("onoffice/"):
                foreign.append(f"{f} includes {inc}")
            if "/" in inc:
                continue
            n = os.path.splitext(inc)[0]
            if n != m and n in modules:
                deps[m].add(n)

check(len(modules) > 20 and sum(len(d) for d in deps.values()) > 40,
      f"the graph was read ({len(modules)} modules, {sum(len(d) for d in deps.values())} edges)")
check(not foreign, f"emu/ never includes src/onoffice/ ({foreign})")


def find_cycle():
    """A list of modules forming a cycle, or None (iterative DFS, colours)."""
    colour = {m: 0 for m in modules}
    for root in sorted(modules):
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


cycle = find_cycle()
check(cycle is None, "no include (and so no call) cycle in emu/" +
      (f": {' -> '.join(cycle)}" if cycle else ""))
finish()
