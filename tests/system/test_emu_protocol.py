"""onoffice-emu: the request and response envelope (onoffice-protocol §1-§3), HMAC v2 with the
onoffice-protocol §2.1 vectors and a PHP cross-check, timestamps, tokens, structure errors, several actions
per request, several customers, gzip, and the onoffice-protocol §3 quirks."""
import base64
import gzip
import json
import subprocess
import time

from emu_util import (CREATE, GET, READ, URN, Emu, envelope, ids_of, read_address, records,
                      sign, signed, status_of)
from harness import check, finish

# ---- the test helper's own signing against the documented vectors (onoffice-protocol §2.1) ----
check(sign("mgjIQkNRnaqggVzy9cZW", "yOJobbhGLXdp90XxvxedFhH7073L9U", 123456789,
           "estateCategories", URN + "get") == "dsvg3r4AFcQXges0MZ+3auzQVfnEB39pLkKSgmm9Wvg=",
      "signing vector 1 (SDK RequestTest)")
check(sign("testtoken", "testsecret", 1646228220, "calendar", URN + "read") ==
      "w6ifKMmAdJoKhu0vl2twvfP+ltyOTQ7LqLpvsZkOnlg=", "signing vector 2 (SDK integration test)")
check(sign("dX5hkIIU6W", "dhY8h7FeU9", 123456789, "estateCategories", URN + "get") ==
      "F9OXyaJv7p+bLkwGDGV7ZUmfYgjH2E24zpsxY5/nVDk=", "signing vector 3 (DOC inputs)")

emu = Emu()
a = emu.customer("Alpha Immobilien")
b = emu.customer("Beta Makler")
check(a["customer_web_id"] != b["customer_web_id"] and a["token"] != b["token"],
      "two customers get different web ids and tokens")
ids_a = emu.fixtures(a["customer_web_id"], [
    {"Vorname": "Max", "Name": "Mustermann", "Plz": "52074", "Ort": "Aachen", "Land": "DEU",
     "contacts": [{"type": "email", "value": "max@example.com", "default": True}]},
    {"Vorname": "Erika", "Name": "Musterfrau", "Plz": "10115", "Ort": "Berlin", "Land": "DEU"},
])
ids_b = emu.fixtures(b["customer_web_id"], [{"Vorname": "Bert", "Name": "Beta"}])
READ_ALL = read_address({"data": ["Vorname", "Name", "Plz"]})


def top(doc):
    return doc["status"]


def first(doc):
    return doc["response"]["results"][0]


# ---- a plain read: envelope, quirks ----
doc = emu.call(a, READ_ALL)
res = first(doc)
check(top(doc) == {"code": 200, "errorcode": 0, "message": "OK"}, "top-level status 200/0/OK")
check(status_of(res) == 0 and res["status"]["message"] == "OK", "result status 0/OK")
check(res["actionid"] == READ and res["resourcetype"] == "address" and res["resourceid"] == ""
      and res["identifier"] == "" and res["cacheable"] is True, "result echoes the action")
check(res["data"]["meta"]["cntabsolute"] == 2 and ids_of(res) == ids_a, "customer A sees its 2")
rec = records(res)[0]
check(isinstance(rec["id"], int) and rec["type"] == "address" and rec["elements"]["id"] == rec["id"],
      "records[].id is an int, type address, elements.id")
check(rec["elements"]["Plz"] == "52074", "values come back as strings (Plz \"52074\")")
doc_b = emu.call(b, READ_ALL)
check(ids_of(first(doc_b)) == ids_b, "customer B sees only its own address")

# stable and latest, both content types, form-encoded body holding raw JSON (the PHP SDK)
for path in ("/api/stable/api.php", "/api/latest/api.php"):
    for ctype in ("application/json", "application/x-www-form-urlencoded"):
        body = json.dumps(envelope(a, [signed(a, READ_ALL)])).encode()
        st, hdrs, data = emu.raw("POST", path, body, {"Content-Type": ctype})
        ok = st == 200 and status_of(first(json.loads(data))) == 0
        check(ok, f"{path} accepts a JSON body sent as {ctype}")
st, _, _ = emu.raw("GET", "/api/stable/api.php")
check(st == 405, "GET on the API is 405 (POST only)")
st, _, _ = emu.raw("POST", "/api/v1/api.php", b"{}")
check(st == 404, "an unknown API version is 404")

# resourceid as a number or a string; hmac_version 2 or "2"; identifier null; parameters []
for rid in (ids_a[0], str(ids_a[0])):
    res = emu.result(a, read_address({"data": ["Vorname"]}, resourceid=rid))
    check(status_of(res) == 0 and ids_of(res) == [ids_a[0]] and res["resourceid"] == str(ids_a[0]),
          f"resourceid {rid!r} ({type(rid).__name__}) reads that record")
