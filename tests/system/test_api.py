"""The JSON API of requirements §8.1/§8.2 against a real immosync serve (issue #5).

Every endpoint once with a positive result; a table of bad inputs, each asserting status,
error code and field and, by counting the rows of every table, that nothing was written;
scopes (R-C4a); no token in any log, answer or the database (tokens stored hashed)."""
import os
import re

from api_util import Client, company, conversion, counts, query, serve, token
from harness import check, finish, tmpdir

d = tmpdir()
db = os.path.join(d, "api.db")
a_id, a_full = company(db, "Makler A GmbH", "owner-a@example.de")
b_id, b_full = company(db, "Makler B GmbH", "owner-b@example.de")
a_ingest = token(db, a_id, "ingest")
srv = serve(db)
c = Client(srv)

# ---- every endpoint once -------------------------------------------------------------

st, doc, _ = c.request("POST", "/api/v1/conversions", a_ingest, conversion())
check(st == 201 and set(doc) == {"contact_id", "conversion_id"}, f"ingest 201 ({st} {doc})")
contact_id = doc["contact_id"]

st, doc, _ = c.request("GET", f"/api/v1/contacts/{contact_id}", a_full)
check(st == 200 and doc["email"] == "anna.schmidt@example.de" and doc["origin"] == "platform"
      and doc["phones"] == [{"raw": "0171 2345678", "e164": "+491712345678"}]
      and doc["country"] == "DE" and doc["gdpr_consent"] is True
      and doc["onoffice_address_id"] is None and doc["created_at"].endswith("Z"),
      f"GET contact shape ({doc})")

st, doc, _ = c.request("GET", "/api/v1/contacts?query=schmidt&page=1&per_page=10", a_full)
check(st == 200 and doc["total"] == 1 and doc["page"] == 1 and doc["per_page"] == 10
      and doc["contacts"][0]["id"] == contact_id, f"list with query ({doc})")
st, doc, _ = c.request("GET", "/api/v1/contacts?page=9", a_full)
check(st == 200 and doc["contacts"] == [] and doc["total"] == 1, "past the end: empty list")

st, doc, _ = c.request("POST", "/api/v1/contacts", a_full,
                       {"email": "Bernd@Example.de", "first_name": "Bernd", "phone": "+49 241 1234567"})
check(st == 201 and doc["first_name"] == "Bernd" and doc["emails"] == ["Bernd@Example.de"],
      f"POST contacts ({st} {doc})")
bernd = doc["id"] if st == 201 else 0
st, doc, _ = c.request("POST", "/api/v1/contacts", a_full, {"email": "bernd@example.de"})
check(st == 409 and doc["error"]["code"] == "conflict", f"same e-mail twice → 409 ({st} {doc})")

st, doc, _ = c.request("PATCH", f"/api/v1/contacts/{bernd}", a_full,
                       {"last_name": "Becker", "city": "Köln", "street": None})
check(st == 200 and doc["last_name"] == "Becker" and doc["city"] == "Köln",
      f"PATCH contact ({st} {doc})")

st, doc, _ = c.request("PATCH", f"/api/v1/contacts/{bernd}", a_full, {"phone": None})
check(st == 200 and doc["phones"] == [] and doc["last_name"] == "Becker",
      f"PATCH phone null clears every phone number ({st} {doc})")
st, doc, _ = c.request("POST", f"/api/v1/contacts/{bernd}/notes", a_full, {"text": "Ruft am Montag zurück."})
check(st == 201 and doc["contact_id"] == bernd, f"POST note ({st} {doc})")
st, doc, _ = c.request("GET", f"/api/v1/contacts/{bernd}/notes", a_full)
check(st == 200 and doc["notes"][0]["text"] == "Ruft am Montag zurück.", "GET notes")
st, doc, _ = c.request("GET", f"/api/v1/contacts/{contact_id}/conversions", a_full)
check(st == 200 and doc["conversions"][0]["type"] == "valuation"
      and doc["conversions"][0]["details"]["price"]["average"] == 450000
      and doc["conversions"][0]["landing_page"] == "Immobilienbewertung Aachen",
      f"GET conversions ({doc})")
