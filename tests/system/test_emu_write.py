"""onoffice-emu write side (onoffice-protocol §5.4-§8, issue #4): every write call with its
request body copied verbatim from docs/onoffice-protocol.md, each read back through the API; contact
data (mobile typing, defaults, add/modify/delete), checkDuplicate with and without
noOverrideByDuplicate, every validation error with a positive control and the state
afterwards, agents log, estates, relations, search criteria, fault mode "after" on writes,
and persistence across a restart."""
import datetime
import http.client
import json
import time

from emu_util import (Emu, action, doc_action, elements, entry_values, ids_of, records,
                      status_of)
from harness import check, finish

emu = Emu()
A = emu.customer()
B = emu.customer("Andere Immobilien KG")
web = A["customer_web_id"]


def res(act, creds=A, **kw):
    return emu.result(creds, act, **kw)


def act(verb, rt, params, rid="", creds=A, **kw):
    return emu.result(creds, action(verb, rt, params, rid), **kw)


def code(verb, rt, params, rid="", creds=A):
    return status_of(act(verb, rt, params, rid, creds))


def read_addr(aid, data, creds=A, **params):
    r = act("read", "address", dict(params, data=data), str(aid), creds)
    return elements(r) if status_of(r) == 0 and records(r) else None


def count(rt, params=None, creds=A):
    r = act("read", rt, dict(params or {}, listlimit=0), creds=creds)
    return r["data"]["meta"]["cntabsolute"]


def emu_now():
    _, clk = emu.ctl("GET", "/_emu/clock")
    return datetime.datetime.strptime(clk["now_berlin"], "%Y-%m-%d %H:%M:%S")


def near_now(text, slack=10):
    t = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return abs((emu_now() - t).total_seconds()) <= slack


def created_id(r):
    """The id of a create answer, after checking the documented shape."""
    recs = records(r) if status_of(r) == 0 else []
    ok = len(recs) == 1 and recs[0]["elements"] == [] and r["data"]["meta"]["cntabsolute"] is None
    return recs[0]["id"] if ok else None


# ---- fixtures: addresses 1..200, so the docs' ids (32, 34, 153, 181) exist ----
F = [{"Name": f"Füllmann {i}", "Aenderung": "2024-01-01 00:00:00"} for i in range(1, 201)]
F[31] = {"Anrede": "Herr", "Vorname": "Max", "Name": "Mustermann", "Strasse": "Alte Str. 1",
         "Ort": "Gießen", "Aenderung": "2024-01-01 00:00:00",
         "contacts": [{"type": "phone", "value": "0049 641 43681-272", "default": True},
                      {"type": "email", "value": "max@example.org", "default": True}]}
F[33] = {"Vorname": "Erika", "Name": "Musterfrau", "Aenderung": "2024-01-01 00:00:00"}
F[152] = {"Vorname": "Ida", "Name": "Interessentin", "Aenderung": "2024-01-01 00:00:00"}
F[180] = {"Vorname": "Otto", "Name": "Owner", "Aenderung": "2024-01-01 00:00:00"}
fixture_ids = emu.fixtures(web, F)
check(fixture_ids == list(range(1, 201)), "fixtures take the ids 1..200 on a fresh database")

# ================= create/address (onoffice-protocol §5.4) =================
CREATE_5_4 = r'''{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:create","resourceid":"","identifier":"","resourcetype":"address",
 "parameters":{"Anrede":"Herr","Vorname":"Max","Name":"Mustermann","Strasse":"Hauptstr. 2","Plz":"52074","Ort":"Aachen","Land":"DEU",
   "email":"m.mustermann@example.com","phone":"0241 12345","mobile":"0170 1234567","default_phone":"0241 12345",
   "ArtDaten":["Interessent"],"HerkunftKontakt":["Immobilienportal"],"DSGVOStatus":"speicherungzugestimmt",
   "checkDuplicate":true,"noOverrideByDuplicate":true,"extendedclaim":"<apiClaim>"}}'''
r = res(doc_action(CREATE_5_4))
new_id = created_id(r)
check(new_id == 201 and records(r)[0]["type"] == "address" and r["cacheable"] is False,
      f"onoffice-protocol §5.4 example: records[0] = {{id, type address, elements []}} ({records(r) if status_of(r) == 0 else r['status']})")
el = read_addr(new_id, ["Anrede", "Vorname", "Name", "Strasse", "Plz", "Ort", "Land", "Email",
                        "Telefon1", "phone", "mobile", "email", "defaultphone", "defaultemail",
                        "ArtDaten", "HerkunftKontakt", "DSGVOStatus", "Status", "Aenderung",
                        "Eintragsdatum", "Briefanrede", "KdNr"])
check(el and (el["Anrede"], el["Vorname"], el["Name"], el["Strasse"], el["Plz"], el["Ort"]) ==
      ("Herr", "Max", "Mustermann", "Hauptstr. 2", "52074", "Aachen"), "onoffice-protocol §5.4: plain fields read back")
check(el["Land"] == "Deutschland" and
      read_addr(new_id, ["Land"], countryIsoCodeType="ISO-3166-3")["Land"] == "DEU",
      "onoffice-protocol §5.4: Land DEU stored (reads Deutschland, ISO-3 DEU)")
check(entry_values(el, "phone") == ["0241 12345"] and entry_values(el, "mobile") == ["0170 1234567"]
      and entry_values(el, "email") == ["m.mustermann@example.com"],
      f"onoffice-protocol §5.4: one phone, one mobile, one e-mail entry ({el})")
check(el["Telefon1"] == "0241 12345" and entry_values(el, "defaultphone") == ["0241 12345"] and
      el["Email"] == "m.mustermann@example.com", "onoffice-protocol §5.4: default_phone and the only e-mail are the main ones")
check(el["ArtDaten"] == ["Interessent"] and el["HerkunftKontakt"] == "|Immobilienportal|" and
      el["DSGVOStatus"] == "speicherungzugestimmt" and el["Status"] == "1",
      "onoffice-protocol §5.4: multiselects, DSGVOStatus, Status 1 by default")
check(near_now(el["Aenderung"]) and el["Eintragsdatum"] == el["Aenderung"][:10],
      f"onoffice-protocol §5.4: Aenderung is the emulator's now (Berlin), Eintragsdatum its date ({el['Aenderung']})")
check(el["Briefanrede"] == "Sehr geehrter Herr Mustermann," and el["KdNr"] == "201",
      "onoffice-protocol §5.4: Briefanrede derived, next KdNr")

