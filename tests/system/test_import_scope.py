"""The full contact import (R-I1, R-I3, R-I4, R-I5, R-I7; requirements §8.2, §8.3) against onoffice-emu.

Four customers hold the same seeded addresses plus edge cases; four companies import them
with the four scopes (all; two types; without type; types + without type). Each must hold
exactly the set computed here from the emulator's addresses, one contact per address.
`immosync sync initial` (CLI, next to a running serve: one lease) and POST sync/initial
(serve's scheduler) are both used. A second run writes no rows; imports write no outbox
rows; the requests stay within ⌈matching/500⌉ + one per branch + a small constant; the
preview and the contact types are checked against the same data."""
import json
import math

from harness import check, finish
from import_util import CONSENT, World, edge_fixtures, expected, in_scope, types_of

SEED_COUNT = 2600
SCOPES = {
    "all": {"all_contacts": True},
    "types": {"all_contacts": False, "contact_types": ["Kunde", "Eigentümer"],
              "without_contact_type": False},
    "without": {"all_contacts": False, "contact_types": [], "without_contact_type": True},
    "types+without": {"all_contacts": False, "contact_types": ["Makler", "Interessent Kauf"],
                      "without_contact_type": True},
}

w = World()
customers, companies, addrs = {}, {}, {}
for name in SCOPES:
    customers[name] = w.customer(f"Kunde {name}", SEED_COUNT, seed=11, until="2026-11-20",
                                 fixtures=edge_fixtures(name))
w.serve()
for name, scope in SCOPES.items():
    companies[name] = w.company(customers[name], f"Makler {name}")
    doc = w.settings(companies[name][1], **scope)
    check(all(doc[k] == v for k, v in scope.items()), f"{name}: settings stored ({doc})")
    addrs[name] = w.addresses(customers[name])
    exp = expected(addrs[name], scope)
    check(len(exp) > 20, f"{name}: the scope selects a real share ({len(exp)} addresses)")

# ---- positive controls on the data itself: the edge cases are where they should be ----
all_exp = expected(addrs["all"], SCOPES["all"])
fx = {el["Name"]: i for i, el in addrs["all"].items() if i in customers["all"]["fixture_ids"]}
check(fx["Only"] not in all_exp and fx["Kunde"] in all_exp and fx["Art"] in all_exp
      and fx["Zustimmung"] not in all_exp and fx["Rufen"] not in all_exp,
      "expected set (all): only-Systembenutzer, no consent and revoked out; others in")
check(sum(1 for el in addrs["all"].values() if types_of(el) == {"Systembenutzer"}
          and el["DSGVOStatus"] == CONSENT) >= 2,
      "the seeded data has consented only-Systembenutzer addresses (the rule matters)")

# ---- contact types (live, Systembenutzer hidden) ----
st, types = w.api("GET", "onoffice/contact-types", companies["all"][1])
keys = [t["key"] for t in types] if st == 200 else []
check(st == 200 and "Kunde" in keys and "indMulti1966Select5844" in keys
      and "Systembenutzer" not in keys
      and {"key": "indMulti1966Select5844", "label": "Bauträger"} in types,
      f"GET onoffice/contact-types: keys and labels, no Systembenutzer ({st} {types})")
st, doc = w.api("PUT", "settings", companies["types"][1], {"contact_types": ["Gibtsnicht"]})
check(st == 400 and doc["error"]["field"] == "contact_types[0]",
      f"PUT settings with an unknown contact type → 400 naming it ({st} {doc})")
st, doc = w.api("PUT", "settings", companies["types"][1], {"contact_types": ["Systembenutzer"]})
check(st == 400 and doc["error"]["field"] == "contact_types[0]",
      f"PUT settings with Systembenutzer → 400 ({st} {doc})")

# ---- preview (R-X4) before the import ----
for name, scope in SCOPES.items():
    st, prev = w.api("GET", "sync/preview", companies[name][1])
    sel = {i for i, el in addrs[name].items() if in_scope(el, scope)}
    exp = expected(addrs[name], scope)
    check(st == 200 and prev == {"matching": len(exp), "without_consent": len(sel) - len(exp)},
          f"{name}: preview {prev} = matching {len(exp)}, without consent {len(sel) - len(exp)}")

