"""docs/openapi.yaml is the JSON API as it stands (issue #19).

Python's standard library parses neither YAML nor JSON Schema, so the node tool
tools/openapi/openapi.mjs does both (its packages are pinned by
tools/openapi/package-lock.json and installed by scripts/install-deps.sh with `npm ci`):
`check` validates the document as OpenAPI 3.1 (@seriousme/openapi-schema-validator) and
the success examples against their request schemas, and prints the document as JSON for
this file; `answers` validates every answer collected here against the documented
response schemas (ajv). Without node or the packages this test fails; it never skips.

1. The routes: every (method, path, scope) of API_ROUTES (read from src/api/api.h with a
   regex; IMMO_API_ROUTES_FILE names another file, which is how a route added without
   the document is shown to fail) is an operation of the document with that `x-scope`,
   and the document has no other operation. The error codes of the Error schema are the
   slugs of ERR_MAP (src/core/err.h).
2. Against a real serve linked to onoffice-emu, with four companies (main: linked and
   imported; fresh: linked, never started; unlinked; revoked: onOffice refuses its
   secret): every request example, parameter example and `x-cases` entry of every
   operation is sent and must get its expected status (and error code and field); every
   operation is also called without a token (401), with an ingest token when it needs
   full (403), with a control byte in the query (400 invalid_argument) and, when it has a
   body, with 64 KiB + 1 (413). Path ids come from fresh fixtures (a contact, a failed
   transfer) unless an example names one.
3. Every answer's status is documented for its operation, its body matches the schema,
   an error's code is among those documented for that status, and every documented 4xx
   error code was provoked at least once (unless its example says `x-untested`).
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse

from api_util import Client, company, token
from harness import check, finish, tmpdir
from import_util import World

SRC = os.environ.get("IMMO_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
DOC = os.path.join(SRC, "docs", "openapi.yaml")
TOOL = os.path.join(SRC, "tools", "openapi", "openapi.mjs")
ROUTES_FILE = os.environ.get("IMMO_API_ROUTES_FILE", os.path.join(SRC, "src", "api", "api.h"))
ERR_FILE = os.path.join(SRC, "src", "core", "err.h")
METHODS = ["get", "put", "post", "delete", "patch"]
SCOPES = {"TOKEN_INGEST": "ingest", "TOKEN_FULL": "full"}
BODY_CAP = 64 * 1024


def node(*args):
    if not shutil.which("node"):
        print("FAIL: node is not installed (scripts/install-deps.sh installs it)", flush=True)
        check(False, "node available")
        finish()
    if not os.path.isdir(os.path.join(SRC, "tools", "openapi", "node_modules", "@seriousme")):
        print("FAIL: tools/openapi/node_modules is missing: run scripts/install-deps.sh "
              "(npm ci in tools/openapi)", flush=True)
        check(False, "the validator is installed")
        finish()
    return subprocess.run(["node", TOOL, *args], capture_output=True, text=True, timeout=120)


# ---- 1. the document against the C source -------------------------------------------------

r = node("check", DOC)
check(r.returncode == 0, f"docs/openapi.yaml is valid OpenAPI 3.1 and its examples match "
                         f"their schemas ({r.stderr.strip()[:2000]})")
if r.returncode != 0:
    finish()
doc = json.loads(r.stdout)

with open(ROUTES_FILE, encoding="utf-8") as f:
    src = f.read()
m = re.search(r"#define API_ROUTES\(X\)(.*?)(?:\n\s*\n|\n#)", src, re.S)
check(m is not None, f"API_ROUTES found in {ROUTES_FILE}")
rows = re.findall(r'X\(\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*(TOKEN_[A-Z]+)', m.group(1) if m else "")
check(len(rows) >= 20, f"{len(rows)} routes read from API_ROUTES (positive control)")
in_c = {(meth, path): SCOPES.get(scope, scope) for meth, path, scope in rows}
in_doc = {}
for path, item in doc["paths"].items():
    for meth in METHODS:
        if meth in item:
            in_doc[(meth.upper(), path)] = item[meth].get("x-scope")
missing = sorted(set(in_c) - set(in_doc))
extra = sorted(set(in_doc) - set(in_c))
check(not missing, "every route of API_ROUTES is in docs/openapi.yaml; missing: " +
      ", ".join(f"{a} {b}" for a, b in missing))
check(not extra, "every operation of docs/openapi.yaml is a route of API_ROUTES; not in C: " +
      ", ".join(f"{a} {b}" for a, b in extra))
wrong_scope = [(k, in_c[k], in_doc[k]) for k in set(in_c) & set(in_doc) if in_c[k] != in_doc[k]]
check(not wrong_scope, f"x-scope equals the route's token scope ({wrong_scope})")

with open(ERR_FILE, encoding="utf-8") as f:
    slugs = set(re.findall(r'X\(\s*[A-Z_]+\s*,\s*"([a-z_]+)"\s*,\s*\d+', f.read())) - {"ok"}
documented_slugs = set(doc["components"]["schemas"]["Error"]["properties"]["error"]
                       ["properties"]["code"]["enum"])
check(len(slugs) > 10 and slugs == documented_slugs,
      f"the Error codes are the slugs of ERR_MAP (only in C: {sorted(slugs - documented_slugs)}, "
      f"only in the document: {sorted(documented_slugs - slugs)})")
if missing or extra:
    finish()


def deref(obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node_ = doc
        for part in obj["$ref"][2:].split("/"):
            node_ = node_[part.replace("~1", "/").replace("~0", "~")]
        obj = node_
    return obj


# ---- 2. a real server, linked to the emulator ---------------------------------------------

w = World()
w.serve()
c = w.client
main_creds = w.customer("Main", 30, seed=5, until="2026-11-20")
main_id, main_full = w.company(main_creds, "Makler Main")
main_ingest = token(w.db, main_id, "ingest")
fresh_id, fresh_full = w.company(w.customer("Fresh", 5, seed=6, until="2026-11-20"), "Makler Fresh")
unlinked_id, unlinked_full = company(w.db, "Makler Unlinked", "owner-u@example.de")
revoked_id, revoked_full = w.company(w.customer("Revoked", 5, seed=7, until="2026-11-20"),
                                     "Makler Revoked", secret="0" * 64)
COMPANIES = {"main": (main_id, main_full), "fresh": (fresh_id, fresh_full),
             "unlinked": (unlinked_id, unlinked_full), "revoked": (revoked_id, revoked_full)}

st, _ = w.api("POST", "sync/initial", main_full)
check(st == 202, f"main: initial sync requested ({st})")
s = w.wait_idle(main_full)
check(s is not None and s["state"] == "running" and s["import"]["done"] > 0,
      f"main: imported and running ({s})")
st, _ = w.api("POST", "sync/initial", revoked_full)
check(st == 202, f"revoked: initial sync requested ({st})")
REVOKED = "Zugriff in onOffice entzogen"
s = w.wait(lambda: (lambda s: s if any(REVOKED in x for x in s["warnings"]) else None)(
    w.status(revoked_full)), timeout=30)
check(s is not None, "revoked: onOffice refused the secret and the link is revoked")

fixture_n = [0]


def make_contact(cid, tok):
    fixture_n[0] += 1
    st, d, _ = c.request("POST", "/api/v1/contacts", tok,
                         {"email": f"fixture-{fixture_n[0]}@example.de", "first_name": "Fix"})
    if st != 201:
        raise RuntimeError(f"fixture contact: {st} {d}")
    return d["id"]


def make_failure(cid, tok):
    """A failed transfer (the export comes later, so one is made by hand as test_api does)."""
    fixture_n[0] += 1
    st, d, _ = c.request("POST", "/api/v1/conversions", tok, {
        "lead": {"email": f"failing-{fixture_n[0]}@example.de"},
        "conversion": {"type": "callback", "details": {}}})
    if st != 201:
        raise RuntimeError(f"fixture conversion: {st} {d}")
    con = sqlite3.connect(w.db, timeout=30)
    try:
        con.execute("UPDATE outbox SET state = 'failed', attempts = 3, last_error = "
                    "'Unknown field \"Vorname2\"' WHERE company_id = ? AND contact_id = ?",
                    (cid, d["contact_id"]))
        con.commit()
        return con.execute("SELECT max(id) FROM outbox WHERE company_id = ? AND contact_id = ?",
                           (cid, d["contact_id"])).fetchone()[0]
    finally:
        con.close()


FIXTURES = {"contact": make_contact, "failure": make_failure}
answers = []     # every answer, for the schema check
provoked = set()  # (method, path, status, code)


def success_status(op):
    if "x-success" in op:
        return int(op["x-success"])
    ok = [int(s) for s in op["responses"] if s.startswith("2")]
    return ok[0] if len(ok) == 1 else None


def documented_codes(op, status):
    resp = deref(op["responses"].get(str(status), {}))
    media = resp.get("content", {}).get("application/json", {})
    codes = {}
    for ex in media.get("examples", {}).values():
        ex = deref(ex)
        code = ex.get("value", {}).get("error", {}).get("code")
        if code:
            codes[code] = "x-untested" in ex
    return codes


def send(meth, path, op, what, company="main", path_values=None, query=None, headers=None,
         body=None, raw=None, token_kind="full", expect=None):
    cid, full = COMPANIES[company]
    tok = {"full": full, "none": None, "ingest": main_ingest}[token_kind]
    values = {}
    for p in op["_params"]:
        if p["in"] == "path":
            given = (path_values or {}).get(p["name"])
            values[p["name"]] = given if given is not None else FIXTURES[p["x-fixture"]](cid, full)
    url = path
    for k, v in values.items():
        url = url.replace("{" + k + "}", urllib.parse.quote(str(v), safe=""))
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    data = None
    if raw is not None:
        data = raw if isinstance(raw, bytes) else raw.encode()
    elif body is not None:
        data = json.dumps(body).encode()
    st, d, hdrs = c.request(meth, url, tok, raw=data, headers=headers)
    answers.append({"method": meth, "path": path, "status": st, "body": d,
                    "what": f"{meth} {path} [{what}]"})
    exp_status = (expect or {}).get("status") or success_status(op)
    ok = st == exp_status
    err = (d or {}).get("error") if isinstance(d, dict) else None
    if expect and expect.get("code"):
        ok = ok and err is not None and err.get("code") == expect["code"]
    if expect and "field" in expect:
        ok = ok and err is not None and err.get("field") == expect["field"]
    check(ok, f"{meth} {path} [{what}]: expected {exp_status} {(expect or {}).get('code', '')} "
              f"{(expect or {}).get('field', '')}, got {st} {json.dumps(d)[:300]}")
    if err:
        provoked.add((meth, path, st, err.get("code")))
        codes = documented_codes(op, st)
        check(err.get("code") in codes, f"{meth} {path} [{what}]: error {st} "
                                         f"{err.get('code')} is documented ({sorted(codes)})")
    if st == 401:
        check(hdrs.get("WWW-Authenticate") == "Bearer", f"{meth} {path}: 401 with WWW-Authenticate")
    return st, d


n_cases = 0
for path, item in doc["paths"].items():
    for meth in METHODS:
        if meth not in item:
            continue
        op = item[meth]
        M = meth.upper()
        op["_params"] = [deref(p) for p in item.get("parameters", []) + op.get("parameters", [])]
        base_body = None
        body_examples = {}
        if "requestBody" in op:
            media = deref(op["requestBody"])["content"]["application/json"]
            body_examples = {k: deref(v) for k, v in media.get("examples", {}).items()}
            good = [e for e in body_examples.values()
                    if not e.get("x-expect") or e["x-expect"]["status"] < 300]
            check(good, f"{M} {path}: at least one request example that succeeds")
            base_body = good[0]["value"] if good else {}
        for name, ex in body_examples.items():
            n_cases += 1
            send(M, path, op, f"example {name}", company=ex.get("x-company", "main"),
                 path_values=ex.get("x-path"), headers=ex.get("x-headers"),
                 body=None if ex.get("x-raw") else ex["value"],
                 raw=ex["value"] if ex.get("x-raw") else None, expect=ex.get("x-expect"))
        for p in op["_params"]:
            for name, ex in p.get("examples", {}).items():
                ex = deref(ex)
                n_cases += 1
                kw = {"path_values": {p["name"]: ex["value"]}} if p["in"] == "path" else \
                    {"query": {p["name"]: ex["value"]}} if p["in"] == "query" else \
                    {"headers": {p["name"]: str(ex["value"])}}
                send(M, path, op, f"{p['name']} example {name}", body=base_body,
                     expect=ex.get("x-expect"), **kw)
        for case in op.get("x-cases", []):
            n_cases += 1
            send(M, path, op, case["summary"], company=case.get("company", "main"),
                 path_values=case.get("path"), body=base_body, expect=case.get("expect"))
        if not body_examples:
            n_cases += 1
            send(M, path, op, "baseline", body=base_body)
        # The answers every route gives, documented for each operation.
        send(M, path, op, "no token", token_kind="none", body=base_body,
             expect={"status": 401, "code": "unauthorized"})
        if op.get("x-scope") == "full":
            send(M, path, op, "ingest token", token_kind="ingest", body=base_body,
                 expect={"status": 403, "code": "forbidden"})
        send(M, path, op, "control byte in the query", query={"q": "%00"}, body=base_body,
             expect={"status": 400, "code": "invalid_argument", "field": "query.q"})
        if "requestBody" in op:
            send(M, path, op, "body over the cap", raw=b" " * (BODY_CAP + 1),
                 expect={"status": 413, "code": "too_large"})
            send(M, path, op, "a body that is not JSON", raw=b"lead=anna",
                 headers={"Content-Type": "application/x-www-form-urlencoded"},
                 expect={"status": 415, "code": "unsupported_media_type",
                         "field": "headers.Content-Type"})

check(n_cases > 60, f"{n_cases} documented requests sent (positive control)")

# ---- 3. answers against the schemas; every documented 4xx code provoked -------------------

answers_file = os.path.join(tmpdir(), "answers.json")
with open(answers_file, "w", encoding="utf-8") as f:
    json.dump(answers, f)
r = node("answers", DOC, answers_file)
try:
    res = json.loads(r.stdout)
except json.JSONDecodeError:
    res = {"checked": 0, "problems": [r.stdout + r.stderr]}
check(res["checked"] == len(answers) and len(answers) > 100,
      f"{res['checked']} answers checked against the schemas (positive control)")
for p in res["problems"]:
    check(False, p)

for path, item in doc["paths"].items():
    for meth in METHODS:
        if meth not in item:
            continue
        op = item[meth]
        for status in op["responses"]:
            if not status.startswith(("4", "5")):
                continue
            for code, untested in documented_codes(op, status).items():
                if untested:
                    continue
                check((meth.upper(), path, int(status), code) in provoked,
                      f"{meth.upper()} {path}: the documented {status} {code} came back at least "
                      f"once (else give it an example, or x-untested with the reason)")

check(w.stop() == 0, "serve exits 0")
w.emu.stop()
finish()