# checkDuplicate + noOverrideByDuplicate (the same verbatim request again): a second address
r = res(doc_action(CREATE_5_4))
second = created_id(r)
dup_filter = {"email": [{"op": "=", "val": "m.mustermann@example.com"}]}
check(second == 202 and ids_of(act("read", "address", {"filter": dup_filter})) == [201, 202],
      "checkDuplicate with noOverrideByDuplicate: a new address; the duplicate stays as it was")
check(read_addr(201, ["Vorname"])["Vorname"] == "Max", "… and the existing one is not overwritten")

# checkDuplicate without noOverrideByDuplicate: the lowest id is updated, nothing created
before = count("address")
r = act("create", "address", {"Vorname": "Maximilian", "email": "M.Mustermann@Example.com",
                               "phone": "0241 99999", "ArtDaten": ["Kunde"],
                               "checkDuplicate": True})
el = read_addr(201, ["Vorname", "Name", "phone", "email", "Email", "Telefon1", "ArtDaten",
                     "Aenderung"])
check(created_id(r) == 201 and count("address") == before,
      "checkDuplicate without noOverrideByDuplicate answers the lowest duplicate's id, creates nothing")
check(el["Vorname"] == "Maximilian" and el["Name"] == "Mustermann" and el["ArtDaten"] == ["Kunde"],
      "… the given fields overwrite (multiselects replaced), the others stay")
check(entry_values(el, "phone") == ["0241 12345", "0241 99999"] and
      entry_values(el, "email") == ["m.mustermann@example.com"] and el["Telefon1"] == "0241 12345",
      f"… a new phone is added, the same e-mail (any case) is not doubled, defaults stay ({el})")
r = act("create", "address", {"Name": "Ohne Prüfung", "email": "m.mustermann@example.com"})
check(created_id(r) == 203, "without checkDuplicate the same e-mail makes a new address")
r = act("create", "address", {"Name": "Neu", "email": "neu@example.com", "checkDuplicate": True})
check(created_id(r) == 204, "checkDuplicate without a duplicate creates")

# every contact-data parameter, defaults, mobile typing
r = act("create", "address", {
    "Name": "Kontakt", "phone": "0241 1111", "phone_private": "0241 2222",
    "phone_business": "+49 171 2345678", "mobile": "0160 9876543",
    "email": "a@example.com", "email_private": "b@example.com", "email_business": "c@example.com",
    "fax": "0241 3333", "fax_private": "0241 4444", "fax_business": "0241 5555",
    "default_email": "c@example.com", "default_fax": "0241 4444"})
cid = created_id(r)
el = read_addr(cid, ["phone", "mobile", "email", "fax", "Email", "Telefon1", "Telefax1",
                     "defaultphone", "defaultemail", "defaultfax"])
check(entry_values(el, "phone") == ["0241 1111", "0241 2222"] and
      entry_values(el, "mobile") == ["+49 171 2345678", "0160 9876543"],
      f"phone_business holding a mobile number is typed mobile ({el})")
check(entry_values(el, "email") == ["a@example.com", "b@example.com", "c@example.com"] and
      entry_values(el, "fax") == ["0241 3333", "0241 4444", "0241 5555"], "all e-mails and faxes")
check(el["Email"] == "c@example.com" and el["Telefax1"] == "0241 4444" and
      el["Telefon1"] == "0241 1111", "default_email/default_fax chosen; without default_phone the first phone")
r = act("create", "address", {"Name": "Mobil", "phone": "0241 1", "mobile": "0170 7654321",
                              "default_phone": "0170 7654321"})
check(read_addr(created_id(r), ["Telefon1"])["Telefon1"] == "0170 7654321",
      "default_phone may name the mobile entry")

MOBILES = {"0170 1234567": True, "+49 (0)151 23456789": True, "0049-160-1234567": True,
           "+49 176/12345678": True, "0241 12345": False, "(0241) 123 45": False,
           "+43 664 1234567": False, "0180 5 123456": False, "030 12345678": False}
doc = emu.call(A, *[action("create", "address", {"Name": "M", "phone": n}) for n in MOBILES])
for (number, mobile), result in zip(MOBILES.items(), doc["response"]["results"]):
    el = read_addr(created_id(result), ["phone", "mobile"])
    got = entry_values(el, "mobile") == [number] and entry_values(el, "phone") == []
    check(got == mobile, f"'phone' {number!r} typed {'mobile' if mobile else 'phone'}")

# ---- create/address validation: each error, nothing written ----
before = count("address")
for params, want, what in (
        ({"Name": "X", "default_phone": "0241 0", "phone": "0241 1"}, 260, "default_phone not among the phones"),
        ({"Name": "X", "default_email": "x@y.z", "email": "a@b.c"}, 258, "default_email not among the e-mails"),
        ({"Name": "X", "default_fax": "1", "fax": "2"}, 258, "default_fax not among the faxes"),
        ({"Name": "X", "phone": ["0241 1", "0241 2"]}, 227, "phone as an array"),
        ({"Name": "X", "email": "a\nb@c.de"}, 300, "an e-mail with a control character"),
        ({"Name": "X", "Anrede": "Herrr"}, 252, "Anrede not configured"),
        ({"Name": "X", "Anrede": ["Herr"]}, 77, "Anrede as an array"),
        ({"Name": "X", "DSGVOStatus": "zugestimmt"}, 252, "DSGVOStatus not configured"),
        ({"Name": "X", "ArtDaten": "Interessent"}, 76, "ArtDaten as a string"),
        ({"Name": "X", "ArtDaten": ["Gibtsnicht"]}, 252, "ArtDaten key not configured"),
        ({"Name": "X", "HerkunftKontakt": ["|BOTTIMMO|"]}, 76, "a pipe-joined multiselect value"),
        ({"Name": "X", "Land": "Atlantis"}, 252, "Land unknown"),
        ({"Name": "X", "Land": "DE"}, 252, "Land as ISO-2"),
        ({"Name": "X", "Status": 2}, 252, "Status 2"),
        ({"Name": "X", "Geburtsdatum": "1970-01-01"}, 141, "a field the emulator does not have"),
        ({"Name": "X", "Email": "a@b.c"}, 141, "the read-only main field Email"),
        ({"Name": "X", "Vorname": "V" * 81}, 255, "Vorname longer than 80"),
        ({"Name": {"x": 1}}, 227, "Name as an object")):
    check(code("create", "address", params) == want, f"create: {what} → {want}")
