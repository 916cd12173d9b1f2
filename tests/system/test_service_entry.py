"""R-A12: the Marketplace service entry and the pause while onOffice wants a claim.

A customer whose onOffice account requires an extendedclaim (the emulator's claim_required):
the import is refused with 193 → immosync pauses (status warning, no scheduled run, no more
requests), a tampered or foreign service URL changes nothing, the signed service URL
(GET /onoffice/open, made by `onoffice-emu service-url`) stores the claim sealed and the import
resumes and completes with it. A newer claim elsewhere makes ours outdated (201): paused
again, until onOffice opens immosync once more.
Positive controls: the import really asked onOffice and was refused (counters, 193 in
last_error) before the pause is judged; the resumed import reaches the exact consented set."""
import os
import sqlite3
import time
from urllib.parse import unquote_plus

from harness import EMU, check, finish, run
from import_util import CONSENT, World

PROVIDER_SECRET = "anbieter-secret-4711"
PUBLIC = "https://immosync.example"

w = World()
cust = w.customer("Freigabe GmbH", fixtures=[
    {"Vorname": f"K{i}", "Name": "Claim", "ArtDaten": ["Kunde"],
     "DSGVOStatus": CONSENT if i % 3 else "keineAngabe"} for i in range(12)])
other = w.customer("Fremd GmbH")
web = cust["customer_web_id"]
consented = {a for i, a in enumerate(cust["fixture_ids"]) if i % 3}
w.emu.ctl("PUT", f"/_emu/customers/{web}/config", {"claim_required": True})

w.serve(extra=["--public-url", PUBLIC + ":8443/ignored", "--provider-secret", PROVIDER_SECRET])
cid, tok = w.company(cust)
w.settings(tok, import_interval_s=10)


def service_url(webid):
    r = run([EMU, "service-url", "--customer", webid, "--provider-url",
             PUBLIC + "/onoffice/open", "--provider-secret", PROVIDER_SECRET, "--db", w.emu.db])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


def open_url(url):
    """GET the URL onOffice would open, sent to our serve instead of the public host."""
    path = url[len(PUBLIC):] if url.startswith(PUBLIC) else url
    st, _, _ = w.client.request("GET", path)
    return st


def q_write(sql):
    con = sqlite3.connect(w.db, timeout=30)
    try:
        con.execute(sql).fetchall()
    finally:
        con.close()


w.q_write = q_write


def link_row():
    return w.q("SELECT claim_sealed, claim_wanted FROM onoffice_links WHERE company_id = ?",
               cid)[0]


# ---- refused for want of a claim → paused ----
w.counters(reset=True)
w.api("POST", "sync/initial", tok)
s = w.wait(lambda: (lambda st: st if st["import"]["last_error"] else None)(w.status(tok)),
           timeout=30)
check(s is not None and "193" in (s["import"]["last_error"] or ""),
      f"positive control: onOffice refused the import with 193 ({s and s['import']})")
reads = w.reads()
check(reads >= 1, f"positive control: the refused read reached onOffice ({reads})")
check(link_row()[1] is not None, "the link records that onOffice wants a claim")
check(any("Freigabe" in x and "aus onOffice heraus" in x for x in s.get("warnings", [])),
      f"the status asks to open BOTTIMMO from onOffice once ({s.get('warnings')})")
check(s["import"]["running"] is False and s["import"]["next_run_at"] is None,
      f"paused: nothing running, no run scheduled ({s['import']})")
actions = w.counters()["actions"]
time.sleep(3)
w.api("POST", "sync/start", tok)  # a kick: still nothing may be sent
st_types, doc_types = w.api("GET", "onoffice/contact-types", tok)
st_prev, _ = w.api("GET", "sync/preview", tok)
st_set, _ = w.api("PUT", "settings", tok, {"contact_types": ["Kunde"], "all_contacts": False})
check(st_types == 409 and st_prev == 409,
      f"live calls answer 409 while paused ({st_types} {doc_types}, {st_prev})")
