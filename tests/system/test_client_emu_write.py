"""The onOffice client's writes (src/onoffice, driven by oo-probe) against onoffice-emu
(issue #4): every write call, each followed by reading back what the emulator holds;
the errors onOffice gives for bad writes and their classes; the Marketplace handshake
(activation URL verified by our client, unlock once, twice, unknown cache id); a write
under fault mode "after" comes back uncertain and a lookup finds what was created."""
import json
import os
import re

from emu_util import Emu
from harness import BUILD, EMU, check, finish, run

PROBE = os.path.join(BUILD, "oo-probe")


def probe(emu, cred, *args, claim=None):
    argv = [PROBE, args[0], "--url", f"{emu.srv.url}/api/stable/api.php", "--token",
            cred["token"]] + list(args[1:])
    if claim:
        argv += ["--extendedclaim", claim]
    r = run(argv, env={"OO_PROBE_SECRET": cred["secret"]}, timeout=120)
    try:
        return r.returncode, json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return r.returncode, {"stderr": r.stderr[-300:]}


def err(doc):
    e = doc.get("error", {})
    return e.get("class"), e.get("remote_code")


emu = Emu()
cred = emu.customer()
web = cred["customer_web_id"]

# ---- address create and modify, read back ---------------------------------------------------
create = {"fields": {"Anrede": "Frau", "Vorname": "Anna", "Name": "Schmidt", "Strasse": "Hauptstr. 2",
                     "Plz": "52074", "Ort": "Aachen", "ArtDaten": ["Interessent"],
                     "HerkunftKontakt": ["BOTTIMMO"], "DSGVOStatus": "speicherungzugestimmt"},
          "land": "DEU",
          "contacts": [{"type": "email", "value": "anna@example.de", "default": True},
                       {"type": "phone", "value": "0241 12345", "default": True},
                       {"type": "mobile", "value": "0170 1234567"}]}
rc, doc = probe(emu, cred, "create-address", "--json", json.dumps(create))
check(rc == 0 and doc.get("id", 0) > 0, f"address created ({doc})")
aid = doc.get("id", 0)
rc, doc = probe(emu, cred, "read", "--records", "--iso2", "--data",
                "Vorname,Name,Plz,Ort,Land,ArtDaten,HerkunftKontakt,DSGVOStatus,phone,mobile,email",
                "--filter", json.dumps({"Id": [{"op": "=", "val": aid}]}))
a = (doc.get("addresses") or [{}])[0]
f = a.get("fields", {})
check(rc == 0 and f.get("Vorname") == "Anna" and f.get("Ort") == "Aachen" and f.get("Land") == "DE"
      and a.get("emails") == ["anna@example.de"] and a.get("phones") == ["0241 12345"]
      and a.get("mobiles") == ["0170 1234567"], f"the emulator holds the address as sent ({a})")
check("BOTTIMMO" in json.dumps(f.get("HerkunftKontakt")) and "Interessent" in json.dumps(f.get("ArtDaten")),
      f"multiselects stored ({f.get('HerkunftKontakt')}, {f.get('ArtDaten')})")

change = {"fields": {"Strasse": "Marktplatz 1"},
          "contacts": [{"type": "email", "action": "add", "newvalue": "a.schmidt@work.example"},
                       {"type": "email", "action": "add", "newvalue": "anna.privat@example.de"},
                       {"type": "phone", "action": "modify", "oldvalue": "0241 12345",
                        "newvalue": "0241 99999"}]}
rc, doc = probe(emu, cred, "modify-address", "--id", str(aid), "--json", json.dumps(change))
check(rc == 0 and doc.get("actions", 0) >= 2, f"modify with several contact changes ({doc})")
rc, doc = probe(emu, cred, "read", "--records", "--data", "Strasse,phone,email",
                "--filter", json.dumps({"Id": [{"op": "=", "val": aid}]}))
a = (doc.get("addresses") or [{}])[0]
check(a.get("fields", {}).get("Strasse") == "Marktplatz 1"
      and sorted(a.get("emails", [])) == ["a.schmidt@work.example", "anna.privat@example.de", "anna@example.de"]
      and a.get("phones") == ["0241 99999"], f"the modification is held ({a})")
rc, doc = probe(emu, cred, "find-address", "--email", "A.Schmidt@Work.example")
check(rc == 0 and doc.get("ids") == [aid], f"lookup by any e-mail entry, any case ({doc})")

# ---- agents log ---------------------------------------------------------------------------
marker = "[immosync lead L-42 company 7]"
log = {"addressids": [aid], "actionkind": "Email", "actiontype": "Eingang",
       "note": f"Bewertung durchgeführt\nLandingpage: Aachen\n{marker}", "time": "2026-11-26T10:15:00Z",
       "origincontact": "BOTTIMMO"}