check(count("address") == before, "refused creates wrote nothing")
for params, what in (({"Name": "Ok", "Land": "Österreich"}, "Land by German name"),
                     ({"Name": "Ok", "Land": "aut"}, "Land as ISO-3 in any case"),
                     ({"Name": "Ok", "Anrede": "Frau", "DSGVOStatus": "ignorieren",
                       "ArtDaten": ["indMulti1966Select5844", "Kunde"], "Status": 0,
                       "Plz": 52074, "Vorname": "V" * 80}, "configured keys, a numeric Plz, 80 characters")):
    r = act("create", "address", params)
    check(created_id(r) is not None, f"create: {what} works")
el = read_addr(count("address"), ["Land", "Status", "Plz", "ArtDaten"])
check(el == {"id": el["id"], "Land": None, "Status": "0", "Plz": "52074",
             "ArtDaten": ["indMulti1966Select5844", "Kunde"]}, f"… and reads back ({el})")
check(read_addr(count("address") - 1, ["Land"], countryIsoCodeType="ISO-3166-3")["Land"] == "AUT",
      "Land 'aut' is stored as AUT")

# mandatory fields (configurable; none by default)
st, cfg = emu.ctl("PUT", f"/_emu/customers/{web}/config", {"mandatory_fields": {"address": ["Name", "email"]}})
check(st == 200 and cfg["mandatory_fields"]["address"] == ["Name", "email"], "mandatory_fields configured")
check(code("create", "address", {"email": "m@x.de"}) == 254, "create without a mandatory Name → 254")
check(code("create", "address", {"Name": "M", "email": ""}) == 254, "an empty mandatory e-mail → 254")
check(created_id(act("create", "address", {"Name": "M", "email": "m@x.de"})) is not None,
      "with both mandatory fields → created")
check(code("modify", "address", {"Name": ""}, "201") == 254, "modify emptying a mandatory field → 254")
check(code("modify", "address", {"Ort": "Köln"}, "201") == 0, "modify leaving it alone works")
st, doc = emu.ctl("PUT", f"/_emu/customers/{web}/config", {"mandatory_fields": {"address": ["Nope"]}})
check(st == 400 and doc["error"]["field"].startswith("mandatory_fields"), "an unknown mandatory field → 400")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"mandatory_fields": {"address": [], "estate": []}})

# the clock offset moves Aenderung
real_now = emu_now()
emu.ctl("PUT", "/_emu/clock", {"offset_s": 86400})
r = act("create", "address", {"Name": "Morgen"}, sign_ts=int(time.time()) + 86400)
el = elements(act("read", "address", {"data": ["Aenderung"]}, str(created_id(r)),
                  sign_ts=int(time.time()) + 86400))
emu.ctl("PUT", "/_emu/clock", {"offset_s": 0})
shift = (datetime.datetime.strptime(el["Aenderung"], "%Y-%m-%d %H:%M:%S") - real_now).total_seconds()
check(abs(shift - 86400) <= 10, f"writes take Aenderung from the shifted clock ({el})")

# ================= modify/address (onoffice-protocol §5.5) =================
MODIFY_5_5 = r'''{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:modify","resourceid":32,"identifier":"","resourcetype":"address",
 "parameters":{"Strasse":"Hauptstr. 2","HerkunftKontakt":["Suchmaschine"],
   "phone":{"action":"modify","oldvalue":"0049 641 43681-272","newvalue":"0049 244 48453-311","default":true},
   "email":{"action":"add","newvalue":"max.mustermann982@beispiel.de"}}}'''
r = res(doc_action(MODIFY_5_5))
check(status_of(r) == 0 and r["resourceid"] == "32" and records(r) == [],
      f"onoffice-protocol §5.5 example: OK, resourceid echoed as \"32\" ({r['status']})")
el = read_addr(32, ["Strasse", "HerkunftKontakt", "phone", "email", "Telefon1", "Email", "Ort",
                    "Aenderung"])
check(el["Strasse"] == "Hauptstr. 2" and el["HerkunftKontakt"] == "|Suchmaschine|" and
      el["Ort"] == "Gießen", "onoffice-protocol §5.5: plain fields changed, others kept")
check(entry_values(el, "phone") == ["0049 244 48453-311"] and el["Telefon1"] == "0049 244 48453-311",
      "onoffice-protocol §5.5: the phone entry modified and the main one")
check(entry_values(el, "email") == ["max@example.org", "max.mustermann982@beispiel.de"] and
      el["Email"] == "max@example.org", "onoffice-protocol §5.5: the e-mail added; the existing default stays")
check(near_now(el["Aenderung"]), "onoffice-protocol §5.5: Aenderung set to now")
check(code("modify", "address", {"Ort": "Wetzlar"}, "32") == 0 and
      read_addr(32, ["Ort"])["Ort"] == "Wetzlar", "resourceid as a string works too")

# contact objects: add/modify/delete with defaults
def mod(params, rid="32"):
    return code("modify", "address", params, rid)


check(mod({"email": {"action": "add", "newvalue": "neu@beispiel.de", "default": True}}) == 0 and
      read_addr(32, ["Email"])["Email"] == "neu@beispiel.de", "add with default true → the new main e-mail")
check(mod({"email": {"action": "modify", "oldvalue": "neu@beispiel.de", "newvalue": "neu2@beispiel.de",
                     "default": False}}) == 0 and read_addr(32, ["Email"])["Email"] is None,
      "modify with default false → no main e-mail")
check(mod({"email": {"action": "modify", "oldvalue": "max@example.org", "newvalue": "max@example.org",
                     "default": True}}) == 0 and read_addr(32, ["Email"])["Email"] == "max@example.org",
      "modify with default true → main again")
check(mod({"email": {"action": "delete", "oldvalue": "max@example.org"}}) == 0,
      "delete the default e-mail")
el = read_addr(32, ["email", "Email"])
check(entry_values(el, "email") == ["max.mustermann982@beispiel.de", "neu2@beispiel.de"] and
      el["Email"] == "max.mustermann982@beispiel.de", "… the oldest remaining becomes the default")
check(mod({"phone": {"action": "add", "newvalue": "0172 5550000"}}) == 0 and
      entry_values(read_addr(32, ["mobile"]), "mobile") == ["0172 5550000"],
      "add under 'phone' with a mobile number → typed mobile")
check(mod({"phone": {"action": "modify", "oldvalue": "0172 5550000", "newvalue": "0241 5550000"}}) == 0
      and entry_values(read_addr(32, ["phone"]), "phone") == ["0049 244 48453-311", "0241 5550000"],
      "modify a mobile to a landline under 'phone' → typed phone")