# ---- state before: linked, nothing imported (R-A11) ----
s = w.status(companies["all"][1])
check(s["state"] == "linked" and s["import"]["done"] == 0 and not s["import"]["running"],
      f"linked: no import yet ({s['state']}, {s['import']})")
check(not w.contacts(companies["all"][0]), "linked: no contact before the initial sync")

# ---- scope "all" with the CLI next to serve; the requests it needs ----
w.counters(reset=True)
cid, tok = companies["all"]
r = w.sync_initial(cid)
c = w.counters()
check(r.returncode == 0, f"sync initial exits 0 ({r.returncode} {r.stderr[-300:]})")
summary = json.loads(r.stdout) if r.returncode == 0 else {}
exp = expected(addrs["all"], SCOPES["all"])
got = w.contacts(cid)
check(set(got) == exp, f"all: exactly the expected set ({len(got)} vs {len(exp)}; "
      f"missing {sorted(exp - set(got))[:5]}, extra {sorted(set(got) - exp)[:5]})")
matching = sum(1 for el in addrs["all"].values() if el["DSGVOStatus"] == CONSENT)
budget = math.ceil(matching / 500) + 1 + 2
check(0 < c["http_requests"] <= budget,
      f"all: {c['http_requests']} requests for {matching} consented addresses "
      f"(≤ ⌈{matching}/500⌉ + 1 branch + 2 = {budget})")
check(summary.get("done") == matching and summary.get("total") == matching
      and summary.get("created", -1) <= len(exp),
      f"all: the summary shows the database's progress ({summary})")
s = w.status(tok)
check(s["state"] == "running" and s["import"]["done"] == matching
      and s["import"]["total"] == matching and s["import"]["last_error"] is None
      and s["import"]["next_run_at"] is not None,
      f"all: sync/status shows the same numbers, state running ({s})")

# ---- the other scopes through the API and serve's scheduler ----
for name in ("types", "without", "types+without"):
    cid, tok = companies[name]
    st, doc = w.api("POST", "sync/initial", tok)
    check(st == 202 and doc == {"state": "running"}, f"{name}: POST sync/initial → 202 ({st} {doc})")
    st, doc = w.api("POST", "sync/initial", tok)
    check(st == 409 and doc["error"]["code"] == "conflict",
          f"{name}: a second POST sync/initial while it runs → 409 ({st} {doc})")
for name in ("types", "without", "types+without"):
    cid, tok = companies[name]
    s = w.wait_idle(tok)
    exp = expected(addrs[name], SCOPES[name])
    got = w.contacts(cid)
    check(s is not None and s["state"] == "running" and s["import"]["last_error"] is None,
          f"{name}: the import ended without error ({s and s['import']})")
    check(set(got) == exp, f"{name}: exactly the expected set ({len(got)} vs {len(exp)}; "
          f"missing {sorted(exp - set(got))[:5]}, extra {sorted(set(got) - exp)[:5]})")
    n = w.q("SELECT count(*), count(DISTINCT onoffice_address_id) FROM contacts WHERE "
            "company_id = ?", cid)[0]
    check(n[0] == n[1] == len(exp), f"{name}: one contact per address ({n})")

# ---- mapping (R-I5) of the edge case with three e-mails, phone, mobile and fax ----
cid = companies["all"][0]
aid = fx["Österreicher"]
row = w.contacts(cid)[aid]
check(row["salutation"] == "Frau" and row["first_name"] == "Anna"
      and row["last_name"] == "Österreicher" and row["street"] == "Ring 1" and row["zip"] == "1010"
      and row["city"] == "Wien" and row["country"] == "AT" and row["archived"] == 1
      and row["gdpr_consent"] == 1 and row["blocked"] == 0 and row["origin"] == "onoffice"
      and json.loads(row["contact_types"]) == ["Eigentümer", "Tippgeber"],
      f"mapping: fields, ISO alpha-2 country, types, archived ({row})")
mails = w.q("SELECT email, is_primary FROM contact_emails WHERE contact_id = ? ORDER BY id",
            row["id"])