act = signed(a, READ_ALL)
act["hmac_version"] = "2"
check(status_of(first(emu.post_api(envelope(a, [act])))) == 0, "hmac_version \"2\" (string) works")
act = signed(a, dict(READ_ALL, identifier=None))
res = first(emu.post_api(envelope(a, [act])))
check(status_of(res) == 0 and res["identifier"] == "", "identifier null is accepted (echoed \"\")")
res = emu.result(a, {"actionid": GET, "resourceid": "", "identifier": "",
                     "resourcetype": "searchCriteriaFields", "parameters": []})
check(status_of(res) == 0, "parameters [] (PHP's empty array) is accepted")

# ---- PHP cross-check of HMAC v2 ----
php = "echo base64_encode(hash_hmac('sha256', $argv[1], $argv[2], true));"
ts = int(time.time())
msg = f"{ts}{a['token']}address{READ}"
p = subprocess.run(["php", "-r", php, msg, a["secret"]], capture_output=True, text=True)
check(p.returncode == 0 and len(p.stdout) == 44, "php-cli computes an HMAC")
act = dict(READ_ALL, timestamp=ts, hmac_version=2, hmac=p.stdout)
check(status_of(first(emu.post_api(envelope(a, [act])))) == 0, "a PHP-signed action is accepted")
tampered = dict(act, hmac=("A" if p.stdout[0] != "A" else "B") + p.stdout[1:])
check(status_of(first(emu.post_api(envelope(a, [tampered])))) == 137,
      "the tampered PHP signature is refused with 137")
check(p.stdout == sign(a["token"], a["secret"], ts, "address", READ),
      "PHP and the Python helper agree on the signature")

# ---- 137: the LAR-style shape ----
bad = dict(signed(a, READ_ALL))
bad["hmac"] = sign(a["token"], b["secret"], bad["timestamp"], "address", READ)
doc = emu.post_api(envelope(a, [bad]))
res = first(doc)
check(top(doc) == {"code": 200, "errorcode": 0, "message": "OK"} and status_of(res) == 137 and
      res["status"]["message"] == "The HMAC is invalid." and res["data"] == [],
      "a wrong secret gives top-level 200/0 and result 137 with \"data\": [] (LAR stub shape)")
for variant, change in (("hmac_version 1", {"hmac_version": 1}),
                        ("no hmac_version (v1)", {"hmac_version": None}),
                        ("no hmac", {"hmac": None})):
    act = signed(a, READ_ALL)
    for k, v in change.items():
        if v is None:
            act.pop(k)
        else:
            act[k] = v
    check(status_of(first(emu.post_api(envelope(a, [act])))) == 137, f"{variant} → 137")
act = signed(a, READ_ALL)
act["resourcetype"] = "estate"  # the signature covers resourcetype
check(status_of(first(emu.post_api(envelope(a, [act])))) == 137,
      "changing a signed field (resourcetype) → 137")
act = signed(a, READ_ALL)
act["parameters"] = {"data": ["Name"], "listlimit": 1}  # parameters are not signed
check(status_of(first(emu.post_api(envelope(a, [act])))) == 0,
      "changing parameters keeps the signature valid (v2 does not sign them)")

# ---- 22: unknown token ----
doc = emu.post_api({"token": "0" * 32, "request": {"actions": [signed(a, READ_ALL)]}})
res = first(doc)
check(status_of(res) == 22 and res["data"] == [] and top(doc)["errorcode"] == 0,
      "an unknown token gives result 22 with data []")

# ---- 136: timestamps ----
now = int(time.time())
for off, want in ((-100, 0), (100, 0), (-125, 136), (125, 136), (-3600, 136)):
    res = emu.result(a, READ_ALL, sign_ts=now + off)
    check(status_of(res) == want, f"timestamp now{off:+d} s → {want}")
act = signed(a, READ_ALL)
act.pop("timestamp")
check(status_of(first(emu.post_api(envelope(a, [act])))) == 136, "a missing timestamp → 136")
act = signed(a, READ_ALL, ts=str(now))
check(status_of(first(emu.post_api(envelope(a, [act])))) == 0, "a timestamp as a string works")

# ---- envelope errors: top-level codes, HTTP 200 ----
for body, code, what in ((b"", 9, "an empty body"), (b"{not json", 4, "a body that is not JSON"),
                         (b"[1,2]", 4, "a JSON array"),
                         ({"request": {"actions": []}}, 13, "no token"),
                         ({"token": 5, "request": {}}, 13, "a token that is not a string"),
                         ({"token": a["token"]}, 14, "no request"),
                         ({"token": a["token"], "request": []}, 14, "request not an object"),
                         ({"token": a["token"], "request": {}}, 15, "no actions"),
                         ({"token": a["token"], "request": {"actions": []}}, 15, "empty actions")):
    st, _, data = emu.raw("POST", "/api/stable/api.php", body)
    doc = json.loads(data)
    check(st == 200 and doc["status"]["errorcode"] == code and doc["status"]["code"] == 400,
          f"{what} → HTTP 200, top-level errorcode {code}")