check(mod({"fax_business": {"action": "add", "newvalue": "0241 9"}}) == 0 and
      read_addr(32, ["Telefax1"])["Telefax1"] == "0241 9", "the first fax becomes the main fax")
check(mod({"Land": "Frankreich"}) == 0 and
      read_addr(32, ["Land"], countryIsoCodeType="ISO-3166-3")["Land"] == "FRA", "modify: Land by name")

# ---- modify validation: each error, the record unchanged ----
mod({"phone": {"action": "add", "newvalue": "0241 77"}})
mod({"phone": {"action": "add", "newvalue": "0241 77"}})
SNAP = ["Strasse", "Land", "phone", "mobile", "email", "fax", "Telefon1", "Email", "Ort", "Aenderung"]
snapshot = read_addr(32, SNAP)
for params, want, what in (
        ({"phone": {"action": "modify", "oldvalue": "0000", "newvalue": "1"}}, 83, "oldvalue matching nothing"),
        ({"phone": {"action": "modify", "oldvalue": "0241 77", "newvalue": "1"}}, 87, "oldvalue matching two entries"),
        ({"phone": {"action": "delete", "oldvalue": "0241 77"}}, 87, "delete of an ambiguous entry"),
        ({"phone": {"newvalue": "1"}}, 81, "action missing"),
        ({"phone": {"action": "replace", "newvalue": "1"}}, 82, "action unknown"),
        ({"phone": {"action": "add"}}, 85, "add without newvalue"),
        ({"phone": {"action": "modify", "newvalue": "1"}}, 86, "modify without oldvalue"),
        ({"phone": {"action": "delete"}}, 86, "delete without oldvalue"),
        ({"phone": {"action": "add", "newvalue": 241}}, 300, "newvalue not a string"),
        ({"phone": "0241 1"}, 84, "a contact key without an object"),
        ({"phone": {"action": "delete", "oldvalue": "0241 5550000", "default": True}}, 259, "delete with default true"),
        ({"phone": {"action": "add", "newvalue": "1", "default": "maybe"}}, 259, "default not a flag"),
        ({"Land": "FRA"}, 252, "Land as ISO-3 on modify (names only)"),
        ({"Land": "FR"}, 252, "Land as ISO-2 on modify"),
        ({"Nope": 1}, 141, "an unknown field"),
        ({"checkDuplicate": True}, 141, "a create-only parameter"),
        ({"ArtDaten": ["Gibtsnicht"]}, 252, "an unknown ArtDaten key"),
        ({"Strasse": "Neue Str. 9", "phone": {"action": "modify", "oldvalue": "0000", "newvalue": "1"}}, 83,
         "a good field with a failing entry action (all or nothing)")):
    check(mod(params) == want, f"modify: {what} → {want}")
check(read_addr(32, SNAP) == snapshot, "refused modifies changed nothing (Aenderung included)")
for rid, want, what in (("999999", 80, "an unknown record"), ("", 79, "no resourceid"),
                        ("abc", 18, "a non-numeric resourceid")):
    check(code("modify", "address", {"Ort": "X"}, rid) == want, f"modify {what} → {want}")
check(code("modify", "address", {"Ort": "X"}, "32", creds=B) == 80, "another customer's address → 80")
check(read_addr(32, ["Ort"])["Ort"] == "Wetzlar", "… and it is unchanged")

# ================= create/estate (onoffice-protocol §7) =================
batch = [action("create", "estate", {"data": {"objektart": "wohnung", "objekttyp": "loft",
                                               "objektnr_extern": f"F-{i}"}}) for i in range(1, 102)]
made = []
for i in range(0, len(batch), 50):
    made += [created_id(x) for x in emu.call(A, *batch[i:i + 50])["response"]["results"]]
check(made == list(range(1, 102)), "101 estates created in batches, ids 1..101")
ESTATE_7 = r'''{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:create","resourceid":"","identifier":"","resourcetype":"estate",
 "parameters":{"data":{"objektart":"haus","objekttyp":"einfamilienhaus","nutzungsart":"wohnen","vermarktungsart":"kauf",
   "strasse":"Charlottenburger Allee","hausnummer":"5","plz":"52068","ort":"Aachen","land":"DEU",
   "breitengrad":"50.7762106","laengengrad":"6.0857545","status":1},
   "extendedclaim":"<apiClaim>"}}'''
r = res(doc_action(ESTATE_7))
check(created_id(r) == 102 and records(r)[0]["type"] == "estate",
      "onoffice-protocol §7 estate example: {\"id\":102,\"type\":\"estate\",\"elements\":[]} as documented")
FIELDS = ["Id", "objektart", "objekttyp", "nutzungsart", "vermarktungsart", "strasse", "hausnummer",
          "plz", "ort", "land", "breitengrad", "laengengrad", "status", "objektnr_extern",
          "kaufpreis", "erstellt_am", "geaendert_am"]
r = act("read", "estate", {"data": FIELDS}, "102")
el = elements(r)
check(status_of(r) == 0 and r["data"]["meta"]["cntabsolute"] == 1 and records(r)[0]["id"] == 102 and
      records(r)[0]["type"] == "estate", "read/estate by resourceid")
check({k: el[k] for k in FIELDS[:13]} == {
    "Id": "102", "objektart": "haus", "objekttyp": "einfamilienhaus", "nutzungsart": "wohnen",
    "vermarktungsart": "kauf", "strasse": "Charlottenburger Allee", "hausnummer": "5", "plz": "52068",
    "ort": "Aachen", "land": "Deutschland", "breitengrad": "50.7762106", "laengengrad": "6.0857545",
    "status": "1"}, f"onoffice-protocol §7: every field reads back as a string ({el})")
check(el["objektnr_extern"] is None and el["kaufpreis"] is None and near_now(el["erstellt_am"]),
      "unset fields are null; erstellt_am is now")
check(elements(act("read", "estate", {"data": ["land"], "countryIsoCodeType": "ISO-3166-3"}, "102"))
      ["land"] == "DEU", "land with countryIsoCodeType ISO-3166-3 → DEU")

r = act("create", "estate", {"data": {"objektart": "wohnung", "objekttyp": "penthouse",
                                      "objektnr_extern": "IMMOSYNC-Ab12", "breitengrad": 50.5,
                                      "laengengrad": -6, "kaufpreis": 250000, "baujahr": "1974",
                                      "verkauft": True, "status": "2"}})