check(sorted(m for m, _ in mails) == ["all.anna1@example.at", "all.anna2@example.at",
                                       "all.anna3@example.at"]
      and [m for m, p in mails if p] == ["all.anna2@example.at"],
      f"mapping: every e-mail, onOffice's default one primary ({mails})")
phones = w.q("SELECT raw, e164 FROM contact_phones WHERE contact_id = ? ORDER BY id", row["id"])
check(sorted(phones) == [("+43 1 5344", "+4315344"), ("0171 2345678", "+491712345678")],
      f"mapping: phone and mobile with E.164, no fax ({phones})")
shared = [fx["Mail1"], fx["Mail2"]]
got = w.contacts(cid)
check(all(a in got for a in shared) and got[shared[0]]["id"] != got[shared[1]]["id"],
      "two addresses sharing an e-mail are two contacts")
check(fx["Mail"] in got, "an address without e-mail is imported")
# A seeded sample: names and e-mails as onOffice holds them.
bad = 0
for aid in list(expected(addrs["all"], SCOPES["all"]))[:200]:
    el, row = addrs["all"][aid], got[aid]
    if (el["Vorname"] or None) != row["first_name"] or (el["Name"] or None) != row["last_name"]:
        bad += 1
    mails = {m for (m,) in w.q("SELECT email FROM contact_emails WHERE contact_id = ?", row["id"])}
    onoff = {v for k, v in el.items()
             if k.startswith("email__") and not k.endswith("__Comment") and v}
    if mails != onoff:
        bad += 1
check(bad == 0, f"mapping: 200 seeded contacts have onOffice's names and e-mails ({bad} differ)")

# ---- ingest finds an imported contact by its e-mail (lowest id wins) ----
email = "all.shared@example.de"
st, doc = w.api("POST", "conversions", companies["all"][1],
                {"lead": {"email": email},
                 "conversion": {"type": "callback", "details": {}}})
low = min(got[shared[0]]["id"], got[shared[1]]["id"])
check(st == 201 and doc["contact_id"] == low,
      f"ingest: a lead with an imported e-mail lands on the lowest contact holding it ({st} {doc})")

# ---- a second run writes no rows; imports write no outbox rows (R-I7) ----
before = {n: w.dump(companies[n][0]) for n in SCOPES}
r = w.sync_initial(companies["all"][0])
check(r.returncode == 0 and json.loads(r.stdout)["created"] == 0
      and json.loads(r.stdout)["updated"] == 0, f"second CLI run: nothing created or updated ({r.stdout})")
st, _ = w.api("POST", "sync/initial", companies["types+without"][1])
check(st == 202, "second API run (full rescan from running)")
w.wait_idle(companies["types+without"][1])
after = {n: w.dump(companies[n][0]) for n in SCOPES}
for n in ("all", "types+without"):
    b, a = before[n], after[n]
    # the conversion above added one outbox row to "all" before the snapshot; nothing since
    check(a == b, f"{n}: the second run changed no row of contacts, e-mails, phones, outbox")
outbox = w.q("SELECT count(*) FROM outbox WHERE company_id IN (?, ?, ?)",
             companies["types"][0], companies["without"][0], companies["types+without"][0])[0][0]
check(outbox == 0, f"imports wrote no outbox rows (R-I7): {outbox}")
check(w.q("SELECT count(*) FROM lead_keys WHERE company_id = ?", companies["types"][0])[0][0] == 0,
      "imported e-mails are no lead keys until a conversion pins one")

# ---- POST sync/initial on a company that is not linked → 409 not_linked ----
from api_util import company as mk_company  # noqa: E402
nl_id, nl_tok = mk_company(w.db, "Unlinked", "u@example.de")
st, doc = w.api("POST", "sync/initial", nl_tok)
check(st == 409 and doc["error"]["code"] == "not_linked", f"not linked → 409 not_linked ({st})")
r = w.sync_initial(nl_id)
check(r.returncode == 4, f"sync initial on an unlinked company exits 4 ({r.returncode})")

check(w.stop() == 0, "serve stops cleanly")
check(w.emu.stop_clean(), "emulator stops cleanly")
finish()
