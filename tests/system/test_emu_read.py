"""onoffice-emu read/address (onoffice-protocol §5.2): the documented requests verbatim, every
filter operator and alias, multiselect semantics, all-entries phone/email vs the main ones,
contact-entry keys, sorting with the id tie-break, paging, listlimit over 500,
countryIsoCodeType, formatoutput, and every error path with a positive control."""
import json

from emu_util import Emu, ids_of, read_address, records, signed, status_of
from harness import check, finish

emu = Emu()
cust = emu.customer()
web = cust["customer_web_id"]
F = [
    {"Anrede": "Herr", "Vorname": "Max", "Name": "Mustermann", "Strasse": "Hauptstr. 2",
     "Plz": "52074", "Ort": "Aachen", "Land": "DEU", "ArtDaten": ["Interessent"],
     "HerkunftKontakt": ["Immobilienportal"], "DSGVOStatus": "speicherungzugestimmt",
     "Aenderung": "2025-01-01 10:00:00",
     "contacts": [{"type": "email", "value": "max@example.com", "default": True},
                  {"type": "email", "value": "max.privat@example.org", "comment": "privat"},
                  {"type": "phone", "value": "0241 12345", "default": True, "comment": "Büro"},
                  {"type": "mobile", "value": "0170 1234567"},
                  {"type": "fax", "value": "0241 12346"}]},
    {"Anrede": "Frau", "Vorname": "Erika", "Name": "Müller", "Strasse": "Zollernstraße 5",
     "Plz": "10115", "Ort": "Berlin", "Land": "DEU", "ArtDaten": ["Eigentümer", "Interessent"],
     "HerkunftKontakt": ["BOTTIMMO", "Empfehlung"], "DSGVOStatus": "speicherungwiderrufen",
     "Aenderung": "2025-01-01 10:00:00",
     "contacts": [{"type": "email", "value": "erika@example.com", "default": True},
                  {"type": "mobile", "value": "+49 171 2345678", "default": True}]},
    {"Anrede": "Herr", "Vorname": "Moritz", "Name": "Mustermax", "Strasse": "Mustergasse 1",
     "Plz": "50000", "Ort": "Musterhausen", "Land": "AUT", "ArtDaten": [], "DSGVOStatus": "",
     "Status": 0, "Aenderung": "2024-06-30 23:59:59",
     "contacts": [{"type": "email", "value": "max@example.com"}]},
    {"Anrede": "Firma", "Name": "Schmidt", "Zusatz1": "Schmidt Immobilien GmbH",
     "Strasse": "Am Markt 3", "Plz": "8001", "Ort": "Zürich", "Land": "CHE",
     "ArtDaten": ["Systembenutzer"], "DSGVOStatus": "ignorieren",
     "Aenderung": "2025-03-15 08:30:00"},
    {"Vorname": "max", "Name": "MÜLLER", "Land": "DEU", "ArtDaten": ["Kunde"],
     "DSGVOStatus": "speicherungzugestimmt", "Aenderung": "2025-01-01 10:00:00",
     "contacts": [{"type": "phone", "value": "0241 12345"}]},
    {"Vorname": "Ännchen", "Name": "Özdemir", "Ort": "Köln", "Plz": "50667", "Land": "DEU",
     "ArtDaten": ["Interessent Kauf"], "Aenderung": "2025-02-01 00:00:00"},
]
I = emu.fixtures(web, F)
ALL = set(I)


def read(params, resourceid=""):
    return emu.result(cust, read_address(params, resourceid))


def q(field, op, val, data=("Name",)):
    """The sorted ids matching one filter expression (None on an error result)."""
    res = read({"data": list(data), "filter": {field: [{"op": op, "val": val}]}, "listlimit": 500})
    return sorted(ids_of(res)) if status_of(res) == 0 else ("error", status_of(res))


def want(*idx):
    return sorted(I[i] for i in idx)