marker_id = created_id(r)
check(marker_id == 103, "numbers as JSON numbers, booleans, status 2 accepted")
for val in ("IMMOSYNC-Ab12", "immosync-ab12"):
    r = act("read", "estate", {"data": ["objektnr_extern", "breitengrad", "laengengrad", "kaufpreis",
                                        "baujahr", "verkauft", "status"],
                               "filter": {"objektnr_extern": [{"op": "=", "val": val}]}})
    check(ids_of(r) == [103] and elements(r) == {
        "objektnr_extern": "IMMOSYNC-Ab12", "breitengrad": "50.5", "laengengrad": "-6",
        "kaufpreis": "250000", "baujahr": "1974", "verkauft": "1", "status": "2"},
          f"filter objektnr_extern = {val!r} finds the marked estate ({elements(r) if records(r) else r['status']})")
r = act("read", "estate", {"filter": {"Id": [{"op": "=", "val": 102}]}, "data": ["ort"]})
check(ids_of(r) == [102], "filter Id = 102")
r = act("read", "estate", {"filter": {"objektart": [{"op": "=", "val": "wohnung"}],
                                      "kaufpreis": [{"op": ">", "val": 100000}]}})
check(ids_of(r) == [103], "filters combine (objektart, a number)")
check(ids_of(act("read", "estate", {"recordids": [103, "102", 999999]})) == [102, 103] and
      act("read", "estate", {"recordids": [], "listlimit": 0})["data"]["meta"]["cntabsolute"] == 103,
      "recordids select estates ([] means all, as for addresses)")
r = act("read", "estate", {"sortby": "Id", "sortorder": "DESC", "listlimit": 2, "listoffset": 1})
check(ids_of(r) == [102, 101] and r["data"]["meta"]["cntabsolute"] == 103, "sort and paging")
for params, want, what in (({"data": ["zimmerzahl"]}, 141, "an unknown data field"),
                           ({"filter": {"nope": [{"op": "=", "val": 1}]}}, 141, "an unknown filter field"),
                           ({"sortby": "nope"}, 212, "an unknown sort field"),
                           ({"listlimit": -1}, 255, "a negative listlimit")):
    check(code("read", "estate", params) == want, f"read/estate: {what} → {want}")
check(records(act("read", "estate", {"data": ["ort"]}, "102", creds=B)) == [],
      "another customer does not see the estate")

before = count("estate")
for params, want, what in (
        ({"data": {"objektart": "schloss"}}, 252, "objektart not configured"),
        ({"data": {"objektart": "haus", "objekttyp": "carport"}}, 252, "objekttyp of another kind"),
        ({"data": {"objektart": "haus", "objekttyp": "burg"}}, 252, "objekttyp unknown"),
        ({"data": {"objekttyp": "villa"}}, 254, "objekttyp without objektart"),
        ({"data": {"land": "DE"}}, 252, "land as ISO-2"),
        ({"data": {"land": "Deutschland"}}, 252, "land as a name"),
        ({"data": {"status": 3}}, 252, "status 3"),
        ({"data": {"vermarktungsart": ["kauf"]}}, 77, "a singleselect as an array"),
        ({"data": {"nutzungsart": "freizeit"}}, 252, "nutzungsart unknown"),
        ({"data": {"breitengrad": "north"}}, 229, "a coordinate that is no number"),
        ({"data": {"breitengrad": 95}}, 255, "a latitude beyond 90"),
        ({"data": {"baujahr": "1974a"}}, 228, "an integer field with letters"),
        ({"data": {"verkauft": "ja"}}, 255, "a boolean field with a word"),
        ({"data": {"objektnr_extern": "X" * 41}}, 255, "objektnr_extern longer than 40"),
        ({"data": {"zimmerzahl": 3}}, 143, "an unknown estate field"),
        ({"objektart": "haus"}, 143, "a field outside data"),
        ({}, 255, "no data")):
    check(code("create", "estate", params) == want, f"create/estate: {what} → {want}")
check(count("estate") == before, "refused estate creates wrote nothing")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"mandatory_fields": {"estate": ["objektnr_extern"]}})
check(code("create", "estate", {"data": {"objektart": "haus"}}) == 254, "a configured mandatory estate field → 254")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"mandatory_fields": {"address": [], "estate": []}})

# ================= create/agentslog (onoffice-protocol §6) =================
AGENTSLOG_6 = r'''{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:create","resourceid":"","identifier":"","resourcetype":"agentslog",
 "parameters":{"addressids":[34],"estateid":41,"actionkind":"Email","actiontype":"Ausgang",
   "note":"Vertragsunterlagen versendet","datetime":"2021-02-08 11:13:30","origincontact":"immobilienscout24_system",
   "extendedclaim":"<apiClaim>"}}'''
r = res(doc_action(AGENTSLOG_6))
log_id = created_id(r)
check(log_id == 1 and records(r)[0]["type"] == "agentsLog",
      f"onoffice-protocol §6 example: {{\"id\": …, \"type\": \"agentsLog\", \"elements\": []}} ({records(r) if status_of(r) == 0 else r['status']})")
LOG_DATA = ["Objekt_nr", "Adress_nr", "Aktionsart", "Aktionstyp", "Datum", "Bemerkung",
            "HerkunftKontakt", "merkmal", "Nr", "created"]
r = act("read", "agentslog", {"addressid": [34], "data": LOG_DATA})
check(status_of(r) == 0 and ids_of(r) == [log_id] and records(r)[0]["type"] == "agentslog",
      "read/agentslog by addressid: type agentslog (lower case on read)")
el = elements(r)
check({k: el[k] for k in LOG_DATA[:9]} == {
    "Objekt_nr": ["41"], "Adress_nr": ["34"], "Aktionsart": "Email", "Aktionstyp": "Ausgang",
    "Datum": "2021-02-08 11:13:30", "Bemerkung": "Vertragsunterlagen versendet",
    "HerkunftKontakt": "immobilienscout24_system", "merkmal": None, "Nr": str(log_id)},
      f"onoffice-protocol §6: the entry reads back, Objekt_nr as an array ({el})")
check(near_now(el["created"]), "created is now")
check(ids_of(act("read", "agentslog", {"estateid": 41, "data": ["Nr"]})) == [log_id],
      "read by estateid (a scalar, as the docs' read example sends it)")

r = act("create", "agentslog", {"addressids": [34, 153, 34], "actionkind": "Notiz",
                                "note": "Zwei Adressen\nzweite Zeile"})