st, doc, _ = c.request("GET", f"/api/v1/contacts/{contact_id}/history", a_full)
check(st == 200 and {h["kind"] for h in doc["history"]} == {"contact", "conversion"}
      and all(h["state"] == "held" for h in doc["history"]), f"GET history ({doc})")

st, doc, _ = c.request("GET", "/api/v1/settings", a_full)
check(st == 200 and doc["backsync_mode"] == "manual" and doc["import_interval_s"] == 300
      and doc["all_contacts"] is True, f"GET settings ({doc})")
st, doc, _ = c.request("PUT", "/api/v1/settings", a_full, {"create_estates": True, "import_interval_s": 60})
check(st == 200 and doc["create_estates"] is True and doc["import_interval_s"] == 60
      and doc["backsync_mode"] == "manual", f"PUT settings keeps absent fields ({doc})")

for path in ["/api/v1/onoffice/contact-types", "/api/v1/sync/preview"]:
    st, doc, _ = c.request("GET", path, a_full)
    check(st == 409 and doc["error"]["code"] == "not_linked", f"GET {path} → 409 not_linked")
for path in ["/api/v1/sync/initial", "/api/v1/sync/start", "/api/v1/sync/stop",
             f"/api/v1/contacts/{contact_id}/sync"]:
    st, doc, _ = c.request("POST", path, a_full)
    check(st == 409 and doc["error"]["code"] == "not_linked", f"POST {path} → 409 not_linked")
st, doc, _ = c.request("GET", "/api/v1/sync/status", a_full)
check(st == 200 and doc["state"] == "not_linked" and doc["queue"] == {"pending": 4, "failed": 0}
      and doc["import"]["running"] is False and len(doc["warnings"]) == 1,
      f"GET sync/status ({doc})")

# Failures: make one by hand (the export comes later), then list, retry, dismiss.
import sqlite3
con = sqlite3.connect(db, timeout=10)
con.execute("UPDATE outbox SET state='failed', last_error='Unknown field \"Vorname2\"' "
            "WHERE id = (SELECT min(id) FROM outbox WHERE company_id=?)", (a_id,))
con.commit()
con.close()
st, doc, _ = c.request("GET", "/api/v1/sync/failures", a_full)
check(st == 200 and len(doc["failures"]) == 1 and "Vorname2" in doc["failures"][0]["error"],
      f"GET failures ({doc})")
fid = doc["failures"][0]["id"]
st, doc, _ = c.request("POST", f"/api/v1/sync/failures/{fid}/retry", a_full)
check(st == 200 and doc["retried"] == 1, "retry one")
st, doc, _ = c.request("POST", f"/api/v1/sync/failures/{fid}/retry", a_full)
check(st == 404, "retry of a transfer that is no longer failed → 404")
con = sqlite3.connect(db, timeout=10)
con.execute("UPDATE outbox SET state='failed' WHERE id=?", (fid,))
con.commit()
con.close()
st, doc, _ = c.request("POST", "/api/v1/sync/failures/retry", a_full)
check(st == 200 and doc["retried"] == 1, "retry all")
con = sqlite3.connect(db, timeout=10)
con.execute("UPDATE outbox SET state='failed' WHERE id=?", (fid,))
con.commit()
con.close()
st, doc, _ = c.request("DELETE", f"/api/v1/sync/failures/{fid}", a_full)
check(st == 200 and query(db, "SELECT state FROM outbox WHERE id=?", fid) == [("dismissed",)],
      "dismiss keeps the row as dismissed")

st, doc, _ = c.request("DELETE", f"/api/v1/contacts/{bernd}", a_full)
check(st == 200 and doc == {"id": bernd, "erased": True}, "DELETE contact (erasure)")
st, doc, _ = c.request("GET", f"/api/v1/contacts/{bernd}", a_full)
check(st == 404, "erased contact is gone")