# ---- onoffice-protocol §5.2 example, verbatim ----
EXAMPLE_52 = json.loads("""
{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:read","resourceid":"","identifier":"","resourcetype":"address",
 "parameters":{"data":["Vorname","Name","Email","Telefon1","Strasse","Plz","Ort","Land","ArtDaten","HerkunftKontakt","DSGVOStatus","Aenderung"],
   "filter":{"Aenderung":[{"op":">=","val":"2025-01-01 00:00:00"}]},
   "listlimit":500,"listoffset":0,"sortby":"Aenderung","sortorder":"ASC","countryIsoCodeType":"ISO-3166-3"}}
""")
res = emu.result(cust, EXAMPLE_52)
check(status_of(res) == 0 and ids_of(res) == [I[0], I[1], I[4], I[5], I[3]],
      "onoffice-protocol §5.2 example: changed since 2025-01-01, by Aenderung then id")
check(res["data"]["meta"]["cntabsolute"] == 5, "onoffice-protocol §5.2 example: cntabsolute 5")
el = records(res)[0]["elements"]
check(el == {"id": I[0], "Vorname": "Max", "Name": "Mustermann", "Email": "max@example.com",
             "Telefon1": "0241 12345", "Strasse": "Hauptstr. 2", "Plz": "52074", "Ort": "Aachen",
             "Land": "DEU", "ArtDaten": ["Interessent"], "HerkunftKontakt": "|Immobilienportal|",
             "DSGVOStatus": "speicherungzugestimmt", "Aenderung": "2025-01-01 10:00:00"},
      "onoffice-protocol §5.2 example: the elements of the first record")
check(records(res)[4]["elements"]["Land"] == "CHE", "onoffice-protocol §5.2 example: ISO-3166-3 country codes")

# ---- onoffice-protocol §2.3 example (Marketplace-style read), verbatim ----
EXAMPLE_23 = json.loads("""
{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:read","resourceid":"","identifier":"","resourcetype":"address",
 "parameters":{"data":["Vorname","Name","Ort"],"filter":{"Vorname":[{"op":"=","val":"Max"}]},
               "sortby":"Strasse","sortorder":"DESC","extendedclaim":"wvuYzNlafLh1KvHsp…"}}
""")
res = emu.result(cust, EXAMPLE_23)
check(status_of(res) == 0 and ids_of(res) == [I[0], I[4]],
      "onoffice-protocol §2.3 example: Vorname = Max (case-insensitive) sorted by Strasse DESC, empty last")
check(records(res)[1]["elements"] == {"id": I[4], "Vorname": "max", "Name": "MÜLLER", "Ort": None},
      "onoffice-protocol §2.3 example: an empty field is null")

# ---- every operator and alias ----
A = "Aenderung"
cases = [
    ("Plz", "=", "52074", want(0)), ("Plz", "is", "52074", want(0)), ("Plz", "IS", "52074", want(0)),
    (A, ">", "2025-01-01 10:00:00", want(3, 5)), (A, "<", "2025-01-01", want(2)),
    (A, ">=", "2025-02-01 00:00:00", want(3, 5)), (A, "<=", "2025-01-01 10:00:00", want(0, 1, 2, 4)),
    (A, "=", "2025-01-01 10:00:00", want(0, 1, 4)),
    ("Status", "!=", 0, want(0, 1, 3, 4, 5)), ("Status", "<>", "0", want(0, 1, 3, 4, 5)),
    ("Status", "=", 0, want(2)),
    (A, "between", ["2025-01-01 00:00:00", "2025-02-01 00:00:00"], want(0, 1, 4, 5)),
    (A, "BETWEEN", ["2025-01-01", "2025-01-31"], want(0, 1, 4)),
    ("Plz", "between", ["50000", "52074"], want(0, 2, 5)),
    ("Name", "like", "Muster%", want(0, 2)), ("Name", "LIKE", "%ller", want(1, 4)),
    ("Name", "not like", "Muster%", want(1, 3, 4, 5)), ("Name", "NOT LIKE", "%ller", want(0, 2, 3, 5)),
    ("Vorname", "IN", ["Max", "Moritz"], want(0, 2, 4)), ("Vorname", "in", ["Erika"], want(1)),
    ("Vorname", "not in", ["Max", "Moritz"], want(1, 3, 5)), ("Vorname", "NOT IN", [], sorted(ALL)),
    ("Vorname", "in", [], []),
    ("Vorname", "=", "ÄNNCHEN", want(5)), ("Name", "=", "müller", want(1, 4)),
    ("Ort", "=", "zürich", want(3)),
    ("Land", "=", "Österreich", want(2)), ("Land", "=", "AT", want(2)), ("Land", "=", "aut", want(2)),
    ("Land", "in", ["CHE", "Deutschland"], want(0, 1, 3, 4, 5)),
    ("DSGVOStatus", "!=", "speicherungzugestimmt", want(1, 2, 3, 5)),
    ("DSGVOStatus", "=", "", want(2, 5)), ("Zusatz1", "!=", "", want(3)),
    ("Zusatz1", "=", None, want(0, 1, 2, 4, 5)),
    ("Anrede", "=", "herr", want(0, 2)), ("Id", ">", I[3], want(4, 5)),
    ("Id", "in", [I[1], str(I[2])], want(1, 2)),
]
for field, op, val, expect in cases:
    got = q(field, op, val)
    check(got == expect, f"filter {field} {op} {val!r}: {got} == {expect}")