two = created_id(r)
r34 = act("read", "agentslog", {"addressid": [34], "data": ["Datum", "Bemerkung", "Aktionstyp"]})
r153 = act("read", "agentslog", {"addressid": [153], "data": ["Adress_nr", "Objekt_nr"]})
check(two == 2 and ids_of(r34) == [2, 1] and ids_of(r153) == [3],
      "every address gets its own entry (a repeated id once); the answer names the first; "
      "newest first by default")
check(elements(r34)["Bemerkung"] == "Zwei Adressen\nzweite Zeile" and near_now(elements(r34)["Datum"])
      and elements(r34)["Aktionstyp"] == "", "without datetime the entry is dated now; a kind without types")
check(elements(r153) == {"Adress_nr": ["153"], "Objekt_nr": []}, "an entry without estate: Objekt_nr []")
r = act("create", "agentslog", {"estateid": 102, "actionkind": "Telefonat", "actiontype": "Eingang"})
check(created_id(r) == 4 and elements(act("read", "agentslog", {"estateid": [102], "data": ["Adress_nr"]}))
      == {"Adress_nr": []}, "an entry with an estate only")

before = count("agentslog")
for params, want, what in (
        ({"actionkind": "Email"}, 98, "neither addressids nor estateid"),
        ({"addressids": [], "actionkind": "Email"}, 98, "empty addressids and no estate"),
        ({"addressids": 34, "actionkind": "Email"}, 99, "addressids not an array"),
        ({"addressids": ["x"], "actionkind": "Email"}, 99, "addressids with a word"),
        ({"addressids": [999999], "actionkind": "Email"}, 80, "an unknown address"),
        ({"addressids": [34], "estateid": 999999, "actionkind": "Email"}, 80, "an unknown estate"),
        ({"addressids": [34], "estateid": "abc", "actionkind": "Email"}, 228, "estateid not a number"),
        ({"addressids": [34]}, 254, "no actionkind"),
        ({"addressids": [34], "actionkind": "Fax"}, 100, "an unknown actionkind"),
        ({"addressids": [34], "actionkind": "Email", "actiontype": "Seitwärts"}, 101, "an unknown actiontype"),
        ({"addressids": [34], "actionkind": "Notiz", "actiontype": "Eingang"}, 101, "a type of another kind"),
        ({"addressids": [34], "actionkind": "Email", "origincontact": "Zeitung"}, 220, "an unknown origincontact"),
        ({"addressids": [34], "actionkind": "Email", "features": ["x"]}, 221, "a feature"),
        ({"addressids": [34], "actionkind": "Email", "datetime": "08.02.2021"}, 255, "a German date"),
        ({"addressids": [34], "actionkind": "Email", "note": ["x"]}, 227, "note not a string")):
    check(code("create", "agentslog", params) == want, f"create/agentslog: {what} → {want}")
check(count("agentslog") == before, "refused agents-log creates wrote nothing")
check(code("create", "agentslog", {"addressids": [34], "actionkind": "Email"}, creds=B) == 80,
      "another customer's address → 80")
check(created_id(act("create", "agentslog", {"addressids": ["153"], "actionkind": "Brief",
                                             "actiontype": "Eingang", "features": []})) == 5,
      "positive control: ids as digit strings, empty features")

r = act("read", "agentslog", {"filter": {"Aktionsart": [{"op": "=", "val": "email"}]}, "data": ["Nr"]})
check(ids_of(r) == [1], "filter Aktionsart (case-insensitive)")
r = act("read", "agentslog", {"filter": {"Datum": [{"op": "between", "val": ["2021-01-01", "2021-12-31 23:59:59"]}]}})
check(ids_of(r) == [1], "filter Datum between")
r = act("read", "agentslog", {"sortby": {"Datum": "ASC"}, "listlimit": 2})
check(ids_of(r) == [1, 2] and r["data"]["meta"]["cntabsolute"] == 5, "sortby object, listlimit")
r = act("read", "agentslog", {"filter": {"Bemerkung": [{"op": "like", "val": "%ZWEI%"}]}})
check(ids_of(r) == [3, 2], "filter Bemerkung like, case-insensitive")
for params, want, what in (({"data": ["Nope"]}, 141, "an unknown data field"),
                           ({"filter": {"Adress_nr": [{"op": "=", "val": 34}]}}, 141,
                            "a filter on Adress_nr (not filterable per the docs)"),
                           ({"sortby": "Nope"}, 212, "an unknown sort field"),
                           ({"addressid": ["x"]}, 185, "a bad addressid")):
    check(code("read", "agentslog", params) == want, f"read/agentslog: {what} → {want}")
check(count("agentslog", creds=B) == 0, "another customer sees no entries")
check(ids_of(act("read", "agentslog", {"addressid": []})) == [], "addressid [] matches nothing")

# ================= create/relation + get/idsfromrelation (onoffice-protocol §7) =================
OWNER = "urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:owner"
RELATION_7 = r'''{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:create","resourceid":"","identifier":"","resourcetype":"relation",
 "parameters":{"relationtype":"urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:owner",
   "parentid":[102],"childid":[181],"extendedclaim":"<apiClaim>"}}'''
r = res(doc_action(RELATION_7))
check(status_of(r) == 0 and records(r) == [] and r["data"]["meta"]["cntabsolute"] is None,
      "onoffice-protocol §7 relation example: OK, records [] (the body is undocumented)")


def related(params, creds=A):
    r = act("get", "idsfromrelation", dict({"relationtype": OWNER}, **params), creds=creds)
    if status_of(r):
        return ("error", status_of(r))
    recs = records(r)
    return recs[0]["elements"] if len(recs) == 1 and recs[0]["id"] == "relatedIds" else ("shape", recs)


check(related({"parentids": [102]}) == {"102": [181]}, "idsfromrelation parentids → {estate: [owners]}")
check(related({"childids": [181]}) == {"181": [102]}, "idsfromrelation childids → {address: [estates]}")
check(code("create", "relation", {"relationtype": OWNER, "parentid": [102], "childid": [34, 153]}) == 0
      and related({"parentids": [102]}) == {"102": [181, 34, 153]}, "1:n (one estate, several owners)")
check(code("create", "relation", {"relationtype": OWNER, "parentid": [41, 103], "childid": [32]}) == 0
      and related({"childids": [32, "34"]}) == {"32": [41, 103], "34": [102]}, "n:1 (several estates, one owner)")
check(code("create", "relation", {"relationtype": OWNER, "parentid": 102, "childid": 181}) == 0
      and related({"parentids": [102]}) == {"102": [181, 34, 153]}, "an existing relation is kept once")
