"""A refused secret (R-S4) and a crash mid-import (kill -9) against onoffice-emu.

- Wrong secret: the first request is refused (137), the link is marked revoked, sync/status
  warns «Zugriff in onOffice entzogen» and says how to re-activate, and nothing more is sent
  (no retry storm: the counters stay still over two intervals, the CLI exits 3 without a
  request). Linking again with the right secret resumes the import by itself.
- kill -9 while the full import runs, then restart: the exact set, no duplicates, and the
  requests after the restart are at most the pages that were left + 3 (it resumes after the
  last committed page instead of starting over).
- SIGTERM mid-import: serve exits 0 within seconds, the progress is kept and the import
  resumes after the restart; /metrics shows the import figures.
- `sync initial` while serve runs the same company's import follows it to its end (one
  lease, one import)."""
import http.client
import json
import math
import signal

from harness import check, finish, sanitizer_clean
from import_util import World, expected

INTERVAL = 10
w = World()
w.serve()

# ---- wrong secret → R-S4 ----
wc = w.customer("Falsch", 300, seed=2, until="2026-11-19")
wid, wtok = w.company(wc, "Falsch", secret="0" * 64)
w.settings(wtok, import_interval_s=INTERVAL)
wexp = expected(w.addresses(wc), {"all_contacts": True})
w.counters(reset=True)
st, doc = w.api("POST", "sync/initial", wtok)
check(st == 202, "POST sync/initial with a wrong secret is accepted (the first use checks it)")
REVOKED = "Zugriff in onOffice entzogen"
# The link is marked revoked and the import's error recorded in two steps: wait for both.
s = w.wait(lambda: (lambda s: s if any(REVOKED in x for x in s["warnings"])
                    and (s["import"]["last_error"] or "").startswith(REVOKED) else None)(
    w.status(wtok)), timeout=30)
n1 = w.counters()["http_requests"]
check(s is not None and "Marketplace" in " ".join(s["warnings"])
      and (s["import"]["last_error"] or "").startswith(REVOKED),
      f"status: «{REVOKED}», how to re-activate, the error ({s and s['warnings']})")
check(1 <= n1 <= 3, f"a handful of requests: {n1} (positive control: at least one was sent)")
check(s is not None and not s["import"]["running"] and s["import"]["next_run_at"] is None,
      "no import running or planned while the access is revoked")
st, types = w.api("GET", "onoffice/contact-types", wtok)
check(st == 502 and types["error"]["code"] == "onoffice_auth",
      f"contact types while revoked: onoffice_auth without a request ({st})")
r = w.sync_initial(wid)
check(r.returncode == 3 and REVOKED in r.stderr, f"sync initial exits 3 ({r.returncode} {r.stderr})")
st, doc = w.api("POST", "sync/initial", wtok)
check(st == 409, f"POST sync/initial while revoked → 409 ({st})")
w.wait(lambda: False, timeout=2 * INTERVAL + 2)
n2 = w.counters()["http_requests"]
check(n2 == n1, f"no retry storm: still {n2} requests after {2 * INTERVAL + 2} s")
check(not w.contacts(wid), "nothing imported")
r = w.link(wid, wc)
check(r.returncode == 0, "linking again with the right secret")
s = w.wait_idle(wtok, timeout=60)
w.wait(lambda: w.imported(wid) == wexp, timeout=INTERVAL + 5)
check(w.imported(wid) == wexp, "after re-linking the import goes on by itself: the exact set")
s = w.status(wtok)
check(not any(REVOKED in x for x in s["warnings"]) and s["import"]["last_error"] is None,
      f"the warning is gone ({s['warnings']})")
w.api("POST", "sync/stop", wtok)

