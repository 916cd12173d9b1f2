"""onoffice-emu: get/search (onoffice-protocol §5.3), get/fields (onoffice-protocol §9), get/actionkindtypes (onoffice-protocol §6),
get/searchCriteriaFields (onoffice-protocol §8.3), and the per-customer configuration behind them
(PUT /_emu/customers/{webid}/config)."""
import json

from emu_util import GET, Emu, ids_of, records, status_of
from harness import check, finish

emu = Emu()
cust = emu.customer()
web = cust["customer_web_id"]
I = emu.fixtures(web, [
    {"Vorname": "Max", "Name": "Mustermann", "KdNr": 4711, "Strasse": "Hauptstr. 2", "Plz": "52074",
     "Ort": "Aachen",
     "contacts": [{"type": "email", "value": "max@example.com", "default": True},
                  {"type": "email", "value": "m.mustermann@firma.de"},
                  {"type": "phone", "value": "0241 12345", "default": True}]},
    {"Vorname": "Erika", "Name": "Beispiel", "Zusatz1": "Beispiel Bau GmbH", "KdNr": 4712,
     "contacts": [{"type": "email", "value": "erika@beispiel.de", "default": True}]},
    {"Vorname": "Maximilian", "Name": "Groß", "KdNr": 5000,
     "contacts": [{"type": "mobile", "value": "0171 999888", "default": True},
                  {"type": "email", "value": "max@example.com"}]},
])


def get(resourcetype, params, resourceid=""):
    return emu.result(cust, {"actionid": GET, "resourceid": resourceid, "identifier": "",
                             "resourcetype": resourcetype, "parameters": params})


def search(params):
    return get("search", params, "address")


# ---- get/search, onoffice-protocol §5.3 example verbatim ----
EXAMPLE_53 = json.loads("""
{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:get","resourceid":"address","identifier":"","resourcetype":"search",
 "parameters":{"input":"max@example.com","includecontactdata":true,"listlimit":50}}
""")
res = emu.result(cust, EXAMPLE_53)
check(status_of(res) == 0 and sorted(ids_of(res)) == [I[0], I[2]],
      "onoffice-protocol §5.3 example: with includecontactdata every e-mail is searched")
el = {r["id"]: r["elements"] for r in records(res)}[I[0]]
check(el["customerno"] == "4711" and el["firstname"] == "Max" and el["surname"] == "Mustermann" and
      el["primaryEmail"] == "max@example.com" and
      sorted(el["emailaddress"]) == ["m.mustermann@firma.de", "max@example.com"] and
      "addressDescription" in el and el["company"] == "" and el["id"] == str(I[0]),
      "search elements: customerno, firstname, surname, company, addressDescription, "
      "emailaddress, primaryEmail")
res = search({"input": "max@example.com"})
check(ids_of(res) == [I[0]], "without includecontactdata only the default e-mail is searched")
for inp, want, what in (("mustermann", [I[0]], "surname, case-insensitive"),
                        ("Beispiel Bau", [I[1]], "company, two terms ANDed"),
                        ("4712", [I[1]], "customer number"),
                        ("max", [I[0], I[2]], "a term inside first names and e-mails"),
                        ("GROß", [I[2]], "case folding beyond ASCII (GROß finds Groß)"),
                        ("Max Groß", [I[2]], "terms ANDed across fields"),
                        ("nobody-here", [], "no match")):
    res = search({"input": inp})
    check(status_of(res) == 0 and sorted(ids_of(res)) == want, f"search {inp!r}: {what}")
res = search({"input": "999888", "includecontactdata": True})
check(ids_of(res) == [I[2]], "includecontactdata also searches phone numbers")
check(ids_of(search({"input": "999888"})) == [], "positive control: not without includecontactdata")
res = search({"input": "MAX", "casesensitive": True})
check(ids_of(res) == [], "casesensitive: MAX does not match Max")
res = search({"input": "Max", "sortby": "Name", "sortorder": "DESC"})
check(ids_of(res) == [I[0], I[2]], "search sortby Name DESC")
check(status_of(search({"input": "Max", "sortby": "Ort"})) == 212, "search sortby Ort → 212")
for params, what in (({"input": ""}, "empty input"), ({"input": "x"}, "one character"),
                     ({"input": "   "}, "only spaces"), ({}, "no input")):
    res = search(params)
    check(status_of(res) == 151 and res["data"] == [], f"search with {what} → 151")
