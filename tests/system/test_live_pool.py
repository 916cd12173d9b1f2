"""Issue #11: requests that wait on onOffice (contact types, preview, settings with a live
check) run on the live pool, not on an HTTP thread.

- serve with ONE HTTP thread: while a preview waits on a slow emulator (its request is
  in flight there, seen by the emulator's `concurrent` counter), /healthz and an API call
  are answered - before the preview is. With the handler on the HTTP thread, they would
  queue behind it.
- SIGTERM while a live call waits: serve still exits 0 (libmicrohttpd must not stop with a
  suspended connection; the pool answers it first) and the client gets an answer.
No timing is asserted; the order of events is.
"""
import http.client
import json
import threading

from harness import check, finish, sanitizer_clean
from import_util import World

w = World()
creds = w.customer("Live", 20, seed=3, until="2026-11-19")
cid, tok = w.company(creds, "Live")
creds2 = w.customer("Live 2", 5, seed=4, until="2026-11-19")
cid2, tok2 = w.company(creds2, "Live 2")  # nothing cached for it: its calls reach onOffice


def call(path, out, key, token=None):
    c = http.client.HTTPConnection(w.srv.host, w.srv.port, timeout=60)
    try:
        c.request("GET", path, headers={"Authorization": "Bearer " + (token or tok)})
        r = c.getresponse()
        out[key] = (r.status, json.loads(r.read() or b"null"))
    except (ConnectionError, http.client.HTTPException) as ex:
        out[key] = (0, str(ex))
    finally:
        c.close()


def in_flight_at_emulator():
    return w.counters()["concurrent"] >= 1


w.serve(extra=("--http-threads", "1"))
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 3000})
res = {}
slow = threading.Thread(target=call, args=("/api/v1/sync/preview", res, "preview"))
slow.start()
check(w.wait(in_flight_at_emulator, timeout=30, step=0.05), "the preview's request reached "
      "the emulator")
call("/healthz", res, "healthz")
call("/api/v1/sync/status", res, "status")
preview_pending = slow.is_alive()
check(res["healthz"][0] == 200 and res["status"][0] == 200,
      f"the one HTTP thread answered others meanwhile ({res['healthz'][0]}, "
      f"{res['status'][0]})")
check(preview_pending, "…while the preview still waited on onOffice")
slow.join()
check(res["preview"][0] == 200 and "matching" in res["preview"][1],
      f"the preview is answered from the pool ({res['preview']})")

# ---- SIGTERM while a live call waits ----
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 10000})
res = {}
slow = threading.Thread(target=call, args=("/api/v1/onoffice/contact-types", res, "types",
                                          tok2))
slow.start()
check(w.wait(in_flight_at_emulator, timeout=30, step=0.05), "the contact types' request "
      "reached the emulator")
srv = w.srv
rc, secs = srv.stop()
slow.join()
log = srv.log()
check(rc == 0, f"serve exits 0 on SIGTERM while a live call waits ({rc} after {secs:.1f} s)")
check(sanitizer_clean(log) and "mhd_panic" not in log, "no panic, sanitizer-clean log")
check(res["types"][0] in (502, 503), f"the waiting client got its answer before serve "
      f"stopped, not a closed connection ({res['types']})")
w.srv = None
w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 0})
check(w.emu.stop_clean(), "onoffice-emu stops cleanly")
finish()