check(related({"parentids": [1]}) == [], "no relation: elements [] (PHP's empty array)")
buyer = OWNER.replace("owner", "buyer")
check(code("create", "relation", {"relationtype": buyer, "parentid": [1], "childid": [2]}) == 0 and
      related({"parentids": [1], "relationtype": buyer}) == {"1": [2]} and related({"parentids": [1]}) == [],
      "relation types are separate")
snapshot = related({"parentids": [102, 41, 1, 103]})
for params, want, what in (
        ({"relationtype": OWNER, "parentid": [41, 102], "childid": [34, 153]}, 219, "n:n"),
        ({"relationtype": OWNER, "parentid": [999999], "childid": [34]}, 173, "an unknown estate"),
        ({"relationtype": OWNER, "parentid": [102], "childid": [999999]}, 173, "an unknown address"),
        ({"relationtype": OWNER, "parentid": [181], "childid": [102]}, 173, "parent and child swapped"),
        ({"relationtype": OWNER, "parentid": [], "childid": [34]}, 173, "no parent"),
        ({"relationtype": OWNER, "childid": [34]}, 173, "parentid missing"),
        ({"relationtype": OWNER + "X", "parentid": [102], "childid": [34]}, 132, "an unknown relationtype"),
        ({"parentid": [102], "childid": [34]}, 132, "no relationtype"),
        ({"relationtype": OWNER, "parentid": [102], "childid": [32],
          "relationinfo": {"statusTerminbestaetigung": "gecancelt"}}, 179, "relationinfo on an estate relation")):
    check(code("create", "relation", params) == want, f"create/relation: {what} → {want}")
check(related({"parentids": [102, 41, 1, 103]}) == snapshot, "refused relations wrote nothing")
check(code("create", "relation", {"relationtype": OWNER, "parentid": [102], "childid": [34]}, creds=B) == 173,
      "another customer's estate → 173")
for params, want, what in (({"parentids": [102], "childids": [34]}, 255, "both parentids and childids"),
                           ({}, 255, "neither"), ({"parentids": 102}, 74, "parentids not an array"),
                           ({"parentids": ["x"]}, 185, "a bad id"),
                           ({"parentids": [102], "relationtype": "x"}, 132, "an unknown relationtype")):
    check(related(params) == ("error", want), f"idsfromrelation: {what} → {want}")
check(related({"parentids": [102]}, creds=B) == [], "another customer sees no relations")

# ================= create/searchcriteria (onoffice-protocol §8.1) + get/searchcriterias (onoffice-protocol §8.2) =================
SC_8_1 = r'''{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:create","resourceid":"","identifier":"","resourcetype":"searchcriteria",
 "parameters":{"addressid":153,"data":{"objektart":"haus","objekttyp":["einfamilienhaus"],"vermarktungsart":"kauf",
   "kaufpreis__von":"50000","kaufpreis__bis":"100000","anzahl_zimmer__von":"3","wohnflaeche__von":"90",
   "range_plz":"52068","range_ort":"Aachen","range_land":"DEU","range":"25","krit_bemerkung":"via connector"},
   "extendedclaim":"<apiClaim>"}}'''
r = res(doc_action(SC_8_1))
sc_id = created_id(r)
check(sc_id == 1 and records(r)[0]["type"] == "searchCriteria",
      "onoffice-protocol §8.1 example: {\"id\":…,\"type\":\"searchCriteria\",\"elements\":[]}")


def criteria(params, creds=A):
    r = act("get", "searchcriterias", params, creds=creds)
    return ("error", status_of(r)) if status_of(r) else records(r)


recs = criteria({"mode": "internal", "ids": [153]})
check(len(recs) == 1 and recs[0]["id"] == sc_id and recs[0]["type"] == "searchcriteria",
      "get/searchcriterias mode internal by address id")
el = recs[0]["elements"]
meta = el.pop("_meta", {})
check(el == {"objektart": ["haus"], "objekttyp": ["einfamilienhaus"], "vermarktungsart": ["kauf"],
             "range_kaufpreis": ["50000", "100000"], "range_anzahl_zimmer": ["3", None],
             "range_wohnflaeche": ["90", None], "krit_bemerkung": "via connector",
             "Range": {"range_plz": "52068", "range_ort": "Aachen", "range_strasse": None,
                       "range_hausnummer": None, "range": "25", "range_land": "DEU",
                       "range_breitengrad": None, "range_laengengrad": None}},
      f"onoffice-protocol §8.2 shape: selects as arrays, ranges as range_<field>: [von, bis], Range block ({el})")
check(meta.get("internaladdressid") == "153" and meta.get("externaladdressid") == "153" and
      meta.get("status") == "1" and meta.get("kocriterias") == [] and near_now(meta.get("creationdate", "x"))
      and set(meta) == {"internaladdressid", "externaladdressid", "kocriterias", "advisor", "creator",
                        "creationdate", "editdate", "status", "publicnote", "characteristic"},
      f"_meta holds the documented keys ({meta})")
check([x["id"] for x in criteria({"mode": "searchcriteria", "ids": [sc_id]})] == [sc_id] and
      [x["id"] for x in criteria({"mode": "external", "ids": ["153"]})] == [sc_id],
      "modes searchcriteria (criterion ids) and external (KdNr)")
r = act("create", "searchcriteria", {"adressid": 34, "data": {
    "vermarktungsart": "miete", "kaltmiete": [500, "900.50"], "nutzungsart": ["wohnen"],
    "krit_bemerkung_oeffentlich": "öffentlich", "advisor": 7}})
second_sc = created_id(r)
el = criteria({"mode": "internal", "ids": [34]})[0]["elements"]
check(second_sc == 2 and el["range_kaltmiete"] == ["500", "900.50"] and el["nutzungsart"] == ["wohnen"]
      and "Range" not in el and el["_meta"]["publicnote"] == "öffentlich" and el["_meta"]["advisor"] == "7",
      f"adressid spelling, the [von, bis] range form, publicnote and advisor in _meta ({el})")
check([x["id"] for x in criteria({"mode": "internal", "ids": [153, 34], "listlimit": 1, "listoffset": 1})]
      == [2], "paging over several addresses")