check(status_of(search({"input": "xy"})) == 0, "positive control: two characters are enough")

# ---- get/fields, onoffice-protocol §9 example verbatim ----
EXAMPLE_9 = json.loads("""
{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:get","resourceid":"","identifier":"","resourcetype":"fields",
 "parameters":{"labels":true,"language":"DEU","modules":["address","estate"],"fieldList":["ArtDaten","HerkunftKontakt","DSGVOStatus","Land","objektart","objekttyp"],"showfielddependencies":true}}
""")
res = emu.result(cust, EXAMPLE_9)
recs = {r["id"]: r for r in records(res)}
check(status_of(res) == 0 and sorted(recs) == ["address", "estate"] and
      res["data"]["meta"]["cntabsolute"] is None, "onoffice-protocol §9 example: one record per module")
ad, es = recs["address"]["elements"], recs["estate"]["elements"]
check(ad["label"] == "Adressen" and isinstance(es["label"], str),
      "module label is a string when labels:true")
check(sorted(k for k in ad if k != "label") == ["ArtDaten", "DSGVOStatus", "HerkunftKontakt", "Land"],
      "fieldList limits the address fields")
art = ad["ArtDaten"]
check(art["type"] == "multiselect" and "Systembenutzer" in art["permittedvalues"] and
      art["permittedvalues"]["Eigentümer"] == "Eigentümer" and art["label"] == "Kontaktart",
      "ArtDaten: multiselect with key: label incl. Systembenutzer")
check(ad["HerkunftKontakt"]["permittedvalues"].get("BOTTIMMO") == "BOTTIMMO",
      "HerkunftKontakt offers «BOTTIMMO»")
check(ad["DSGVOStatus"]["permittedvalues"] == {"speicherungzugestimmt": "Speicherung zugestimmt",
                                               "speicherungwiderrufen": "Speicherung widerrufen",
                                               "ignorieren": "ignorieren"},
      "DSGVOStatus: the three GDPR values")
check(ad["Land"]["permittedvalues"]["DEU"] == "Deutschland", "Land: ISO-3 → German name")
ot = es["objekttyp"]
check(ot["dependencies"].get("einfamilienhaus") == "haus" and
      ot["dependencies"].get("etage") == "wohnung" and
      ot["dependencies"].get("carport") == "parken", "objekttyp dependencies: type → kind")
check(set(es["objektart"]["permittedvalues"]) >= {"haus", "wohnung", "grundstueck", "buero_praxen",
                                                   "einzelhandel", "hallen_lager_prod"},
      "objektart: the default estate kinds")
haus = {t for t, k in ot["dependencies"].items() if k == "haus"}
check(haus == {"einfamilienhaus", "zweifamilienhaus", "mehrfamilienhaus", "reihenhaus",
               "doppelhaushaelfte", "villa", "bungalow"}, "the default types of haus")
for f in ("type", "length", "permittedvalues", "default", "filters", "dependencies",
          "compoundFields", "label"):
    check(f in art, f"a field carries {f}")

res = get("fields", {"modules": ["address"]})
ad = records(res)[0]["elements"]
check(len(records(res)) == 1 and "label" not in ad and "label" not in ad["Vorname"],
      "without labels: no labels")
check(ad["ArtDaten"]["permittedvalues"][:2] == ["Eigentümer", "Interessent"],
      "without labels permittedvalues are bare keys (our decision)")
need = {"Anrede", "Vorname", "Name", "Zusatz1", "Email", "Telefon1", "Strasse", "Plz", "Ort",
        "Land", "ArtDaten", "HerkunftKontakt", "DSGVOStatus", "Status", "Aenderung",
        "Eintragsdatum", "KdNr"}
check(need <= set(ad), "all address fields are described")
check(ad["Vorname"]["type"] == "varchar" and ad["Vorname"]["length"] == 80 and
      ad["Vorname"]["permittedvalues"] is None and ad["Aenderung"]["type"] == "datetime" and
      ad["Eintragsdatum"]["type"] == "date" and ad["Anrede"]["type"] == "singleselect",
      "types and lengths (onoffice-protocol §5.1)")
