"""The onOffice client (src/onoffice, driven by oo-probe) against onoffice-emu (issue #3):
every read call; the error paths and their classes; 1,234 matches at 500 per page = 3
requests over one TCP connection (the emulator's counters say so); gzip used; retries
signed afresh; TLS refused without the CA; data still there after a restart. The two
sides were written separately from the protocol document."""
import json
import os
import subprocess
import time

from emu_util import Emu
from harness import BUILD, check, finish, run, tmpdir

PROBE = os.path.join(BUILD, "oo-probe")


def probe(emu, cred, *args, secret=None, token=None, url=None):
    argv = [PROBE, args[0], "--url", url or f"{emu.srv.url}/api/stable/api.php",
            "--token", token or cred["token"]] + list(args[1:])
    r = run(argv, env={"OO_PROBE_SECRET": secret or cred["secret"]}, timeout=120)
    try:
        return r.returncode, json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return r.returncode, {"stderr": r.stderr}


def counters(emu):
    return emu.ctl("GET", "/_emu/counters")[1]


emu = Emu()
cred = emu.customer()
web = cred["customer_web_id"]

# ---- paging: 1,234 matches, 500 per page, 3 requests, one connection, gzip ----------------
r = emu.seed(web, 1234, seed=3, until="2026-11-01")
check(r.returncode == 0, f"seeded 1,234 ({r.stderr[-200:]})")
emu.ctl("DELETE", "/_emu/counters")
conns0 = counters(emu)["connections"]  # since the reset above, this GET included
rc, doc = probe(emu, cred, "read", "--all", "--data", "Vorname,Name,Email", "--sortby", "Name")
c = counters(emu)
probe_conns = c["connections"] - conns0 - 1  # less the GET that reads the counters
check(rc == 0 and doc["total"] == 1234 and doc["records"] == 1234 and doc["pages"] == 3,
      f"read all: 1,234 records in 3 pages ({rc} { {k: doc.get(k) for k in ('total', 'records', 'pages')} })")
check(len(set(doc.get("ids", []))) == 1234, "every address exactly once")
check(c["requests"].get("read/address") == 3 and c["http_requests"] == 3,
      f"the emulator saw 3 read requests ({c['requests']})")
check(probe_conns == 1, f"over one TCP connection ({probe_conns})")
check(c["gzip_responses"] == 3 and c["bytes_out"] < 1234 * 60,
      f"answers were gzip-compressed ({c['gzip_responses']}, {c['bytes_out']} bytes)")

# ---- every read call, against exactly known data ------------------------------------------
emu2 = Emu()
cred2 = emu2.customer()
web2 = cred2["customer_web_id"]
ids = emu2.fixtures(web2, [
    {"Anrede": "Frau", "Vorname": "Anna", "Name": "Schmidt", "Plz": "52062", "Ort": "Aachen",
     "Land": "DEU", "ArtDaten": ["Eigentümer", "Interessent"], "DSGVOStatus": "speicherungzugestimmt",
     "Aenderung": "2025-01-01 10:00:00",
     "contacts": [{"type": "email", "value": "anna@example.de", "default": True},
                  {"type": "email", "value": "a.schmidt@work.example"},
                  {"type": "phone", "value": "0241 12345"},
                  {"type": "mobile", "value": "0171 2345678"}]},
    {"Vorname": "Bernd", "Name": "Becker", "Land": "AUT", "ArtDaten": [],
     "DSGVOStatus": "speicherungwiderrufen", "Aenderung": "2025-02-01 10:00:00",
     "contacts": [{"type": "email", "value": "bernd@example.at"}]},
    {"Vorname": "System", "Name": "Nutzer", "ArtDaten": ["Systembenutzer"],
     "Aenderung": "2025-03-01 10:00:00"},
])
rc, doc = probe(emu2, cred2, "read", "--records", "--iso2", "--data", "Vorname,Name,Land,ArtDaten,DSGVOStatus,phone,mobile,email",
                "--filter", json.dumps({"DSGVOStatus": [{"op": "=", "val": "speicherungzugestimmt"}]}))
check(rc == 0 and doc["total"] == 1 and doc["ids"] == [ids[0]], f"filtered read ({doc})")
if rc == 0 and doc.get("addresses"):
    a = doc["addresses"][0]
    check(sorted(a["emails"]) == ["a.schmidt@work.example", "anna@example.de"]
          and a["phones"] == ["0241 12345"] and a["mobiles"] == ["0171 2345678"],
          f"every phone, mobile and e-mail entry ({a})")
    check(a["fields"].get("Land") == "DE", f"countryIsoCodeType ISO-3166-2 ({a['fields'].get('Land')})")
rc, doc = probe(emu2, cred2, "read", "--filter", json.dumps({"ArtDaten": [{"op": "in", "val": ["Eigentümer", "Kunde"]}]}))
check(rc == 0 and doc["ids"] == [ids[0]], f"multiselect filter 'in' ({doc})")
rc, doc = probe(emu2, cred2, "search", "--input", "bernd@example.at")
check(rc == 0 and [h["id"] for h in doc] == [ids[1]], f"search by e-mail ({doc})")
rc, doc = probe(emu2, cred2, "fields")
art = doc.get("address", {}).get("ArtDaten", {}).get("permitted", {}) if rc == 0 else {}
origin = doc.get("address", {}).get("HerkunftKontakt", {}).get("permitted", {}) if rc == 0 else {}
check("Systembenutzer" in art and "Eigentümer" in art and "BOTTIMMO" in origin,
      f"fields: contact types and origins ({list(art)[:5]}, {list(origin)[:5]})")