rc, doc = probe(emu, cred, "agentslog-create", "--json", json.dumps(log))
check(rc == 0 and doc.get("id", 0) > 0, f"agents-log entry created ({doc})")
lid = doc.get("id", 0)
rc, doc = probe(emu, cred, "agentslog-read", "--address", str(aid))
entries = doc.get("entries", [])
check(rc == 0 and len(entries) == 1 and entries[0]["id"] == lid and marker in (entries[0].get("note") or "")
      and "11:15" in json.dumps(entries[0]), f"the entry is held, time in Berlin ({entries})")
rc, doc = probe(emu, cred, "find-agentslog", "--address", str(aid), "--marker", marker)
check(rc == 0 and doc.get("ids") == [lid], f"lookup by the marker in the note ({doc})")

# ---- estate, owner relation -----------------------------------------------------------------
estate = {"objektart": "haus", "objekttyp": "einfamilienhaus", "nutzungsart": "wohnen",
                   "vermarktungsart": "kauf", "strasse": "Charlottenburger Allee", "hausnummer": "5",
                   "plz": "52068", "ort": "Aachen", "land": "DEU", "breitengrad": 50.7762106,
                   "laengengrad": 6.0857545, "status": 2, "objektnr_extern": "immosync-c7-v99"}
rc, doc = probe(emu, cred, "estate-create", "--json", json.dumps(estate))
check(rc == 0 and doc.get("id", 0) > 0, f"estate created ({doc})")
eid = doc.get("id", 0)
rc, doc = probe(emu, cred, "relation-owner", "--estate", str(eid), "--address", str(aid))
check(rc == 0, f"owner relation created ({doc})")
rc, doc = probe(emu, cred, "estate-owner", "--estate", str(eid))
check(rc == 0 and doc.get("owners") == [aid], f"the estate's owner is the address ({doc})")
rc, doc = probe(emu, cred, "find-estate", "--marker", "immosync-c7-v99")
check(rc == 0 and doc.get("ids") == [eid], f"lookup by objektnr_extern ({doc})")

# ---- search profile ---------------------------------------------------------------------
sc = {"objektart": "haus", "objekttyp": ["einfamilienhaus"], "vermarktungsart": "kauf",
      "kaufpreis__von": 300000, "kaufpreis__bis": 500000, "wohnflaeche__von": 90,
      "range_plz": "52068", "range_ort": "Aachen", "range_land": "DEU", "range": 25,
      "krit_bemerkung": "immosync search request S-5"}
rc, doc = probe(emu, cred, "sc-create", "--address", str(aid), "--json", json.dumps(sc))
check(rc == 0 and doc.get("id", 0) > 0, f"search profile created ({doc})")
sid = doc.get("id", 0)
rc, doc = probe(emu, cred, "sc-read", "--address", str(aid))
text = json.dumps(doc)
check(rc == 0 and "300000" in text and "500000" in text and "52068" in text,
      f"the profile is held with its ranges and area ({text[:300]})")
rc, doc = probe(emu, cred, "find-sc", "--address", str(aid), "--marker", "S-5")
check(rc == 0 and doc.get("ids") == [sid], f"lookup by the marker in the comment ({doc})")

# ---- errors of bad writes, each with its class; nothing stored ------------------------------
before = probe(emu, cred, "read", "--data", "Name")[1].get("total")
cases = [
    ("unknown field", "create-address", ["--json", json.dumps({"fields": {"Name": "X", "Schuhgroesse": "44"}})]),
    ("invalid singleselect", "create-address", ["--json", json.dumps({"fields": {"Name": "X", "DSGVOStatus": "vielleicht"}})]),
    ("invalid multiselect", "create-address", ["--json", json.dumps({"fields": {"Name": "X", "ArtDaten": ["Astronaut"]}})]),
    ("unknown country", "create-address", ["--json", json.dumps({"fields": {"Name": "X"}, "land": "XXX"})]),
    ("unknown record", "modify-address", ["--id", "999999", "--json", json.dumps({"fields": {"Ort": "Bonn"}})]),
    ("agents log without address", "agentslog-create", ["--json", json.dumps({"actionkind": "Email", "actiontype": "Eingang", "note": "x"})]),
    ("unknown action kind", "agentslog-create", ["--json", json.dumps({"addressids": [aid], "actionkind": "Brieftaube", "note": "x"})]),
    ("unknown action type", "agentslog-create", ["--json", json.dumps({"addressids": [aid], "actionkind": "Email", "actiontype": "Rauchzeichen", "note": "x"})]),
    ("relation to an unknown record", "relation-owner", ["--estate", str(eid), "--address", "999999"]),
]
for name, cmd, args in cases:
    rc, doc = probe(emu, cred, cmd, *args)
    cls, code = err(doc)
    check(rc == 3 and cls == "final" and code, f"{name} → final with onOffice's code ({doc})")
# Mandatory fields (254) and search-criteria fields the account has switched off.
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"mandatory_fields": {"address": ["Vorname"]}})
rc, doc = probe(emu, cred, "create-address", "--json", json.dumps({"fields": {"Name": "Ohne"}}))
check(rc == 3 and err(doc) == ("final", 254), f"missing mandatory field → final (254) ({doc})")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"mandatory_fields": {"address": []}})
st, cfg = emu.ctl("GET", f"/_emu/customers/{web}/config")
fields_on = dict(cfg.get("search_fields", {})) if isinstance(cfg, dict) else {}
fields_on["anzahl_zimmer"] = False
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"search_fields": fields_on})
rc, doc = probe(emu, cred, "sc-create", "--address", str(aid), "--json",
                json.dumps({"objektart": "haus", "anzahl_zimmer__von": 3}))