res = get("fields", {"modules": ["estate"], "fieldList": ["objekttyp"]})
check(records(res)[0]["elements"]["objekttyp"]["dependencies"] == [],
      "dependencies only with showfielddependencies")
res = get("fields", {})
check([r["id"] for r in records(res)] == ["address", "estate"], "no modules: every module")
check(status_of(get("fields", {"modules": "address"})) == 74, "modules not an array → 74")

# ---- get/actionkindtypes ----
res = get("actionkindtypes", {"lang": "DEU"})
kinds = {r["elements"]["key"]: r["elements"] for r in records(res)}
check(status_of(res) == 0 and res["data"]["meta"]["cntabsolute"] is None, "actionkindtypes OK")
check(kinds["Email"]["types"] == {"Eingang": "Eingang", "Ausgang": "Ausgang"} and
      kinds["Email"]["label"] == "E-Mail", "Email {Eingang, Ausgang}")
check("Notiz" in kinds and "Sonstiges" in kinds and "Telefonat" in kinds, "Notiz, Sonstiges, Telefonat")
check(kinds["Notiz"]["types"] == [], "a kind without types has types [] (PHP's empty array)")
check(all(set(r["elements"]) == {"key", "label", "types", "default"} and isinstance(r["id"], str)
          and r["type"] == "actionkind" for r in records(res)),
      "records {key, label, types, default}, id a string, type actionkind")

# ---- get/searchCriteriaFields ----


def sc_fields():
    res = get("searchCriteriaFields", {"language": "DEU", "additionalTranslations": True})
    out = {}
    for r in records(res):
        for f in r["elements"]["fields"]:
            out[f["id"]] = dict(f, category=r["elements"]["name"])
    return res, out


res, sc = sc_fields()
check(status_of(res) == 0 and res["cacheable"] is False and
      res["data"]["meta"]["cntabsolute"] is None, "searchCriteriaFields OK (cacheable false)")
check(sc["kaufpreis"]["rangefield"] == "true" and sc["wohnflaeche"]["rangefield"] == "true",
      "kaufpreis and wohnflaeche are range fields")
check(sc["kaufpreis"]["additionalTranslations"] == {"kaufpreis__von": "Kaufpreis von",
                                                     "kaufpreis__bis": "Kaufpreis bis"},
      "additionalTranslations for ranges")
check({"range_plz", "range_ort", "range_strasse", "range", "range_land"} <= set(sc) and
      sc["range_plz"]["category"] == "Umkreis" and sc["range_plz"]["rangefield"] == "false",
      "Umkreis: range_plz, range_ort, range_strasse, range, range_land")
check("haus" in sc["objektart"]["values"] and "einfamilienhaus" in sc["objekttyp"]["values"],
      "objektart/objekttyp with values")
check({"anzahl_zimmer", "anzahl_badezimmer", "anzahl_stellplaetze"} <= set(sc),
      "rooms, bathrooms, parking on by default")
positions = [f["position"] for f in sc.values()]
check(positions == sorted(positions) and len(set(positions)) == len(positions), "positions ascend")

# ---- configuration at run time ----
st, cfg = emu.ctl("GET", f"/_emu/customers/{web}/config")
check(st == 200 and cfg["claim_required"] is False and "Systembenutzer" in cfg["contact_types"],
      "GET config shows the defaults")
st, cfg = emu.ctl("PUT", f"/_emu/customers/{web}/config", {
    "contact_types": {"Systembenutzer": "Systembenutzer", "Käufer": "Käufer", "Verkäufer": "Verkäufer"},
    "search_fields": {"anzahl_zimmer": False, "Umkreis": False},
    "action_kinds": {"Email": {"label": "E-Mail", "types": {"Eingang": "Eingang"}},
                     "Rückruf": {"label": "Rückruf", "types": {}}},
    "claim_required": True})
check(st == 200 and cfg["claim_required"] is True and
      cfg["contact_origins"].get("BOTTIMMO") == "BOTTIMMO" and
      cfg["search_fields"]["anzahl_badezimmer"] is True,
      "PUT config: a partial update keeps the other keys")