res = read({"data": ["Name"], "filter": {"Vorname": [{"op": "=", "val": "max"}],
                                         "Name": [{"op": "like", "val": "Must%"}]}})
check(sorted(ids_of(res)) == want(0), "expressions on two fields are ANDed")
res = read({"data": ["Name"], "filter": {A: [{"op": ">=", "val": "2025-01-01"},
                                             {"op": "<", "val": "2025-02-01"}]}})
check(sorted(ids_of(res)) == want(0, 1, 4), "two expressions on one field are ANDed")

# ---- multiselects (our decisions: = contains, in contains any, "" the empty set) ----
ms = [
    ("ArtDaten", "=", "Interessent", want(0, 1)), ("ArtDaten", "is", "interessent", want(0, 1)),
    ("ArtDaten", "!=", "Interessent", want(2, 3, 4, 5)), ("ArtDaten", "<>", "Interessent", want(2, 3, 4, 5)),
    ("ArtDaten", "in", ["Kunde", "Eigentümer"], want(1, 4)),
    ("ArtDaten", "not in", ["Interessent", "Systembenutzer"], want(2, 4, 5)),
    ("ArtDaten", "=", "", want(2)), ("ArtDaten", "!=", "", want(0, 1, 3, 4, 5)),
    ("ArtDaten", "in", ["", "Kunde"], want(2, 4)),
    ("ArtDaten", "like", "Interess%", want(0, 1, 5)), ("ArtDaten", "not like", "Interess%", want(2, 3, 4)),
    ("HerkunftKontakt", "=", "BOTTIMMO", want(1)), ("HerkunftKontakt", "=", "", want(2, 3, 4, 5)),
]
for field, op, val, expect in ms:
    got = q(field, op, val)
    check(got == expect, f"multiselect {field} {op} {val!r}: {got} == {expect}")
for op, val in ((">", "a"), ("<", "z"), (">=", "a"), ("<=", "z"), ("between", ["a", "z"])):
    check(q("ArtDaten", op, val) == ("error", 232), f"ArtDaten {op} → 232")
check(q("HerkunftKontakt", ">", "a") == ("error", 232), "HerkunftKontakt > → 232")

# ---- all entries (phone, email) versus the main ones (Email, Telefon1) ----
ent = [
    ("Email", "=", "max.privat@example.org", []), ("email", "=", "max.privat@example.org", want(0)),
    ("Email", "=", "max@example.com", want(0)), ("email", "=", "max@example.com", want(0, 2)),
    ("email", "=", "MAX@EXAMPLE.COM", want(0, 2)), ("email", "like", "%@example.org", want(0)),
    ("email", "=", "", want(3, 4, 5)), ("email", "!=", "", want(0, 1, 2)),
    ("email", "!=", "max@example.com", want(1, 3, 4, 5)),
    ("email", "in", ["erika@example.com", "max.privat@example.org"], want(0, 1)),
    ("Telefon1", "=", "0241 12345", want(0)), ("phone", "=", "0241 12345", want(0, 4)),
    ("phone", "=", "0170 1234567", want(0)), ("mobile", "=", "0170 1234567", want(0)),
    ("mobile", "=", "0241 12345", []), ("Telefon1", "=", "+49 171 2345678", want(1)),
    ("phone", "like", "0241%", want(0, 4)), ("fax", "=", "0241 12346", want(0)),
    ("Telefax1", "=", "0241 12346", []),
]
for field, op, val, expect in ent:
    got = q(field, op, val)
    check(got == expect, f"entries {field} {op} {val!r}: {got} == {expect}")

