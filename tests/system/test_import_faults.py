"""20% injected onOffice faults (R-C3 fault injection) still end in the exact sets.

Many companies (one emulator customer each) import and then keep importing every 10 s while
the emulator fails 20% of all API requests (HTTP 200 with a top-level server error). The
run lasts until the emulator has seen at least 600 requests, so its counters can confirm
that at least 15% were failed; addresses added meanwhile must arrive too. Every company
ends with exactly its expected set and no duplicates."""
from harness import check, finish
from import_util import CONSENT, World, expected

COMPANIES = 36
INTERVAL = 10
MIN_REQUESTS = 600

w = World()
w.serve()
comps = []
for i in range(COMPANIES):
    cust = w.customer(f"Kunde {i}", 400, seed=100 + i, until="2026-11-19")
    cid, tok = w.company(cust, f"Makler {i}")
    w.settings(tok, import_interval_s=INTERVAL)
    comps.append((cust, cid, tok, expected(w.addresses(cust), {"all_contacts": True})))

w.emu.ctl("PUT", "/_emu/faults", {"error_rate": 0.2, "mode": "before"})
w.counters(reset=True)
for _, _, tok, _ in comps:
    st, _ = w.api("POST", "sync/initial", tok)
    check(st == 202, "POST sync/initial under faults")

# Addresses added while the faults go on: the periodic import must bring them as well.
half = w.wait(lambda: w.counters()["http_requests"] >= MIN_REQUESTS // 2, timeout=200)
for k, (cust, cid, tok, exp) in enumerate(comps[:6]):
    ids = w.emu.fixtures(cust["customer_web_id"], [
        {"Vorname": "Spaet", "Name": f"Neu{k}", "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT}])
    exp |= set(ids)
w.wait(lambda: w.counters()["http_requests"] >= MIN_REQUESTS, timeout=200)


def converged():
    return all(w.imported(cid) == exp for _, cid, _, exp in comps)


ok = w.wait(converged, timeout=3 * INTERVAL)
c = w.counters()
w.emu.ctl("PUT", "/_emu/faults", {})
share = c["faults"]["error"] / max(c["http_requests"], 1)
check(c["http_requests"] >= MIN_REQUESTS and share >= 0.15,
      f"the emulator failed {c['faults']['error']} of {c['http_requests']} requests "
      f"({100 * share:.1f} %, ≥ 15 %)")
check(ok, "under 20% faults every company ends with exactly its expected set")
for cust, cid, tok, exp in comps:
    n = w.q("SELECT count(*), count(DISTINCT onoffice_address_id) FROM contacts WHERE "
            "company_id = ?", cid)[0]
    if n[0] != n[1] or n[0] != len(exp) or w.imported(cid) != exp:
        check(False, f"company {cid}: {n} contacts for {len(exp)} expected")
        break
else:
    check(True, f"{COMPANIES} companies: one contact per address, none missing")
states = [w.status(tok) for _, _, tok, _ in comps]
check(all(s["state"] == "running" for s in states), "every company still running")
check(w.q("SELECT count(*) FROM outbox")[0][0] == 0, "no outbox rows")

check(w.stop() == 0, "serve stops cleanly")
check(w.emu.stop_clean(), "emulator stops cleanly")
finish()
