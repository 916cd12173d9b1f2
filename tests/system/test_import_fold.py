"""The periodic import across the October DST fold loses nothing (src/sync/README.md "Reads").

onOffice stamps Aenderung in Berlin local text. On 2026-10-25 the clocks go back from
03:00 CEST to 02:00 CET: an address changed at 02:10 CET - after one changed at 02:50 CEST -
gets the smaller text. The emulator's clock (PUT /_emu/clock) is moved to those instants
while an address is added (the sync is stopped meanwhile, so immosync's requests are never
signed against a shifted clock); after each start the address must arrive.
Positive control: the second-pass address's Aenderung lies more than the overlap (2 min)
below the cursor immosync had reached, so a plain "cursor - overlap" read would miss it."""
import calendar
import json
import time

from harness import check, finish
from import_util import CONSENT, World

INTERVAL = 10

w = World()
cust = w.customer("Zeitumstellung", fixtures=[
    {"Vorname": "Vorher", "Name": "A0", "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT,
     "Aenderung": "2026-10-24 12:00:00"},
    {"Vorname": "Vorher", "Name": "A1", "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT,
     "Aenderung": "2026-10-25 01:30:00"},
])
web = cust["customer_web_id"]
w.serve()
cid, tok = w.company(cust)
w.settings(tok, import_interval_s=INTERVAL)
w.api("POST", "sync/initial", tok)
check(w.wait_idle(tok) is not None and w.imported(cid) == set(cust["fixture_ids"]),
      "initial import of the addresses before the fold")


def at_utc(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


def add_at(utc_text, name, **extra):
    """Adds an address while the emulator's clock shows utc_text (the sync stopped)."""
    st, _ = w.api("POST", "sync/stop", tok)
    w.wait(lambda: not w.status(tok)["import"]["running"], timeout=10)
    w.emu.ctl("PUT", "/_emu/clock", {"offset_s": int(at_utc(utc_text) - time.time())})
    addr = {"Vorname": "Fold", "Name": name, "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT}
    addr.update(extra)
    aid = w.emu.fixtures(web, [addr])[0]
    w.emu.ctl("PUT", "/_emu/clock", {"offset_s": 0})
    st2, _ = w.api("POST", "sync/start", tok)
    return aid


def aenderung(aid):
    return w.emu_sql("SELECT aenderung FROM addresses WHERE id = ?", aid)[0][0]


def cursor():
    return json.loads(w.import_state(cid)["cursor"])


# 02:50 CEST, first pass of the repeated hour
a2 = add_at("2026-10-25 00:50:00", "A2")
check(aenderung(a2).startswith("2026-10-25 02:50"), f"A2 stamped 02:50 local ({aenderung(a2)})")
check(w.wait(lambda: a2 in w.imported(cid), timeout=INTERVAL + 5), "A2 (02:50 CEST) arrives")
w.wait(lambda: cursor()["n0"] >= aenderung(a2), timeout=INTERVAL + 5)
reached = cursor()["n0"]
check(reached >= aenderung(a2), f"the cursor reached A2 ({reached})")

# 02:10 CET, second pass: one hour later, but a smaller text
a3 = add_at("2026-10-25 01:10:00", "A3")
t3 = aenderung(a3)
naive = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at_utc(reached) - 120))  # text − 2 min
check(t3.startswith("2026-10-25 02:10") and t3 < naive,
      f"positive control: A3's text {t3} lies below cursor − overlap ({naive})")
check(w.wait(lambda: a3 in w.imported(cid), timeout=INTERVAL + 5),
      "A3 (02:10 CET, after the clocks went back) arrives")

# A revocation stamped in the second pass blocks the first-pass contact (R-I6)
st, _ = w.api("POST", "sync/stop", tok)
w.emu_sql("UPDATE addresses SET dsgvo = 'speicherungwiderrufen', aenderung = ? WHERE id = ?",
          "2026-10-25 02:20:00", a2)
w.api("POST", "sync/start", tok)
check(w.wait(lambda: w.contacts(cid)[a2]["blocked"] == 1, timeout=INTERVAL + 5),
      "a revocation stamped 02:20 CET (below the cursor's text) blocks A2")

# 03:05 CET, after the fold
a4 = add_at("2026-10-25 02:05:00", "A4")
check(aenderung(a4).startswith("2026-10-25 03:05"), f"A4 stamped 03:05 ({aenderung(a4)})")
check(w.wait(lambda: a4 in w.imported(cid), timeout=INTERVAL + 5), "A4 (03:05 CET) arrives")
want = set(cust["fixture_ids"]) | {a3, a4}
check(w.imported(cid) == want and len(w.contacts(cid)) == len(want) + 1,
      f"nothing lost, nothing doubled ({sorted(w.imported(cid))} vs {sorted(want)})")
s = w.status(tok)
check(s["import"]["last_error"] is None, f"no import error ({s['import']})")

check(w.stop() == 0, "serve stops cleanly")
check(w.emu.stop_clean(), "emulator stops cleanly")
finish()