# ---- contact entries in the output ----
res = read({"data": ["phone", "mobile", "fax", "email", "defaultphone", "defaultemail", "defaultfax",
                     "Email", "Telefon1", "Telefax1"]}, resourceid=I[0])
el = records(res)[0]["elements"]
keys = sorted(k for k in el if "__" in k)
ph = [k for k in keys if k.startswith("phone__") and not k.endswith("__Comment")]
mo = [k for k in keys if k.startswith("mobile__")]
em = [k for k in keys if k.startswith("email__") and not k.endswith("__Comment")]
check(len(ph) == 1 and el[ph[0]] == "0241 12345" and el[ph[0] + "__Comment"] == "Büro",
      "phone__<id> with its __Comment; phone leaves the mobile out")
check(len(mo) == 1 and el[mo[0]] == "0170 1234567", "mobile__<id>")
check(len([k for k in keys if k.startswith("fax__")]) == 1, "fax__<id>")
check(sorted(el[k] for k in em) == ["max.privat@example.org", "max@example.com"],
      "email__<id> for every e-mail")
check(any(k.endswith("__Comment") and el[k] == "privat" for k in keys if k.startswith("email__")),
      "an e-mail comment as email__<id>__Comment")
check(el.get("defaultphone__" + ph[0].split("__")[1]) == "0241 12345" and
      [k for k in keys if k.startswith("defaultemail__")] and
      not [k for k in keys if k.startswith("defaultfax__")],
      "defaultphone__/defaultemail__<id> for the default entries only")
check(el["Email"] == "max@example.com" and el["Telefon1"] == "0241 12345" and el["Telefax1"] is None,
      "Email/Telefon1/Telefax1 hold the default entries")
res = read({"data": ["phone", "mobile", "defaultphone", "Telefon1"]}, resourceid=I[1])
el = records(res)[0]["elements"]
check([k for k in el if k.startswith("defaultphone__")] and
      not [k for k in el if k.startswith("phone__")] and el["Telefon1"] == "+49 171 2345678",
      "a default mobile is the main phone (defaultphone, Telefon1)")
check(records(read({"data": ["imageUrl"]}, resourceid=I[0]))[0]["elements"]["imageUrl"] is None,
      "imageUrl is accepted (null)")

# ---- countryIsoCodeType, formatoutput, multiselect formats ----
for iso, de, at in ((None, "Deutschland", "Österreich"), ("ISO-3166-2", "DE", "AT"),
                    ("ISO-3166-3", "DEU", "AUT"), ("ISO-9999", "Deutschland", "Österreich")):
    p = {"data": ["Land"], "recordids": [I[0], I[2]]}
    if iso:
        p["countryIsoCodeType"] = iso
    got = [r["elements"]["Land"] for r in records(read(p))]
    check(got == [de, at], f"countryIsoCodeType {iso}: {got}")
res = read({"data": ["DSGVOStatus", "ArtDaten", "Status", "Anrede"], "formatoutput": True},
           resourceid=I[1])
el = records(res)[0]["elements"]
check(el["DSGVOStatus"] == "Speicherung widerrufen" and el["Status"] == "Aktiv" and
      el["ArtDaten"] == ["Eigentümer", "Interessent"], "formatoutput gives labels")
res = read({"data": ["DSGVOStatus", "Status"]}, resourceid=I[1])
check(records(res)[0]["elements"] == {"id": I[1], "DSGVOStatus": "speicherungwiderrufen",
                                      "Status": "1"}, "without formatoutput: keys, Status \"1\"")
el = records(read({"data": ["ArtDaten", "HerkunftKontakt"]}, resourceid=I[1]))[0]["elements"]
check(el["ArtDaten"] == ["Eigentümer", "Interessent"] and
      el["HerkunftKontakt"] == "|BOTTIMMO||Empfehlung|",
      "default formats: ArtDaten an array, HerkunftKontakt pipe-joined")