# claim_required is enforced (issue #4, test_emu_marketplace.py); switch it off for the reads.
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"claim_required": False})
res = get("fields", {"labels": True, "modules": ["address"], "fieldList": ["ArtDaten"]})
check(records(res)[0]["elements"]["ArtDaten"]["permittedvalues"] ==
      {"Systembenutzer": "Systembenutzer", "Käufer": "Käufer", "Verkäufer": "Verkäufer"},
      "new contact types show in fields")
_, sc = sc_fields()
check("anzahl_zimmer" not in sc and "range_plz" not in sc and "anzahl_badezimmer" in sc and
      "anzahl_stellplaetze" in sc, "switched-off search fields are gone, the others stay")
kinds = {r["elements"]["key"]: r["elements"] for r in records(get("actionkindtypes", {}))}
check(sorted(kinds) == ["Email", "Rückruf"] and kinds["Email"]["types"] == {"Eingang": "Eingang"},
      "new action kinds show in actionkindtypes")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"search_fields": {"anzahl_zimmer": True}})
_, sc = sc_fields()
check("anzahl_zimmer" in sc and "range_plz" not in sc, "search_fields merge field by field")
other = emu.customer("Other")
ores = emu.result(other, {"actionid": GET, "resourceid": "", "identifier": "",
                          "resourcetype": "fields", "parameters": {"modules": ["address"],
                                                                   "labels": True}})
check("Interessent" in records(ores)[0]["elements"]["ArtDaten"]["permittedvalues"],
      "another customer keeps the defaults")
estate = {"haus": {"label": "Haus", "types": {"villa": "Villa"}},
          "luxus": {"label": "Luxus", "types": {"schloss": "Schloss"}}}
st, _ = emu.ctl("PUT", f"/_emu/customers/{web}/config", {"estate_kinds": estate})
res = get("fields", {"modules": ["estate"], "showfielddependencies": True, "labels": True,
                     "fieldList": ["objekttyp"]})
check(st == 200 and records(res)[0]["elements"]["objekttyp"]["dependencies"] ==
      {"villa": "haus", "schloss": "luxus"}, "new estate kinds and their dependencies")

bad = [({"contact_types": {"A|B": "x"}}, "contact_types.A|B"),
       ({"contact_types": ["Kunde"]}, "contact_types"),
       ({"contact_types": {"Kunde": ""}}, "contact_types.Kunde"),
       ({"search_fields": {"flux": True}}, "search_fields.flux"),
       ({"search_fields": {"anzahl_zimmer": "yes"}}, "search_fields.anzahl_zimmer"),
       ({"claim_required": "yes"}, "claim_required"),
       ({"colour": "blue"}, "colour"),
       ({"estate_kinds": {"a": {"label": "A", "types": {"x": "X"}},
                          "b": {"label": "B", "types": {"x": "X"}}}}, "estate_kinds.b.types.x"),
       ({"action_kinds": {"Email": {"label": "E-Mail"}}}, "action_kinds.Email.types"),
       ({"pipe_multiselects": ["Vorname"]}, "pipe_multiselects")]
for body, field in bad:
    st, doc = emu.ctl("PUT", f"/_emu/customers/{web}/config", body)
    check(st == 400 and doc["error"]["field"] == field, f"bad config → 400 naming {field}")
st, doc = emu.ctl("PUT", f"/_emu/customers/{web}/config", {"contact_types": {"ß" * 400: "x"}})
check(st == 400 and doc["error"]["field"].startswith("contact_types.ßßß"),
      "a long bad key is named, cut on a character boundary")
st, doc = emu.ctl("PUT", f"/_emu/customers/{web}/config", b"{not json")
check(st == 400 and doc["error"]["code"] == "invalid_json", "config that is not JSON → 400")
st, cfg = emu.ctl("GET", f"/_emu/customers/{web}/config")
check("Käufer" in cfg["contact_types"], "a refused patch changed nothing")
st, _ = emu.ctl("GET", "/_emu/customers/1/config")
check(st == 404, "an unknown web id → 404")
st, _ = emu.ctl("PUT", "/_emu/customers/1/config", {"claim_required": False})
check(st == 404, "PUT for an unknown web id → 404")
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")
finish()
