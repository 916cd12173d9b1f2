"""The periodic import (R-I2, R-I6, R-S2, R-T3, R-I3 rescan) with an interval of 10 s.

A contact added in onOffice after the initial sync arrives within one interval; revoked (and
empty) consent blocks a known contact, re-granted consent unblocks it; an erased contact
comes back only when onOffice shows consent; stopped means no data reads (the emulator's
counters moved while running, then stay still), contact types and the preview still work,
and what changed meanwhile arrives after start; a changed scope starts a rescan and leaves
contacts that no longer match as they were. Addresses are edited in the emulator's own
database, as an agent would in onOffice (Aenderung = the emulator's now)."""
import time

from harness import check, finish
from import_util import CONSENT, World, expected

INTERVAL = 10
SLACK = 2.5  # the scheduler looks every second; the pass itself takes a few ms

w = World()
cust = w.customer("Periodisch", 600, seed=5, until="2026-11-20")
w.serve()
cid, tok = w.company(cust)
w.settings(tok, import_interval_s=INTERVAL, all_contacts=False, contact_types=["Kunde"],
           without_contact_type=False)
scope = {"all_contacts": False, "contact_types": ["Kunde"], "without_contact_type": False}
st, doc = w.api("POST", "sync/initial", tok)
check(st == 202, f"POST sync/initial → 202 ({st})")
check(w.wait_idle(tok) is not None, "the initial import ends")
exp = expected(w.addresses(cust), scope)
check(w.imported(cid) == exp, f"initial: the expected set ({len(exp)})")
web = cust["customer_web_id"]


def touch(aid, **cols):
    """Changes address aid in onOffice's database and stamps Aenderung with the emulator's now."""
    sets = ", ".join(f"{k} = ?" for k in cols)
    w.emu_sql(f"UPDATE addresses SET {sets}{', ' if cols else ''}aenderung = ? WHERE id = ?",
              *cols.values(), w.emu_now(), aid)


def row(aid):
    return w.contacts(cid).get(aid)


def arrives(pred, label, limit=INTERVAL + SLACK):
    t0 = time.monotonic()
    ok = w.wait(pred, timeout=limit + 20)
    took = time.monotonic() - t0
    check(ok and took <= limit, f"{label} within one interval ({took:.1f} s ≤ {limit} s)")
    return ok


# ---- a new contact, revocations and erasure in one interval ----
known = sorted(exp)
rev, empty, erased_ok, erased_no = known[0], known[1], known[2], known[3]
check(all(row(a)["blocked"] == 0 for a in (rev, empty)), "positive control: not blocked before")
st, _ = w.api("DELETE", f"contacts/{row(erased_ok)['id']}", tok)
st2, _ = w.api("DELETE", f"contacts/{row(erased_no)['id']}", tok)
check(st == 200 and st2 == 200 and row(erased_ok)["erased_at"] and row(erased_no)["erased_at"],
      "two contacts erased on the platform (tombstones)")
new_id = w.emu.fixtures(web, [{"Vorname": "Neu", "Name": "Kontakt", "ArtDaten": ["Kunde"],
                                "DSGVOStatus": CONSENT,
                                "contacts": [{"type": "email", "value": "neu@example.de"}]}])[0]
touch(rev, dsgvo="speicherungwiderrufen")
touch(empty, dsgvo="")
touch(erased_ok, vorname="Wieder")           # consent still shown: it comes back (R-T3)
touch(erased_no, dsgvo="speicherungwiderrufen")  # no consent: the tombstone stays
arrives(lambda: row(new_id), "a contact added in onOffice arrives")
w.wait(lambda: row(rev)["blocked"] and row(empty)["blocked"], timeout=INTERVAL + SLACK)
check(row(rev)["blocked"] == 1 and row(rev)["gdpr_consent"] == 0 and row(rev)["first_name"],
      f"revoked consent: blocked, kept ({row(rev)})")
check(row(empty)["blocked"] == 1, "empty consent counts as none: blocked (R-I6)")
check(row(erased_ok)["erased_at"] is None and row(erased_ok)["first_name"] == "Wieder"
      and row(erased_ok)["blocked"] == 0,
      f"erased, onOffice shows consent: imported again ({row(erased_ok)})")