st, _ = emu.ctl("PUT", f"/_emu/customers/{web}/config", {"pipe_multiselects": ["ArtDaten"]})
el = records(read({"data": ["ArtDaten", "HerkunftKontakt"]}, resourceid=I[1]))[0]["elements"]
check(st == 200 and el["ArtDaten"] == "|Eigentümer||Interessent|" and
      el["HerkunftKontakt"] == ["BOTTIMMO", "Empfehlung"], "pipe_multiselects switches formats")
el = records(read({"data": ["ArtDaten"]}, resourceid=I[2]))[0]["elements"]
check(el["ArtDaten"] == "", "an empty pipe-joined multiselect is \"\"")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"pipe_multiselects": ["HerkunftKontakt"]})

# ---- record selection ----
check(sorted(ids_of(read({"data": ["Name"], "recordids": [I[3], str(I[0])]}))) == want(0, 3),
      "recordids (numbers or digit strings)")
check(ids_of(read({"data": ["Name"], "recordids": [I[3], I[0]],
                   "filter": {"Land": [{"op": "=", "val": "CHE"}]}})) == [I[3]],
      "recordids and filter are ANDed")
check(ids_of(read({"data": ["Name"], "recordids": []}))[:6] == I, "recordids [] reads all")
res = read({"data": ["Name"]}, resourceid=999999)
check(status_of(res) == 0 and ids_of(res) == [] and res["data"]["meta"]["cntabsolute"] == 0,
      "an unknown resourceid reads nothing (no error)")
other = emu.customer("Other")
oid = emu.fixtures(other["customer_web_id"], [{"Name": "Fremd"}])[0]
check(ids_of(read({"data": ["Name"], "recordids": [oid]})) == [] and
      ids_of(emu.result(other, read_address({"data": ["Name"]}, oid))) == [oid],
      "another customer's record is invisible (positive control: its owner reads it)")

# ---- errors, each with a positive control ----
errs = [
    ({"data": ["Vorname", "Nope"]}, 141, "an unknown field in data"),
    ({"data": ["vorname"]}, 141, "field names are case-sensitive (vorname)"),
    ({"data": ["Ä" * 150]}, 141, "a long non-ASCII unknown field (message stays valid UTF-8)"),
    ({"data": ["Name"], "filter": {"Nope": [{"op": "=", "val": 1}]}}, 141, "an unknown filter field"),
    ({"data": ["Name"], "filter": {"defaultemail": [{"op": "=", "val": "x"}]}}, 141,
     "defaultemail is not filterable"),
    ({"data": ["Name"], "filter": {"Name": [{"op": "~=", "val": "x"}]}}, 142, "an unknown operator"),
    ({"data": ["Name"], "filter": {"Name": [{"val": "x"}]}}, 142, "a missing operator"),
    ({"data": ["Name"], "sortby": "Nope"}, 212, "an unknown sort field"),
    ({"data": ["Name"], "sortby": "ArtDaten"}, 212, "sorting by a multiselect"),
    ({"data": ["Name"], "sortby": "email"}, 212, "sorting by the entries pseudo field"),
    ({"data": ["Name"], "sortby": {"Nope": "ASC"}}, 212, "an unknown sort field (object form)"),
    ({"data": ["Name"], "sortby": "Name", "sortorder": "UP"}, 255, "sortorder UP"),
    ({"data": ["Name"], "listlimit": "many"}, 255, "listlimit not a number"),
    ({"data": ["Name"], "listlimit": -1}, 255, "listlimit negative"),
    ({"data": ["Name"], "listoffset": -5}, 255, "listoffset negative"),
    ({"data": "Name"}, 74, "data not an array"),
    ({"data": ["Name"], "filter": {"Name": [{"op": "in", "val": "x"}]}}, 257, "in with a scalar"),
    ({"data": ["Name"], "filter": {"Name": [{"op": "between", "val": ["a"]}]}}, 257,
     "between with one value"),
    ({"data": ["Name"], "filter": {"Aenderung": [{"op": ">", "val": "yesterday"}]}}, 257,
     "a date that is not Y-m-d H:i:s"),
    ({"data": ["Name"], "filter": {"Status": [{"op": "=", "val": "active"}]}}, 257,
     "a number field with a word"),
    ({"data": ["Name"], "filter": {"Name": {"op": "=", "val": "x"}}}, 257,
     "a filter field without the array"),
    ({"data": ["Name"], "filterid": 102}, 284, "filterid (no saved filters)"),
    ({"data": ["Name"], "recordids": list(range(1, 502))}, 302, "501 recordids"),
    ({"data": ["Name"], "recordids": ["abc"]}, 185, "a recordid that is not a number"),
]
for params, code, what in errs:
    res = read(params)
    check(status_of(res) == code and res["data"] == [], f"{what} → {code}")