check(rc == 3 and err(doc)[0] == "final", f"a switched-off search field → final ({doc})")
after = probe(emu, cred, "read", "--data", "Name")[1].get("total")
check(before == after, f"refused writes stored nothing ({before} → {after})")

# ---- fault mode "after": uncertain, and the lookup finds the record --------------------------
emu.ctl("PUT", "/_emu/faults", {"mode": "after", "error_next": 1})
rc, doc = probe(emu, cred, "create-address", "--json", json.dumps(
    {"fields": {"Name": "Nachher"}, "contacts": [{"type": "email", "value": "after@example.de"}]}))
check(rc == 3 and err(doc)[0] == "uncertain", f"a write failed after applying → uncertain ({doc})")
emu.ctl("PUT", "/_emu/faults", {})
rc, doc = probe(emu, cred, "find-address", "--email", "after@example.de")
check(rc == 0 and len(doc.get("ids", [])) == 1, f"the lookup finds the object that was created ({doc})")
emu.ctl("PUT", "/_emu/faults", {"mode": "after", "drop_next": 1})
rc, doc = probe(emu, cred, "agentslog-create", "--json", json.dumps(
    {"addressids": [aid], "actionkind": "Notiz", "note": "[marker-drop]"}))
check(rc == 3 and err(doc)[0] == "uncertain", f"a dropped answer after the write → uncertain ({doc})")
emu.ctl("PUT", "/_emu/faults", {})
rc, doc = probe(emu, cred, "find-agentslog", "--address", str(aid), "--marker", "[marker-drop]")
check(rc == 0 and len(doc.get("ids", [])) == 1, f"…and the entry is found by its marker ({doc})")

# ---- the Marketplace: activation URL, unlock once, twice, unknown cache id -------------------
secret = "provider-secret-for-tests"
r = run([EMU, "activation-url", "--customer", web, "--provider-url",
         "https://immosync.example/onoffice/activate", "--provider-secret", secret, "--db", emu.db])
url = r.stdout.strip()
check(r.returncode == 0 and url.startswith("https://immosync.example/onoffice/activate?"), f"activation URL ({r.stderr})")
rc, doc = (lambda r: (r.returncode, json.loads(r.stdout or "{}")))(run([PROBE, "mp-verify", "--url", url, "--secret", secret]))
check(rc == 0 and doc.get("ok") is True and doc.get("params", {}).get("apiToken") == cred["token"]
      and doc["params"].get("customerWebId") == web, f"our client verifies the emulator's activation URL ({doc})")
params = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
from urllib.parse import unquote_plus
cache, claim = unquote_plus(params.get("parameterCacheId", "")), unquote_plus(params.get("apiClaim", ""))
rc, doc = probe(emu, cred, "unlock", "--cache-id", cache, "--claim", claim)
check(rc == 0 and doc.get("success") is True, f"unlock succeeds once ({doc})")
rc, doc = probe(emu, cred, "unlock", "--cache-id", cache, "--claim", claim)
check(rc == 3 and err(doc)[0] == "final" and err(doc)[1] in (177, 178), f"unlock twice → 177/178 ({doc})")
rc, doc = probe(emu, cred, "unlock", "--cache-id", "00000000-0000-0000-0000-000000000000", "--claim", claim)
check(rc == 3 and err(doc)[1] == 177, f"unknown cache id → 177 ({doc})")
tampered = re.sub(r"customerWebId=[^&]*", "customerWebId=999", url)
r = run([PROBE, "mp-verify", "--url", tampered, "--secret", secret])
check(r.returncode != 0, "a tampered activation URL is refused")

# ---- claim required (R-A12): without → claim class, with the current service claim → ok -----
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"claim_required": True})
rc, doc = probe(emu, cred, "read", "--data", "Name")
check(rc == 3 and err(doc) == ("claim", 193), f"claim required, none sent → claim (193) ({doc})")
r = run([EMU, "service-url", "--customer", web, "--provider-url", "https://immosync.example/onoffice/open",
         "--provider-secret", secret, "--db", emu.db])
sparams = dict(p.split("=", 1) for p in r.stdout.strip().split("?", 1)[1].split("&")) if r.returncode == 0 else {}
sclaim = unquote_plus(sparams.get("apiClaim", ""))
rc, doc = probe(emu, cred, "read", "--data", "Name", claim=sclaim)
check(rc == 0, f"with the current service claim the read works ({doc})")
rc, doc = probe(emu, cred, "read", "--data", "Name", claim="an-old-claim")
check(rc == 3 and err(doc)[0] == "claim", f"an outdated claim → claim class ({doc})")

check(emu.stop_clean(), "the emulator stops cleanly")
finish()