for path in ["/healthz", "/readyz", "/metrics"]:
    st, _, _ = c.request("GET", path)
    check(st == 200, f"GET {path} without a token")
st, _, hdrs = c.request("GET", "/metrics")
m = c.conn  # keep-alive intact
st2, _, _ = c.request("GET", "/metrics")

# ---- bad inputs: status, code, field, and nothing written ---------------------------------

good = conversion(email="new.lead@example.de")


def body(**change):
    """A copy of the good body with dotted-path changes; value DELETE removes the key."""
    import copy
    b = copy.deepcopy(good)
    for path, value in change.items():
        keys = path.split("__")
        node = b
        for k in keys[:-1]:
            node = node[k]
        if value is DELETE:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return b


DELETE = object()
long80 = "ä" * 81
bad_cases = [
    # (name, method, path, token, json body or raw bytes, headers, status, code, field)
    ("malformed JSON", "POST", "/api/v1/conversions", a_full, b'{"lead": ', {}, 400, "invalid_json", None),
    ("not an object", "POST", "/api/v1/conversions", a_full, b'[1,2]', {}, 400, "invalid_json", None),
    ("empty body", "POST", "/api/v1/conversions", a_full, b'', {}, 400, "invalid_json", None),
    ("duplicate keys", "POST", "/api/v1/conversions", a_full,
     b'{"lead":{"email":"a@b.de","email":"c@d.de"},"conversion":{"type":"callback"}}', {}, 400, "invalid_json", None),
    ("invalid UTF-8", "POST", "/api/v1/conversions", a_full,
     b'{"lead":{"email":"a@b.de","first_name":"\xff\xfe"},"conversion":{"type":"callback"}}', {}, 400, "invalid_json", None),
    ("missing lead", "POST", "/api/v1/conversions", a_full, body(lead=DELETE), {}, 400, "invalid_field", "lead"),
    ("missing e-mail", "POST", "/api/v1/conversions", a_full, body(lead__email=DELETE), {}, 400, "invalid_field", "lead.email"),
    ("invalid e-mail", "POST", "/api/v1/conversions", a_full, body(lead__email="anna@"), {}, 400, "invalid_field", "lead.email"),
    ("e-mail with space", "POST", "/api/v1/conversions", a_full, body(lead__email="an na@x.de"), {}, 400, "invalid_field", "lead.email"),
    ("e-mail too long", "POST", "/api/v1/conversions", a_full, body(lead__email="a" * 95 + "@x.de.de"), {}, 400, "invalid_field", "lead.email"),
    ("e-mail as number", "POST", "/api/v1/conversions", a_full, body(lead__email=5), {}, 400, "invalid_field", "lead.email"),
    ("first name 81 chars", "POST", "/api/v1/conversions", a_full, body(lead__first_name=long80), {}, 400, "invalid_field", "lead.first_name"),
    ("phone 41 chars", "POST", "/api/v1/conversions", a_full, body(lead__phone="1" * 41), {}, 400, "invalid_field", "lead.phone"),
    ("bad country", "POST", "/api/v1/conversions", a_full, body(lead__country="XX"), {}, 400, "invalid_field", "lead.country"),
    ("country alpha-3", "POST", "/api/v1/conversions", a_full, body(lead__country="DEU"), {}, 400, "invalid_field", "lead.country"),
    ("consent as string", "POST", "/api/v1/conversions", a_full, body(lead__gdpr_consent="yes"), {}, 400, "invalid_field", "lead.gdpr_consent"),
    ("status 41 chars", "POST", "/api/v1/conversions", a_full, body(lead__status="s" * 41), {}, 400, "invalid_field", "lead.status"),
    ("lead id 65 chars", "POST", "/api/v1/conversions", a_full, body(lead__id="i" * 65), {}, 400, "invalid_field", "lead.id"),
    ("unknown lead key", "POST", "/api/v1/conversions", a_full, body(lead__colour="red"), {}, 400, "invalid_field", "lead.colour"),
    ("unknown top key", "POST", "/api/v1/conversions", a_full, body(extra=1), {}, 400, "invalid_field", "extra"),
    ("missing conversion", "POST", "/api/v1/conversions", a_full, body(conversion=DELETE), {}, 400, "invalid_field", "conversion"),
    ("unknown type", "POST", "/api/v1/conversions", a_full, body(conversion__type="brochure"), {}, 400, "invalid_field", "conversion.type"),
    ("missing type", "POST", "/api/v1/conversions", a_full, body(conversion__type=DELETE), {}, 400, "invalid_field", "conversion.type"),
    ("bad occurred_at", "POST", "/api/v1/conversions", a_full, body(conversion__occurred_at="26.11.2026"), {}, 400, "invalid_field", "conversion.occurred_at"),
    ("occurred_at Feb 30", "POST", "/api/v1/conversions", a_full, body(conversion__occurred_at="2026-02-30T10:00:00Z"), {}, 400, "invalid_field", "conversion.occurred_at"),
    ("valuation without property_type", "POST", "/api/v1/conversions", a_full, body(conversion__details__property_type=DELETE), {}, 400, "invalid_field", "conversion.details.property_type"),
    ("unknown property_type", "POST", "/api/v1/conversions", a_full, body(conversion__details__property_type="castle"), {}, 400, "invalid_field", "conversion.details.property_type"),
    ("subtype of another type", "POST", "/api/v1/conversions", a_full, body(conversion__details__property_subtype="penthouse"), {}, 400, "invalid_field", "conversion.details.property_subtype"),
    ("valuation without address", "POST", "/api/v1/conversions", a_full, body(conversion__details__address=DELETE), {}, 400, "invalid_field", "conversion.details.address"),
    ("address without zip or city", "POST", "/api/v1/conversions", a_full, body(conversion__details__address={"street": "X"}), {}, 400, "invalid_field", "conversion.details.address.zip"),
    ("price min > max", "POST", "/api/v1/conversions", a_full, body(conversion__details__price={"min": 600000, "max": 500000}), {}, 400, "invalid_field", "conversion.details.price.min"),
    ("price average outside", "POST", "/api/v1/conversions", a_full, body(conversion__details__price={"min": 1, "max": 5, "average": 9}), {}, 400, "invalid_field", "conversion.details.price.average"),
    ("price as real", "POST", "/api/v1/conversions", a_full, body(conversion__details__price={"min": 1.5}), {}, 400, "invalid_field", "conversion.details.price.min"),
    ("price as string", "POST", "/api/v1/conversions", a_full, body(conversion__details__price={"max": "500000"}), {}, 400, "invalid_field", "conversion.details.price.max"),
    ("latitude 91", "POST", "/api/v1/conversions", a_full, body(conversion__details__coordinates={"lat": 91, "lon": 6}), {}, 400, "invalid_field", "conversion.details.coordinates.lat"),
    ("bad method", "POST", "/api/v1/conversions", a_full, body(conversion__details__method="guess"), {}, 400, "invalid_field", "conversion.details.method"),
    ("unknown details key", "POST", "/api/v1/conversions", a_full, body(conversion__details__rooms=3), {}, 400, "invalid_field", "conversion.details.rooms"),
    ("download without name", "POST", "/api/v1/conversions", a_full, body(conversion__type="download", conversion__details={"kind": "guide"}), {}, 400, "invalid_field", "conversion.details.name"),
    ("download bad kind", "POST", "/api/v1/conversions", a_full, body(conversion__type="download", conversion__details={"name": "Ratgeber", "kind": "poster"}), {}, 400, "invalid_field", "conversion.details.kind"),
    ("callback topic 81", "POST", "/api/v1/conversions", a_full, body(conversion__type="callback", conversion__details={"topic": "t" * 81}), {}, 400, "invalid_field", "conversion.details.topic"),
    ("search without area", "POST", "/api/v1/conversions", a_full, body(conversion__type="search_request", conversion__details={"property_type": "apartment"}), {}, 400, "invalid_field", "conversion.details.area"),
    ("search radius 201", "POST", "/api/v1/conversions", a_full, body(conversion__type="search_request", conversion__details={"property_type": "apartment", "area": {"city": "Aachen"}, "radius_km": 201}), {}, 400, "invalid_field", "conversion.details.radius_km"),
    ("search rooms 2.3", "POST", "/api/v1/conversions", a_full, body(conversion__type="search_request", conversion__details={"property_type": "apartment", "area": {"zip": "52062"}, "rooms_min": 2.3}), {}, 400, "invalid_field", "conversion.details.rooms_min"),
    ("plot without plot_type", "POST", "/api/v1/conversions", a_full, body(conversion__type="plot_valuation", conversion__details={}), {}, 400, "invalid_field", "conversion.details.plot_type"),
    ("life annuity without type", "POST", "/api/v1/conversions", a_full, body(conversion__type="life_annuity_check", conversion__details={}), {}, 400, "invalid_field", "conversion.details.property_type"),
    ("oversize body", "POST", "/api/v1/conversions", a_full, b'{"lead":' + b' ' * (64 * 1024) + b'}', {}, 413, "too_large", None),
    ("bad Idempotency-Key", "POST", "/api/v1/conversions", a_full, body(), {"Idempotency-Key": "k" * 129}, 400, "invalid_field", "Idempotency-Key"),
    ("missing token", "POST", "/api/v1/conversions", None, body(), {}, 401, "unauthorized", None),
    ("wrong token", "POST", "/api/v1/conversions", "imk_" + "x" * 43, body(), {}, 401, "unauthorized", None),
    ("not a bearer", "GET", "/api/v1/contacts", None, None, {"Authorization": "Basic " + a_full}, 401, "unauthorized", None),
    ("ingest scope reads contacts", "GET", "/api/v1/contacts", a_ingest, None, {}, 403, "forbidden", None),
    ("ingest scope changes settings", "PUT", "/api/v1/settings", a_ingest, {"create_estates": False}, {}, 403, "forbidden", None),
    ("another company's contact", "GET", f"/api/v1/contacts/{contact_id}", b_full, None, {}, 404, "not_found", "id"),
    ("another company's note", "POST", f"/api/v1/contacts/{contact_id}/notes", b_full, {"text": "x"}, {}, 404, "not_found", "id"),
    ("another company's erasure", "DELETE", f"/api/v1/contacts/{contact_id}", b_full, None, {}, 404, "not_found", "id"),
    ("another company's patch", "PATCH", f"/api/v1/contacts/{contact_id}", b_full, {"city": "Bonn"}, {}, 404, "not_found", "id"),
    ("contact id not a number", "GET", "/api/v1/contacts/abc", a_full, None, {}, 404, "not_found", "id"),
    ("per_page 501", "GET", "/api/v1/contacts?per_page=501", a_full, None, {}, 400, "invalid_field", "per_page"),
    ("page 0", "GET", "/api/v1/contacts?page=0", a_full, None, {}, 400, "invalid_field", "page"),
    ("note without text", "POST", f"/api/v1/contacts/{contact_id}/notes", a_full, {}, {}, 400, "invalid_field", "text"),
    ("note text not a string", "POST", f"/api/v1/contacts/{contact_id}/notes", a_full, {"text": 5}, {}, 400, "invalid_field", "text"),
    ("note unknown key", "POST", f"/api/v1/contacts/{contact_id}/notes", a_full, {"text": "x", "pinned": True}, {}, 400, "invalid_field", "pinned"),
    ("contact without e-mail", "POST", "/api/v1/contacts", a_full, {"first_name": "X"}, {}, 400, "invalid_field", "email"),
    ("contact bad country", "POST", "/api/v1/contacts", a_full, {"email": "c@x.de", "country": "Deutschland"}, {}, 400, "invalid_field", "country"),
    ("patch unknown key", "PATCH", f"/api/v1/contacts/{contact_id}", a_full, {"shoe_size": 44}, {}, 400, "invalid_field", "shoe_size"),
    ("patch e-mail to null", "PATCH", f"/api/v1/contacts/{contact_id}", a_full, {"email": None}, {}, 400, "invalid_field", "email"),
    ("patch status to null", "PATCH", f"/api/v1/contacts/{contact_id}", a_full, {"status": None}, {}, 400, "invalid_field", "status"),
    ("settings unknown key", "PUT", "/api/v1/settings", a_full, {"colour": "red"}, {}, 400, "invalid_field", "colour"),
    ("settings interval 5", "PUT", "/api/v1/settings", a_full, {"import_interval_s": 5}, {}, 400, "invalid_field", "import_interval_s"),
    ("settings mode", "PUT", "/api/v1/settings", a_full, {"backsync_mode": "auto"}, {}, 400, "invalid_field", "backsync_mode"),
    ("unknown route", "GET", "/api/v1/leads", a_full, None, {}, 404, "not_found", None),
    ("wrong method", "DELETE", "/api/v1/settings", a_full, None, {}, 405, "method_not_allowed", None),
]
check(len(bad_cases) >= 40, f"at least 40 bad inputs ({len(bad_cases)})")
for name, method, path, tok, b, hdrs, status, code, field in bad_cases:
    before = counts(db)
    raw = b if isinstance(b, bytes) else None
    st, doc, _ = c.request(method, path, tok, None if raw is not None else b, hdrs, raw=raw)
    after = counts(db)
    ok = st == status and doc is not None and doc.get("error", {}).get("code") == code \
        and doc["error"].get("field") == field
    check(ok, f"bad input '{name}': want {status} {code} {field}, got {st} {doc}")
    check(before == after, f"bad input '{name}' wrote nothing ({before} → {after})")