check(row(erased_no)["erased_at"] is not None and row(erased_no)["first_name"] is None,
      "erased, onOffice shows no consent: the tombstone stays")
check(w.q("SELECT count(*) FROM outbox WHERE company_id = ?", cid)[0][0] == 0,
      "periodic imports write no outbox rows (R-I7)")

# ---- re-granted consent unblocks ----
touch(rev, dsgvo=CONSENT, name="Zurueck")
arrives(lambda: row(rev)["blocked"] == 0, "re-granted consent unblocks")
check(row(rev)["gdpr_consent"] == 1 and row(rev)["last_name"] == "Zurueck",
      "re-granted: consent and onOffice's current data")

# ---- a second periodic run writes nothing ----
snap = w.dump(cid)
s0 = w.status(tok)["import"]["last_run_at"]
w.wait(lambda: w.status(tok)["import"]["last_run_at"] != s0, timeout=INTERVAL + SLACK)
w.wait(lambda: not w.status(tok)["import"]["running"], timeout=5)
check(w.dump(cid) == snap, "a periodic run without changes writes no row")

# ---- stopped: no data reads; configuration reads still allowed; nothing lost ----
w.counters(reset=True)
w.wait(lambda: w.reads() > 0, timeout=INTERVAL + SLACK)
check(w.reads() > 0, f"positive control: running, the import reads ({w.reads()} reads)")
st, doc = w.api("POST", "sync/stop", tok)
check(st == 200 and doc["state"] == "stopped", "POST sync/stop")
w.wait(lambda: not w.status(tok)["import"]["running"], timeout=10)
st, types = w.api("GET", "onoffice/contact-types", tok)
st2, prev = w.api("GET", "sync/preview", tok)
check(st == 200 and st2 == 200 and prev["matching"] > 0,
      f"stopped: contact types and preview still answer ({st}, {st2} {prev})")
later = w.emu.fixtures(web, [{"Vorname": "Waehrend", "Name": "Stopp", "ArtDaten": ["Kunde"],
                              "DSGVOStatus": CONSENT}])[0]
w.counters(reset=True)
time.sleep(2 * INTERVAL + 2)
c = w.counters()
check(c["requests"].get("read/address", 0) == 0 and c["http_requests"] == 0,
      f"stopped: no request for {2 * INTERVAL + 2} s ({c['requests']})")
check(row(later) is None, "stopped: the new address is not imported")
s = w.status(tok)
check(s["state"] == "stopped" and s["import"]["next_run_at"] is None,
      f"stopped: no next import in the status ({s['import']})")
st, doc = w.api("POST", "sync/start", tok)
check(st == 200 and doc["state"] == "running", "POST sync/start")
arrives(lambda: row(later), "after start, what changed while stopped arrives", limit=SLACK + 2)

# ---- a changed scope starts a rescan; contacts out of scope stay as they were ----
addrs = w.addresses(cust)
before = w.contacts(cid)
w.settings(tok, contact_types=["Makler"])
new_exp = expected(addrs, {"all_contacts": False, "contact_types": ["Makler"],
                           "without_contact_type": False})
check(bool(new_exp - set(before)), "positive control: the new scope holds addresses not imported")
ok = w.wait(lambda: new_exp <= w.imported(cid), timeout=INTERVAL + SLACK + 5)
check(ok, "a changed scope: the rescan imports the new scope's addresses")
after = w.contacts(cid)
kept = [a for a in before if a not in new_exp]
check(kept and all(after[a] == before[a] for a in kept),
      f"contacts that no longer match stay unchanged ({len(kept)})")
st = w.import_state(cid)
check(st["phase"] == "idle" and st["done"] == st["total"] and st["total"] == len(
    [a for a, el in addrs.items() if "Makler" in (el.get("ArtDaten") or []) and el["DSGVOStatus"] == CONSENT]),
      f"the rescan's progress counts the new scope ({st['done']}/{st['total']})")

check(w.stop() == 0, "serve stops cleanly")
check(w.emu.stop_clean(), "emulator stops cleanly")
finish()