emu.ctl("PUT", f"/_emu/customers/{web}/config", {"search_fields": {"anzahl_zimmer": False, "Umkreis": False}})
before = len(criteria({"mode": "internal", "ids": [153, 34, 181]}))
for params, want, what in (
        ({"addressid": 181, "data": {"anzahl_zimmer__von": "3"}}, 141, "a field switched off"),
        ({"addressid": 181, "data": {"range_plz": "52068"}}, 141, "Umkreis switched off"),
        ({"addressid": 181, "data": {"objektart__von": "haus"}}, 141, "__von on a field that is no range"),
        ({"addressid": 181, "data": {"kamin": True}}, 141, "an unknown field"),
        ({"addressid": 181, "objektart": "haus", "data": {}}, 141, "a field outside data"),
        ({"addressid": 181, "data": {"objektart": "schloss"}}, 252, "objektart not configured"),
        ({"addressid": 181, "data": {"objektart": "haus", "objekttyp": ["carport"]}}, 252, "objekttyp of another kind"),
        ({"addressid": 181, "data": {"objekttyp": "villa"}}, 76, "a multiselect as a string"),
        ({"addressid": 181, "data": {"vermarktungsart": ["kauf"]}}, 77, "a singleselect as an array"),
        ({"addressid": 181, "data": {"kaufpreis__von": "viel"}}, 229, "a price that is no number"),
        ({"addressid": 181, "data": {"kaufpreis": "100000"}}, 255, "a range field as a scalar"),
        ({"addressid": 999999, "data": {"objektart": "haus"}}, 80, "an unknown address"),
        ({"data": {"objektart": "haus"}}, 254, "no addressid"),
        ({"addressid": 181, "adressid": 34, "data": {}}, 255, "addressid and adressid disagree"),
        ({"addressid": 181}, 255, "no data")):
    check(code("create", "searchcriteria", params) == want, f"create/searchcriteria: {what} → {want}")
check(len(criteria({"mode": "internal", "ids": [153, 34, 181]})) == before, "refused criteria wrote nothing")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"search_fields": {"anzahl_zimmer": True, "Umkreis": True}})
check(created_id(act("create", "searchcriteria", {"addressid": 181, "data": {
    "anzahl_zimmer__von": 2, "range_plz": "52062", "range_land": "DEU", "range": 10}})) == 3,
      "positive control: switched back on, numbers as numbers")
check(code("create", "searchcriteria", {"addressid": 181, "data": {"range_land": "DE"}}) == 252,
      "range_land as ISO-2 → 252")
for params, want, what in (({"mode": "frobnicate", "ids": [1]}, 204, "an unknown mode"),
                           ({"ids": [1]}, 204, "no mode"),
                           ({"mode": "filter", "filter": {}}, 199, "mode filter (not emulated)"),
                           ({"mode": "internal", "ids": 153}, 74, "ids not an array"),
                           ({"mode": "internal", "ids": [153], "sortby": "nope"}, 212, "an unknown sort field")):
    check(criteria(params) == ("error", want), f"get/searchcriterias: {what} → {want}")
check(criteria({"mode": "internal", "ids": [153]}, creds=B) == [], "another customer sees no criteria")

# ================= fault mode "after": the write happens, the answer fails =================
c0 = emu.ctl("GET", "/_emu/counters")[1]
emu.ctl("PUT", "/_emu/faults", {"mode": "after", "error_next": 1})
doc = emu.call(A, action("create", "address", {"Name": "Ungewiss", "email": "uncertain@example.com"}))
check(doc["status"]["code"] == 500 and doc["response"] == [], f"mode after: the injected error comes back ({doc['status']})")
r = act("read", "address", {"filter": {"email": [{"op": "=", "val": "uncertain@example.com"}]},
                            "data": ["Name"]})
check(len(records(r)) == 1 and elements(r)["Name"] == "Ungewiss", "… and the address exists (lookup finds it)")
c1 = emu.ctl("GET", "/_emu/counters")[1]
check(c1["requests"].get("create/address", 0) - c0["requests"].get("create/address", 0) == 1 and
      c1["faults"]["error"] - c0["faults"]["error"] == 1, "counters count the write and the fault")
emu.ctl("PUT", "/_emu/faults", {"mode": "after", "drop_next": 1})
dropped = False
try:
    emu.call(A, action("create", "estate", {"data": {"objektart": "haus", "objektnr_extern": "DROP-1"}}))
except (http.client.HTTPException, ConnectionError, OSError):
    dropped = True
r = act("read", "estate", {"filter": {"objektnr_extern": [{"op": "=", "val": "DROP-1"}]}})
c2 = emu.ctl("GET", "/_emu/counters")[1]
check(dropped and len(ids_of(r)) == 1, "mode after with a drop: no answer, the estate exists")
check(c2["faults"]["drop"] - c1["faults"]["drop"] == 1 and
      c2["requests"].get("create/estate", 0) - c1["requests"].get("create/estate", 0) == 1,
      "counters count the dropped write")
emu.ctl("PUT", "/_emu/faults", {"mode": "after", "error_next": 1})
doc = emu.call(A, action("create", "agentslog", {"addressids": [34], "actionkind": "Notiz",
                                                 "note": "after-fault"}))
check(doc["status"]["code"] == 500 and ids_of(act("read", "agentslog", {
    "filter": {"Bemerkung": [{"op": "=", "val": "after-fault"}]}})) != [],
      "mode after on an agents-log create: error answer, entry written")
emu.ctl("PUT", "/_emu/faults", {"mode": "before", "error_next": 1})
doc = emu.call(A, action("create", "address", {"Name": "Nie", "email": "never@example.com"}))
r = act("read", "address", {"filter": {"email": [{"op": "=", "val": "never@example.com"}]}})
check(doc["status"]["code"] == 500 and records(r) == [], "control: mode before writes nothing")
emu.ctl("PUT", "/_emu/faults", {})

# ================= persistence across a restart =================
state = (read_addr(201, ["Vorname", "phone", "email"]), read_addr(32, ["Strasse", "phone", "email", "Land"]),
         elements(act("read", "estate", {"data": FIELDS[:13]}, "102")), count("estate"),
         count("agentslog"), related({"parentids": [102, 41, 103]}),
         criteria({"mode": "internal", "ids": [153, 34, 181]}))
emu.restart()
after = (read_addr(201, ["Vorname", "phone", "email"]), read_addr(32, ["Strasse", "phone", "email", "Land"]),
         elements(act("read", "estate", {"data": FIELDS[:13]}, "102")), count("estate"),
         count("agentslog"), related({"parentids": [102, 41, 103]}),
         criteria({"mode": "internal", "ids": [153, 34, 181]}))
check(after == state, "addresses, entries, estates, agents log, relations and criteria survive a restart")
check(created_id(act("create", "estate", {"data": {"objektart": "haus"}})) == count("estate"),
      "ids continue after a restart")
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")
finish()