# ---- kill -9 mid-import, restart ----
kc = w.customer("Absturz", 30000, seed=3, until="2026-11-19")
kid, ktok = w.company(kc, "Absturz")
kexp = expected(w.addresses(kc), {"all_contacts": True})
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 150})
st, _ = w.api("POST", "sync/initial", ktok)
check(st == 202, "POST sync/initial (30,000 addresses)")
w.wait(lambda: (w.import_state(kid) or {}).get("done", 0) >= 4000, timeout=120)
w.srv.proc.send_signal(signal.SIGKILL)
w.srv.proc.wait()
w.srv.stderr.close()
w.srv = None
st = w.import_state(kid)
left = math.ceil((st["total"] - st["done"]) / 500)
check(st["phase"] == "initial" and 4000 <= st["done"] < st["total"],
      f"killed mid-import at {st['done']} of {st['total']}")
w.emu.ctl("PUT", "/_emu/faults", {})
w.counters(reset=True)
w.serve()
s = w.wait_idle(ktok, timeout=120)
reqs = w.counters()["http_requests"]
st2 = w.import_state(kid)
check(s is not None and st2["phase"] == "idle", "after the restart the import completes")
check(left <= reqs <= left + 3,
      f"requests after the restart: {reqs} ≤ {left} pages left + 3 (of "
      f"{math.ceil(st['total'] / 500)} in all)")
got = w.imported(kid)
n = w.q("SELECT count(*), count(DISTINCT onoffice_address_id) FROM contacts WHERE company_id = ?",
        kid)[0]
check(got == kexp and n[0] == n[1] == len(kexp),
      f"the exact set, no duplicates ({n[0]} rows, {len(kexp)} expected; missing "
      f"{sorted(kexp - got)[:5]}, extra {sorted(got - kexp)[:5]})")
check(st2["done"] == st2["total"], f"progress complete ({st2['done']}/{st2['total']})")

# ---- SIGTERM mid-import: a clean stop, and the import resumes after the restart ----
conn = http.client.HTTPConnection(w.srv.host, w.srv.port, timeout=10)
conn.request("GET", "/metrics")
metrics = conn.getresponse().read().decode()
conn.close()
check("immosync_import_lag_seconds" in metrics and "immosync_import_passes_total" in metrics,
      "/metrics shows the import lag and passes (R-X5)")
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 150})
st, _ = w.api("POST", "sync/initial", ktok)
w.wait(lambda: (lambda x: x["phase"] == "initial" and x["done"] >= 2000)(w.import_state(kid)),
       timeout=60)
srv = w.srv
rc, took = srv.stop()
log = srv.log()
w.srv = None
st3 = w.import_state(kid)
check(rc == 0 and took < 5, f"SIGTERM mid-import: exit {rc} after {took:.1f} s")
check(sanitizer_clean(log), "no sanitizer report on the way out")
check(st3["phase"] == "initial" and 0 < st3["done"] < st3["total"],
      f"stopped mid-import with its progress kept ({st3['done']}/{st3['total']})")
w.emu.ctl("PUT", "/_emu/faults", {})
w.serve()
s = w.wait_idle(ktok, timeout=120)
n = w.q("SELECT count(*), count(DISTINCT onoffice_address_id) FROM contacts WHERE company_id = ?",
        kid)[0]
check(s is not None and w.import_state(kid)["phase"] == "idle" and w.imported(kid) == kexp
      and n[0] == n[1] == len(kexp), "after the restart the rescan completes: the same set")

# ---- `sync initial` while serve runs the company's import: it follows, one import ----
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 100})
w.counters(reset=True)
st, _ = w.api("POST", "sync/initial", ktok)
w.wait(lambda: (lambda x: x["phase"] == "initial" and x["done"] >= 1000)(w.import_state(kid)),
       timeout=60)
r = w.sync_initial(kid)
st4 = w.import_state(kid)
reqs = w.counters()["http_requests"]
w.emu.ctl("PUT", "/_emu/faults", {})
summary = json.loads(r.stdout) if r.returncode == 0 else {}
check(r.returncode == 0 and st4["phase"] == "idle" and summary.get("done") == st4["total"],
      f"sync initial next to serve's running import waits for its end ({r.returncode} {summary})")
check(reqs <= math.ceil(st4["total"] / 500) + 3,
      f"one import, not two: {reqs} requests for {st4['total']} addresses")

check(w.stop() == 0, "serve stops cleanly")
check(w.emu.stop_clean(), "emulator stops cleanly")
finish()