# ---- per-action structure errors ----
base = signed(a, READ_ALL)
cases = [("actionid", None, 16), ("actionid", "", 17), ("resourceid", None, 18),
         ("resourceid", {"x": 1}, 18), ("resourcetype", None, 19), ("parameters", None, 20),
         ("parameters", ["data"], 20)]
for key, val, code in cases:
    act = dict(base)
    if val is None:
        act.pop(key)
    else:
        act[key] = val
    res = first(emu.post_api(envelope(a, [act])))
    check(status_of(res) == code and res["data"] == [], f"{key}={val!r} → {code}")
act = dict(base, resourceid="ü" * 300)
res = first(emu.post_api(envelope(a, [act])))
check(status_of(res) == 18 and res["resourceid"].startswith("?"),
      "a long non-numeric resourceid → 18, echoed as valid text")
res = first(emu.post_api(envelope(a, ["not an object"])))
check(status_of(res) == 16, "an action that is not an object → 16")

# ---- dispatch errors ----
for act, code, what in (
        ({"actionid": URN + "frobnicate", "resourceid": "", "identifier": "", "resourcetype": "address",
          "parameters": {}}, 23, "an unknown actionid"),
        ({"actionid": READ, "resourceid": "", "identifier": "", "resourcetype": "spaceships",
          "parameters": {}}, 25, "an unknown resourcetype"),
        ({"actionid": GET, "resourceid": "planets", "identifier": "", "resourcetype": "search",
          "parameters": {"input": "Max"}}, 24, "search with an unknown resourceid"),
        ({"actionid": CREATE, "resourceid": "", "identifier": "", "resourcetype": "calendar",
          "parameters": {}}, 199, "a documented but not emulated action (create/calendar)"),
        ({"actionid": URN + "delete", "resourceid": "5", "identifier": "",
          "resourcetype": "searchcriteria", "parameters": {}}, 199,
         "a documented but not emulated action (delete/searchcriteria)")):
    check(status_of(emu.result(a, act)) == code, f"{what} → {code}")

# ---- several actions: order, identifiers, partial failure, 97 ----
acts = [dict(read_address({"data": ["Name"]}, resourceid=ids_a[1]), identifier="second-first"),
        dict(read_address({"data": ["Nope"]}), identifier="broken"),
        dict(read_address({"data": ["Name"]}, resourceid=ids_a[0]), identifier="first")]
doc = emu.call(a, *acts)
rs = doc["response"]["results"]
check([r["identifier"] for r in rs] == ["second-first", "broken", "first"],
      "results come back in request order with their identifiers")
check(ids_of(rs[0]) == [ids_a[1]] and ids_of(rs[2]) == [ids_a[0]] and status_of(rs[1]) == 141,
      "one failing action does not spoil the others")
check(top(doc)["code"] == 200 and top(doc)["errorcode"] == 97,
      "an action that failed in processing sets top-level errorcode 97")
good = signed(a, READ_ALL)
bad = dict(signed(a, READ_ALL), hmac="AAAA")
doc = emu.post_api(envelope(a, [good, bad]))
rs = doc["response"]["results"]
check(status_of(rs[0]) == 0 and status_of(rs[1]) == 137 and top(doc)["errorcode"] == 0,
      "an authentication failure alone leaves the top level at 0 (each action checked itself)")

# ---- gzip ----
big = emu.call(a, read_address({"data": ["Vorname", "Name", "Plz", "Ort", "Land"]}))
body = json.dumps(envelope(a, [signed(a, read_address({"data": ["Vorname", "Name", "Plz", "Ort",
                                                                 "Land"]}))])).encode()
st, hdrs, data = emu.raw("POST", "/api/stable/api.php", body, {"Accept-Encoding": "deflate, gzip"})
check(st == 200 and hdrs.get("content-encoding") == "gzip" and
      first(json.loads(gzip.decompress(data)))["data"] == first(big)["data"],
      "Accept-Encoding: deflate, gzip gets a gzip answer with the same content")
st, hdrs, data = emu.raw("POST", "/api/stable/api.php", body)
check("content-encoding" not in hdrs and json.loads(data)["status"]["errorcode"] == 0,
      "without Accept-Encoding the answer is plain")

# ---- get calls: cntabsolute null, ids as strings ----
res = emu.result(a, {"actionid": GET, "resourceid": "", "identifier": "", "resourcetype": "fields",
                     "parameters": {"modules": ["address"]}})
check(res["data"]["meta"]["cntabsolute"] is None and records(res)[0]["id"] == "address",
      "fields: cntabsolute null, records[].id \"address\" (a string)")

# ---- tokens never logged ----
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")
log = emu.srv.log()
check(a["token"] not in log and a["secret"] not in log and "hmac" not in log.lower(),
      "the log holds no token, secret or HMAC")
finish()