res = read({"data": ["Name"], "sortby": {"Name": "DESC", "Vorname": "ASC"},
            "filter": {"Name": [{"op": "like", "val": "M%"}]}, "recordids": list(range(1, 501))})
# Folded text sorts by its bytes (our decision): "müller" > "mustermax" > "mustermann".
check(status_of(res) == 0 and ids_of(res) == [I[1], I[4], I[2], I[0]],
      "positive control: 500 recordids, sortby as an object, several keys")
res = emu.result(cust, read_address({"data": ["Name"]}, resourceid="abc"))
check(status_of(res) == 18, "a resourceid that is not a number → 18")

# ---- sorting with ties, the id tie-break, paging ----
same = [{"Name": f"Tie {n}", "Aenderung": "2025-05-05 05:05:05"} for n in "CABEDGFIHJ"]
T = emu.fixtures(web, same)
flt = {"Aenderung": [{"op": "=", "val": "2025-05-05 05:05:05"}]}
pages, cnts = [], set()
for off in range(0, 12, 3):
    res = read({"data": ["Name"], "filter": flt, "sortby": "Aenderung", "sortorder": "ASC",
                "listlimit": 3, "listoffset": off})
    pages += ids_of(res)
    cnts.add(res["data"]["meta"]["cntabsolute"])
check(pages == sorted(T), "ties on Aenderung page in id order, each record exactly once")
check(cnts == {10}, "cntabsolute is the same (10) on every page")
res = read({"data": ["Name"], "filter": flt, "sortby": "Aenderung", "sortorder": "DESC",
            "listlimit": 20})
check(ids_of(res) == sorted(T, reverse=True), "DESC: the tie-break runs the same way")
res = read({"data": ["Name"], "filter": flt, "sortby": "Name", "listlimit": 20})
check([r["elements"]["Name"] for r in records(res)] == [f"Tie {c}" for c in "ABCDEFGHIJ"],
      "sortby Name (ASC by default)")
keyset, last = [], 0
while True:
    res = read({"data": ["Name"], "filter": {"Id": [{"op": ">", "val": last}]}, "sortby": "Id",
                "listlimit": 4})
    if not ids_of(res):
        break
    keyset += ids_of(res)
    last = keyset[-1]
check(keyset == sorted(I + T), "keyset paging on Id > last, sorted by Id")

# ---- listlimit default 20, max 500 (clamped), listoffset, cntabsolute on 1,234 ----
big = emu.customer("Big")
r = emu.seed(big["customer_web_id"], 1234, seed=3)
check(r.returncode == 0, "seed 1,234 addresses")


def bread(params):
    return emu.result(big, read_address(params))


res = bread({"data": ["Name"]})
check(len(records(res)) == 20 and res["data"]["meta"]["cntabsolute"] == 1234, "listlimit default 20")
res = bread({"data": ["Name"], "listlimit": 1000})
check(len(records(res)) == 500 and res["data"]["meta"]["cntabsolute"] == 1234,
      "listlimit 1000 is clamped to 500 (our decision)")
res = bread({"data": ["Name"], "listlimit": "50", "listoffset": "1200"})
check(len(records(res)) == 34, "listlimit/listoffset as digit strings; the last page is short")
res = bread({"data": ["Name"], "listlimit": 0})
check(records(res) == [] and res["data"]["meta"]["cntabsolute"] == 1234, "listlimit 0 only counts")
seen, n_req = [], 0
while True:
    res = bread({"data": ["Name"], "listlimit": 500, "listoffset": len(seen),
                 "sortby": "Aenderung", "sortorder": "ASC"})
    n_req += 1
    seen += ids_of(res)
    if len(seen) >= res["data"]["meta"]["cntabsolute"]:
        break
check(n_req == 3 and len(seen) == 1234 and len(set(seen)) == 1234,
      "1,234 matches at 500 per page: 3 requests, every record once")
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")
finish()