check(st_set == 200, f"settings can still be saved (types stored unchecked) ({st_set})")
w.settings(tok, all_contacts=True, contact_types=[])
r = w.sync_initial(cid)
check(r.returncode == 6 and "claim" in r.stderr,
      f"sync initial exits 6 (fresh claim wanted) without a request ({r.returncode} {r.stderr})")
time.sleep(2)
check(w.counters()["actions"] == actions,
      f"no request of any kind reaches onOffice while paused ({w.counters()['requests']})")

# ---- URLs that must change nothing ----
good = service_url(web)
sig_at = good.index("signature=") + len("signature=")
tampered = good[:sig_at] + ("0" if good[sig_at] != "0" else "1") + good[sig_at + 1:]
check(open_url(tampered) == 403, "a tampered service URL → 403")
foreign = service_url(other["customer_web_id"])  # signed, but no company has this customer
check(open_url(foreign) == 404, "a service URL of an unlinked customer → 404")
st = open_url("/onoffice/open")
check(st == 403, f"no parameters at all → 403 (no signature) ({st})")
check(link_row()[0] is None and link_row()[1] is not None,
      "nothing stored by the refused URLs, still paused")

# ---- the real one: claim stored sealed, import resumes and completes ----
claim = unquote_plus(dict(p.split("=", 1) for p in good.split("?", 1)[1].split("&"))["apiClaim"])
st, page, hdrs = w.client.request("GET", good[len(PUBLIC):])
check(st == 200, "the signed service URL → 200")
check(hdrs.get("Cache-Control") == "no-store" and hdrs.get("Referrer-Policy") == "no-referrer"
      and hdrs.get("Content-Type", "").startswith("text/html"),
      f"the page is German HTML, never cached, no referrer ({hdrs})")
row = link_row()
check(row[0] is not None and row[1] is None, "claim stored, pause ended")
w.q_write("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the main file
raw = b""
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(w.db + suffix):
        with open(w.db + suffix, "rb") as f:
            raw += f.read()
check(b"CREATE TABLE onoffice_links" in raw, "positive control: the files hold the schema")
check(claim.encode() not in raw, "the claim is in no database file in plain text")
ok = w.wait(lambda: w.imported(cid) == consented, timeout=30)
check(ok, f"the import resumes with the claim and reaches the exact set "
          f"({sorted(w.imported(cid))} vs {sorted(consented)})")
s = w.wait_idle(tok, timeout=30)
check(s is not None and s["import"]["last_error"] is None and
      not any("Freigabe" in x for x in s.get("warnings", [])),
      f"no error, no warning afterwards ({s})")

# ---- a newer claim elsewhere → ours is outdated (201) → paused again → resumed ----
newer = service_url(web)  # onOffice handed a fresh claim to someone; ours is now outdated
w.api("POST", "sync/stop", tok)
w.api("POST", "sync/start", tok)  # the next periodic pass runs at once
s = w.wait(lambda: (lambda st: st if st["import"]["last_error"] else None)(w.status(tok)),
           timeout=30)
check(s is not None and "201" in (s["import"]["last_error"] or ""),
      f"the outdated claim is refused with 201 ({s and s['import']})")
check(link_row()[1] is not None, "paused again")
added = w.emu.fixtures(web, [{"Vorname": "Neu", "Name": "Claim", "ArtDaten": ["Kunde"],
                              "DSGVOStatus": CONSENT}])[0]
check(open_url(newer) == 200, "opening BOTTIMMO from onOffice again → 200")
check(w.wait(lambda: added in w.imported(cid), timeout=30),
      "after the newer claim the import goes on (a contact added meanwhile arrives)")

log = w.srv.log()
check("service.claim_stored" in log, "positive control: the log is serve's, with the entry")
check(claim not in log and PROVIDER_SECRET not in log and "signature=" not in log,
      "neither the claim, the provider secret nor a signature in serve's log")
check(w.stop() == 0, "serve stops cleanly")
check(w.emu.stop_clean(), "emulator stops cleanly")
finish()