# ---- the company CLI works while serve runs on the same database ----------------------------

from harness import IMMOSYNC, run
import json as _json
r = run([IMMOSYNC, "company", "create", "--name", "Makler C", "--owner-email", "c@example.de",
         "--db", db])
check(r.returncode == 0, f"company create while serve runs ({r.stderr})")
c_token = _json.loads(r.stdout)["api_token"] if r.returncode == 0 else ""
st, doc, _ = c.request("GET", "/api/v1/settings", c_token)
check(st == 200, f"serve accepts the new company's token at once ({st})")
r = run([IMMOSYNC, "company", "token", "create", "--company", str(a_id), "--scope", "ingest",
         "--db", db])
tok2 = _json.loads(r.stdout) if r.returncode == 0 else {}
st, _, _ = c.request("POST", "/api/v1/conversions", tok2.get("api_token"), conversion(email="cli@example.de"))
check(st == 201, f"a token made while serve runs works ({st})")
r = run([IMMOSYNC, "company", "token", "revoke", "--company", str(a_id), "--token-id",
         str(tok2.get("token_id")), "--db", db])
st, doc, _ = c.request("POST", "/api/v1/conversions", tok2.get("api_token"), conversion(email="cli@example.de"))
check(r.returncode == 0 and st == 401, f"a token revoked while serve runs is refused ({st})")
r = run([IMMOSYNC, "company", "list", "--db", db])
check(r.returncode == 0 and len(_json.loads(r.stdout)) == 3, "company list while serve runs")
secrets = [c_token, tok2.get("api_token", "")]

# ---- no secret anywhere ------------------------------------------------------------------

rc, _ = srv.stop()
check(rc == 0, "serve stopped cleanly")
log = srv.log()
for t in [a_full, b_full, a_ingest] + secrets:
    check(t not in log, "no token in the server log")
    with open(db, "rb") as f:
        check(t.encode() not in f.read(), "no token in the database file")
check("event=http.request" in log and "ts=" in log, "the server logged requests in logfmt")
finish()
