"""Issue #11: one worker pool runs many companies' imports at once.

- 20 companies, each linked to its own emulated customer, start their initial import
  together while the emulator adds latency to every request: the emulator sees at least
  8 requests at the same moment (its peak_concurrent counter; one scheduler thread never
  got past 2: a page and its read-ahead), and every company ends with exactly its
  consented set, nobody else's.
- kill -9 of serve while 20 larger imports run, then a restart: every import completes,
  no contact twice, and no lease of the killed process stays (the sweep frees them).
No timing is asserted: waits are bounded only so a hang fails instead of hanging.
"""
import os
import signal

from harness import check, finish, sanitizer_clean
from import_util import World, expected

LATENCY_MS = 150
w = World()


def make(n, size, tag):
    out = []
    for i in range(n):
        creds = w.customer(f"{tag} {i}", size, seed=100 + i, until="2026-11-19")
        cid, tok = w.company(creds, f"{tag} {i}")
        out.append({"creds": creds, "cid": cid, "tok": tok,
                    "exp": expected(w.addresses(creds), {"all_contacts": True})})
    return out


def start_all(group):
    for c in group:
        st, _ = w.api("POST", "sync/initial", c["tok"])
        check(st == 202, f"POST sync/initial for company {c['cid']} ({st})")


def all_done(group):
    return all(w.imported(c["cid"]) == c["exp"] for c in group)


# ---- 20 companies at once ----
first = make(20, 30, "Pool")
w.serve()
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": LATENCY_MS})
w.counters(reset=True)
start_all(first)
w.wait(lambda: all_done(first), timeout=180, step=0.5)
for c in first:
    check(w.imported(c["cid"]) == c["exp"],
          f"company {c['cid']} has exactly its customer's consented set "
          f"({len(w.imported(c['cid']))} of {len(c['exp'])})")
st = w.status(first[0]["tok"])["import"]
check("waiting_since" in st and (st["waiting_since"] is None or st["running"]),
      f"sync/status tells whether the company's import waits for a worker ({st})")
peak = w.counters()["peak_concurrent"]
check(peak >= 8, f"the emulator saw {peak} requests at once (>= 8: the pool runs companies "
      "side by side)")
owners = w.q("SELECT count(*) FROM contacts GROUP BY company_id, onoffice_address_id "
             "HAVING count(*) > 1")
check(not owners, f"no contact twice ({len(owners)} duplicates)")

# ---- kill -9 mid-import, restart ----
second = make(20, 700, "Kill")
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 1000})  # passes long enough to kill mid-way
w.counters(reset=True)
start_all(second)
pid = w.srv.proc.pid


def held_by_pid():
    return w.q("SELECT count(*) FROM import_state WHERE lease_owner LIKE ?", f"%:{pid}:%")[0][0]


held = w.wait(lambda: held_by_pid() >= 10 and held_by_pid(), timeout=120, step=0.1) or 0
w.srv.proc.send_signal(signal.SIGKILL)
w.srv.proc.wait()
w.srv.stderr.close()
w.srv = None
check(held > 0, f"leases were held by the killed process ({held})")
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": LATENCY_MS})
w.serve()
w.wait(lambda: all_done(second), timeout=300, step=0.5)
for c in second:
    check(w.imported(c["cid"]) == c["exp"],
          f"after the restart company {c['cid']} completes with exactly its set "
          f"({len(w.imported(c['cid']))} of {len(c['exp'])})")
dups = w.q("SELECT count(*) FROM contacts GROUP BY company_id, onoffice_address_id "
           "HAVING count(*) > 1")
check(not dups, f"no contact twice after the kill ({len(dups)} duplicates)")
stale = w.q("SELECT count(*) FROM import_state WHERE lease_owner LIKE ?", f"%:{pid}:%")[0][0]
check(stale == 0, f"no lease of the killed process is left ({stale})")
for c in second:
    s = w.status(c["tok"])
    check(s["import"]["done"] == s["import"]["total"] and s["import"]["last_error"] is None,
          f"company {c['cid']}: the import finished cleanly ({s['import']})")
log = w.srv.log()
check("import.lease_taken_over" in log, "the new process took over the dead one's leases")
rc = w.stop()
check(rc == 0 and sanitizer_clean(log), "serve stops cleanly")
check(w.emu.stop_clean(), "onoffice-emu stops cleanly")
finish()