check(rc == 0 and "objektart" in doc.get("estate", {}), "fields: the estate module")
rc, doc = probe(emu2, cred2, "actionkinds")
check(rc == 0 and set(doc.get("Email", {})) >= {"Eingang", "Ausgang"} and "Notiz" in doc
      and "Sonstiges" in doc, f"actionkindtypes ({doc})")
rc, doc = probe(emu2, cred2, "scfields")
check(rc == 0 and doc.get("kaufpreis", {}).get("range") is True and "range" in doc
      if rc == 0 else False, f"searchCriteriaFields ({str(doc)[:200]})")

# ---- error paths and their classes --------------------------------------------------------
rc, doc = probe(emu2, cred2, "read", secret="x" * 64)
check(rc == 3 and doc["error"]["class"] == "auth" and doc["error"]["remote_code"] == 137,
      f"wrong secret → auth (137) ({doc})")
rc, doc = probe(emu2, cred2, "read", token="t" * 32)
check(rc == 3 and doc["error"]["class"] == "auth" and doc["error"]["remote_code"] == 22,
      f"unknown token → auth (22) ({doc})")
for flt, code in ((({"Nonsense": [{"op": "=", "val": 1}]}), 141),
                  (({"Name": [{"op": "~~", "val": 1}]}), 142),
                  (({"ArtDaten": [{"op": ">", "val": "Kunde"}]}), 232)):
    rc, doc = probe(emu2, cred2, "read", "--filter", json.dumps(flt))
    check(rc == 3 and doc["error"]["class"] == "final" and doc["error"]["remote_code"] == code,
          f"filter error → final ({code}) ({doc})")
rc, doc = probe(emu2, cred2, "read", "--sortby", "Nonsense")
check(rc == 3 and doc["error"]["class"] == "final" and doc["error"]["remote_code"] == 212,
      f"unknown sort field → final (212) ({doc})")
emu2.ctl("PUT", "/_emu/clock", {"offset_s": 600})
rc, doc = probe(emu2, cred2, "read")
check(rc == 3 and doc["error"]["class"] == "clock" and doc["error"]["remote_code"] == 136,
      f"our clock 10 min behind → clock (136) ({doc})")
emu2.ctl("PUT", "/_emu/clock", {"offset_s": 0})
rc, doc = probe(emu2, cred2, "read")
check(rc == 0, "positive control: the same read works with the clocks in line")

# ---- retries: signed afresh, and bounded ---------------------------------------------------
emu2.ctl("DELETE", "/_emu/counters")
emu2.ctl("PUT", "/_emu/faults", {"error_next": 2})
# oo-probe's fake clock starts at the wall clock and steps 7 s per reading: attempt k is
# signed at start + 7(k-1). Faults strike before the emulator reads the actions, so it
# notes only the accepted attempt's timestamp: start + 14 proves the third attempt was
# signed afresh (a reused signature would carry the start).
t0 = int(time.time())
rc, doc = probe(emu2, cred2, "read", "--attempts", "3", "--clock-step", "7")
c = counters(emu2)
ts = c["recent_timestamps"]
check(rc == 0 and c["http_requests"] == 3 and c["faults"]["error"] == 2,
      f"two injected errors, the third attempt succeeds ({rc} {c['http_requests']} {c['faults']})")
check(len(ts) == 1 and 14 <= ts[0] - t0 <= 16,
      f"the accepted attempt was signed afresh at start + 14 s ({ts}, start {t0})")
emu2.ctl("PUT", "/_emu/faults", {"error_next": 2})
rc, doc = probe(emu2, cred2, "read", "--attempts", "2")
check(rc == 3 and doc["error"]["class"] == "retryable", f"out of attempts → retryable ({doc})")
emu2.ctl("PUT", "/_emu/faults", {"drop_next": 1})
rc, doc = probe(emu2, cred2, "read", "--attempts", "2")
check(rc == 0, f"a dropped connection is retried (a read is safe to repeat) ({doc})")
emu2.ctl("PUT", "/_emu/faults", {})

# ---- restart: the data is still there ------------------------------------------------------
emu2.restart()
rc, doc = probe(emu2, cred2, "read")
check(rc == 0 and sorted(doc["ids"]) == sorted(ids), f"after a restart the same addresses ({doc})")

# ---- TLS: refused without the CA, accepted with it -----------------------------------------
d = tmpdir()
cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
tls = Emu(extra=["--tls-cert", cert, "--tls-key", key])
tcred = tls.customer()
url = f"{tls.srv.url}/api/stable/api.php"
check(url.startswith("https://"), "the emulator serves https")
rc, doc = probe(tls, tcred, "read", url=url)
check(rc == 3 and doc["error"]["class"] == "not_sent", f"TLS without our CA is refused ({doc})")
rc, doc = probe(tls, tcred, "read", "--ca-file", cert, url=url)
check(rc == 0 and doc["total"] == 0, f"with the CA file the read works ({doc})")

for e in (emu, emu2, tls):
    check(e.stop_clean(), "the emulator stops cleanly")
finish()
