"""Paging that survives the data moving under it (src/sync/README.md "Reads").

- 1,200 addresses with the same Aenderung: the full import (keyset on the id) and a mass
  update of all 1,200 read by the periodic import (ties paged by offset, restarts at offset
  0 only when the cursor moves) give the exact set, and every pass ends (no endless loop:
  each pass's page count is bounded, read from serve's log).
- Addresses edited between pages of the full import (the emulator answers slowly so the
  edits land mid-import): renamed ones end with their new names, ones given consent below
  the keyset position arrive through the periodic import, revoked ones are blocked or never
  imported - the exact set of the final data."""
import random
import re
import sqlite3
import threading
import time

from harness import check, finish
from import_util import CONSENT, World, expected

INTERVAL = 10
w = World()
w.serve()

# ---- 1,200 ties ----
TIE = "2026-11-20 10:00:00"
ties = [{"Vorname": f"Gleich{i}", "Name": "Zeit", "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT,
         "Aenderung": TIE, "contacts": [{"type": "email", "value": f"tie{i}@example.de"}]}
        for i in range(1200)]
tcust = w.customer("Gleichstand", 300, seed=9, until="2026-11-19", fixtures=ties)
tid, ttok = w.company(tcust, "Gleichstand")
w.settings(ttok, import_interval_s=INTERVAL)
w.counters(reset=True)
w.api("POST", "sync/initial", ttok)
s = w.wait_idle(ttok)
reqs = w.counters()["http_requests"]
addrs = w.addresses(tcust)
exp = expected(addrs, {"all_contacts": True})
check(s is not None and w.imported(tid) == exp and set(tcust["fixture_ids"]) <= exp,
      f"1,200 ties: the full import gives the exact set ({len(w.imported(tid))} / {len(exp)})")
matching = sum(1 for el in addrs.values() if el["DSGVOStatus"] == CONSENT)
check(reqs <= -(-matching // 500) + 1 + 2,
      f"1,200 ties: {reqs} requests for {matching} addresses (≤ ⌈n/500⌉ + 1 branch + 2)")

# The periodic import meets the 1,200 ties: a mass update stamps them all with one time.
log0 = len(w.srv.log())
now = w.emu_now()
w.emu_sql("UPDATE addresses SET vorname = 'Massen' || id, aenderung = ? WHERE id IN (%s)"
          % ",".join(map(str, tcust["fixture_ids"])), now)
ok = w.wait(lambda: all(c["first_name"] == f"Massen{a}"
                        for a, c in w.contacts(tid).items() if a in tcust["fixture_ids"]),
            timeout=INTERVAL + 15)
check(ok, "1,200 ties changed at once: the periodic import brings every change")
w.wait(lambda: len(re.findall(r"event=import\.pass .*kind=periodic", w.srv.log()[log0:])) >= 2,
       timeout=2 * INTERVAL + 5)
passes = re.findall(r"event=import\.pass .*kind=periodic .*pages=(\d+)", w.srv.log()[log0:])
check(len(passes) >= 2 and max(int(p) for p in passes) <= 2 * (3 + 3),
      f"every periodic pass over the ties ended, pages per pass bounded ({passes})")
check(w.imported(tid) == exp, "ties: still exactly the set after the periodic passes")

# ---- edits between pages of the full import ----
ecust = w.customer("Bewegt", 4000, seed=21, until="2026-11-19")
eid, etok = w.company(ecust, "Bewegt")
w.settings(etok, import_interval_s=INTERVAL)
before = w.addresses(ecust)
ids = sorted(before)
low, high = ids[: len(ids) // 5], ids[-len(ids) // 5:]
rnd = random.Random(4)
cons = lambda ds: [a for a in ds if before[a]["DSGVOStatus"] == CONSENT
                   and before[a]["ArtDaten"] != ["Systembenutzer"]]
nocons = lambda ds: [a for a in ds if before[a]["DSGVOStatus"] != CONSENT]
rename_low, rename_high = rnd.sample(cons(low), 20), rnd.sample(cons(high), 20)
grant_low = rnd.sample(nocons(low), 10)
revoke_low, revoke_high = rnd.sample(cons(low)[40:], 5), rnd.sample(cons(high)[40:], 5)
edited = threading.Event()


mid = {}


def edit_mid_import():
    # Wait for the first committed page, then change the data while the rest is read.
    if not w.wait(lambda: (w.import_state(eid) or {}).get("done", 0) >= 500, timeout=60):
        return
    stamp = w.emu_now()
    con = sqlite3.connect(w.emu.db, timeout=30)
    with con:
        con.executemany("UPDATE addresses SET name = 'Neu' || id, aenderung = ? WHERE id = ?",
                        [(stamp, a) for a in rename_low + rename_high])
        con.executemany("UPDATE addresses SET dsgvo = ?, aenderung = ? WHERE id = ?",
                        [(CONSENT, stamp, a) for a in grant_low])
        con.executemany("UPDATE addresses SET dsgvo = 'speicherungwiderrufen', aenderung = ? "
                        "WHERE id = ?", [(stamp, a) for a in revoke_low + revoke_high])
    con.close()
    mid.update(w.import_state(eid))
    edited.set()


w.emu.ctl("PUT", "/_emu/faults", {"latency_ms": 800})
t = threading.Thread(target=edit_mid_import)
t.start()
w.api("POST", "sync/initial", etok)
t.join()
s = w.wait_idle(etok, timeout=120)
st = w.import_state(eid)
check(edited.is_set() and mid.get("phase") == "initial" and 0 < mid["done"] < mid["total"],
      f"the edits landed while the full import was running ({mid.get('done')}/{mid.get('total')})")
w.emu.ctl("PUT", "/_emu/faults", {})
check(s is not None and st["phase"] == "idle", "the full import ended")
after = w.addresses(ecust)
final = expected(after, {"all_contacts": True})
# what the import must hold: the final set, plus contacts that were imported and then lost
# consent - those stay, blocked (R-I6)
ok = w.wait(lambda: w.imported(eid) == final and all(
    w.contacts(eid)[a]["blocked"] == 1 for a in revoke_low), timeout=INTERVAL + 10)
got = w.imported(eid)
check(ok, f"edits between pages: exactly the final set once the periodic import ran "
      f"(missing {sorted(final - got)[:5]}, extra {sorted(got - final)[:5]})")
rows = w.contacts(eid)
check(all(rows[a]["last_name"] == f"Neu{a}" for a in rename_low + rename_high),
      "renamed addresses (read before and after the edit) carry the new name")
check(all(a in got for a in grant_low), "consent given below the keyset position: imported")
check(all(rows[a]["blocked"] == 1 for a in revoke_low),
      "consent revoked after the address was imported: blocked")
check(all(a not in rows for a in revoke_high), "consent revoked before it was read: never imported")
check(w.q("SELECT count(*) FROM outbox")[0][0] == 0, "no outbox rows")

check(w.stop() == 0, "serve stops cleanly")
check(w.emu.stop_clean(), "emulator stops cleanly")
finish()
