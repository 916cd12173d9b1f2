"""Issue #11: onOffice's rate limits (undocumented; our decision in docs/decisions.md).

The emulator refuses a customer's requests beyond `rate_limit_per_s` with HTTP 429.
- Our per-customer rate below the emulator's limit: a full import plus live calls (the
  preview, contact types) for that customer are never refused, and the import ends with
  exactly the consented set.
- Our rate above it: the emulator refuses some requests; immosync backs off (the shared
  backoff shows in /metrics) and still ends with the exact set.
Counts, not timings.
"""
import re
import threading

from harness import check, finish, sanitizer_clean
from import_util import World, expected

w = World()


def metric(text, name):
    m = re.search(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def metrics_text():
    import http.client
    c = http.client.HTTPConnection(w.srv.host, w.srv.port, timeout=30)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    c.close()
    return text


def run(rate, limit, tag):
    creds = w.customer(tag, 1500, seed=7, until="2026-11-19")
    cid, tok = w.company(creds, tag)
    exp = expected(w.addresses(creds), {"all_contacts": True})
    st, _ = w.emu.ctl("PUT", f"/_emu/customers/{creds['customer_web_id']}/config",
                      {"rate_limit_per_s": limit})
    check(st == 200, f"{tag}: the emulator's limit is set ({st})")
    w.serve(extra=("--onoffice-customer-rate", str(rate)))
    w.counters(reset=True)
    st, _ = w.api("POST", "sync/initial", tok)
    check(st == 202, f"{tag}: POST sync/initial ({st})")
    live = []

    def live_calls():
        for path in ("sync/preview", "onoffice/contact-types", "sync/preview"):
            live.append(w.api("GET", path, tok)[0])

    t = threading.Thread(target=live_calls)
    t.start()
    w.wait(lambda: w.imported(cid) == exp, timeout=180, step=0.3)
    t.join()
    check(w.imported(cid) == exp,
          f"{tag}: the import ends with exactly the consented set "
          f"({len(w.imported(cid))} of {len(exp)})")
    text = metrics_text()
    counters = w.counters()
    rc, _ = w.srv.stop()
    check(rc == 0 and sanitizer_clean(w.srv.log()), f"{tag}: serve stops cleanly")
    w.srv = None
    return counters, text, live


# ---- below the limit: never refused ----
counters, text, live = run(2, 3, "Unter dem Limit")
check(counters["rate_limited"] == 0 and counters["http_requests"] >= 4,
      f"2/s against a limit of 3/s: {counters['http_requests']} requests, none refused "
      f"({counters['rate_limited']})")
check(live == [200, 200, 200], f"the live calls answered meanwhile ({live})")
check(metric(text, "immosync_onoffice_throttled_total") > 0,
      "our own rate held requests back (immosync_onoffice_throttled_total)")

# ---- above the limit: refused, backed off, still complete ----
counters, text, live = run(50, 1, "Über dem Limit")
check(counters["rate_limited"] > 0,
      f"50/s against a limit of 1/s: the emulator refused {counters['rate_limited']}")
check(metric(text, "immosync_onoffice_backoffs_total") > 0,
      f"the backoff shows in /metrics "
      f"({metric(text, 'immosync_onoffice_backoffs_total')})")
check(all(s in (200, 502) for s in live), f"live calls answered or failed cleanly ({live})")
check(w.emu.stop_clean(), "onoffice-emu stops cleanly")
finish()
