"""Issue #9: a request that does not mean what it says does nothing.

libmicrohttpd hands paths, query values and header values over as C strings, so a NUL
cut them short: `DELETE /api/v1/contacts/159%00/notes/1` erased contact 159, `/healthz%00`
answered 200, `Bearer <token>\\0garbage` authenticated and two Idempotency-Keys differing
after a NUL collided. Each request below carries a NUL (or another control byte) in a
different place - percent-encoded in the path and in a query value, raw in the request
line, in Authorization, Idempotency-Key and Content-Type - and must get 400 with a JSON
error, with the row count of every table of the database unchanged. The same holds for
onoffice-emu's API and control routes (same HTTP layer). Positive controls show that the
same requests without the NUL do change data, so the counts can tell.

Requests go over raw sockets: Python's http.client refuses control bytes in a URL.
"""
import json
import os
import socket

from api_util import table_counts as counts, Client, company, conversion, serve
from emu_util import Emu, CREATE, action, envelope, signed
from harness import check, finish, sanitizer_clean, tmpdir


def raw(srv, head, body=b""):
    """Sends head (bytes up to and without the empty line) and body on a new connection;
    returns (status, parsed JSON or None)."""
    if body:
        head += b"\r\nContent-Length: " + str(len(body)).encode()
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    try:
        s.sendall(head + b"\r\nConnection: close\r\n\r\n" + body)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    text = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
    try:
        return status, json.loads(text)
    except ValueError:
        return status, None


def refused(srv, db, what, head, body=b"", field=None):
    """Asserts that the request gets 400 with a JSON error and changes no table."""
    before = counts(db)
    st, doc = raw(srv, head, body)
    err = (doc or {}).get("error") or {}
    check(st == 400 and err.get("code") == "invalid_argument",
          f"{what}: 400 invalid_argument ({st} {doc})")
    if field is not None:
        check(err.get("field") == field, f"{what}: the error names {field} ({err.get('field')})")
    check(counts(db) == before, f"{what}: every table's row count unchanged")


d = tmpdir()
db = os.path.join(d, "immosync.db")
cid, tok = company(db, "Muster Immobilien", "owner@example.de")
srv = serve(db)
api = Client(srv)
st, doc, _ = api.request("POST", "/api/v1/conversions", tok, conversion())
check(st == 201, f"a conversion makes a contact ({st})")
contact = doc["contact_id"] if doc else 0
H = b"Host: x\r\nAuthorization: Bearer " + tok.encode()
conv = json.dumps(conversion(email="bernd@example.de")).encode()

# ---- the erasing request of the issue, and its relatives ----
refused(srv, db, "DELETE contacts/{id}%00/notes/1",
        b"DELETE /api/v1/contacts/%d%%00/notes/1 HTTP/1.1\r\n" % contact + H, field="path")
st, doc, _ = api.request("GET", f"/api/v1/contacts/{contact}", tok)
check(st == 200 and doc and not doc.get("erased") and doc.get("email") == "anna.schmidt@example.de",
      f"the contact is intact after the %00 request ({st} {doc})")
refused(srv, db, "a raw NUL in the path",
        b"DELETE /api/v1/contacts/%d\x00/notes/1 HTTP/1.1\r\n" % contact + H)
refused(srv, db, "%01 in the path", b"DELETE /api/v1/contacts/%d%%01 HTTP/1.1\r\n" % contact + H)
refused(srv, db, "a raw NUL in the method", b"DELETE\x00X /api/v1/contacts/%d HTTP/1.1\r\n"
        % contact + H)
refused(srv, db, "/healthz%00.html", b"GET /healthz%00.html HTTP/1.1\r\nHost: x", field="path")

# ---- query values ----
refused(srv, db, "%00 in a query value", b"GET /api/v1/contacts?query=anna%00x HTTP/1.1\r\n" + H,
        field="query.query")
refused(srv, db, "a raw NUL in a query value",
        b"GET /api/v1/contacts?query=anna\x00x HTTP/1.1\r\n" + H)
refused(srv, db, "%0A in a query name", b"GET /api/v1/contacts?a%0Ab=1 HTTP/1.1\r\n" + H,
        field="query")

# ---- headers we read ----
post = b"POST /api/v1/conversions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
refused(srv, db, "a NUL in Authorization",
        post + b"Authorization: Bearer " + tok.encode() + b"\x00garbage", conv,
        field="headers.Authorization")
refused(srv, db, "a NUL in Idempotency-Key (ab\\0cd)",
        post + b"Authorization: Bearer " + tok.encode() + b"\r\nIdempotency-Key: ab\x00cd", conv,
        field="headers.Idempotency-Key")
refused(srv, db, "a NUL in Idempotency-Key (ab\\0XX)",
        post + b"Authorization: Bearer " + tok.encode() + b"\r\nIdempotency-Key: ab\x00XX", conv,
        field="headers.Idempotency-Key")
refused(srv, db, "a NUL in Content-Type",
        b"POST /api/v1/conversions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok.encode()
        + b"\r\nContent-Type: application/json\x00; charset=latin1", conv,
        field="headers.Content-Type")
refused(srv, db, "a control byte (0x01) in a header",
        post + b"Authorization: Bearer " + tok.encode() + b"\r\nX-Note: a\x01b", conv,
        field="headers.X-Note")
refused(srv, db, "a NUL in the last header line",
        post + b"Authorization: Bearer " + tok.encode() + b"\r\nIdempotency-Key: ab\x00", conv)
refused(srv, db, "a folded header line",
        post + b"Authorization: Bearer " + tok.encode() + b"\r\nIdempotency-Key: ab\r\n cd", conv,
        field="headers")

# ---- from the review: names that are not ASCII, lines without a name, no headers ----
refused(srv, db, "a NUL after a header name that is not UTF-8",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-\xff: a\x00b", field="headers")
refused(srv, db, "%00 behind a query name that is not UTF-8", b"GET /healthz?%FF=%00 HTTP/1.1\r\nHost: x",
        field="query")
refused(srv, db, "a header line without a name", b"GET /healthz HTTP/1.1\r\nHost: x\r\n: v",
        field="headers")
refused(srv, db, "a header line starting with a NUL",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\x00X-A: ab", field="headers")
refused(srv, db, "a raw NUL in the path before a query with a secret",
        b"GET /api/v1/x\x00y?signature=SECRETSIG&a=1 HTTP/1.1\r\nHost: x")
# A request with no header at all (what load balancers send) passes the head check; under
# AddressSanitizer/UBSan this once crashed the server (qsort of no headers).
s = socket.create_connection((srv.host, srv.port), timeout=10)
s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
answer = s.recv(4096)
s.close()
check(answer.startswith(b"HTTP/1.1 200") or answer.startswith(b"HTTP/1.0 200"),
      f"HTTP/1.0 without headers: 200 ({answer[:40]})")

# ---- positive controls: the same requests without the NUL do change data ----
before = counts(db)
st, _ = raw(srv, post + b"Authorization: Bearer " + tok.encode() + b"\r\nIdempotency-Key: abcd"
            b"\r\nX-Note: a\tb", conv)
check(st == 201, f"the conversion without the NUL (a TAB in X-Note) is stored ({st} {_})")
check(counts(db)["conversions"] == before["conversions"] + 1, "…and the counts show it")
st, doc = raw(srv, b"GET /api/v1/contacts?query=anna HTTP/1.1\r\n" + H)
check(st == 200, f"the query without the NUL answers ({st})")
st, _ = raw(srv, b"GET /healthz HTTP/1.1\nHost: x")
check(st == 200, f"bare-LF line ends still work ({st})")
st, doc = raw(srv, b"DELETE /api/v1/contacts/%d HTTP/1.1\r\n" % contact + H)
check(st == 200 and doc and doc.get("erased"), f"the plain DELETE erases ({st} {doc})")

rc, _ = srv.stop()
log = srv.log()
check(rc == 0 and sanitizer_clean(log), "serve stops cleanly")
check("path=/api/v1/contacts/%d%%00/notes/1" % contact in log,
      "the log shows the path as sent, %00 visible")
check(f"path=\"/api/v1/contacts/{contact}%00/notes/1\"" in log
      or f"path=/api/v1/contacts/{contact}%00/notes/1" in log,
      "the log shows a raw NUL in the path escaped as %00")
check(tok not in log, "no token in the log")
check("SECRETSIG" not in log and "path=/api/v1/x%00y " in log,
      "a raw NUL before the query: the log shows the path, never the query")

# ---- onoffice-emu: its API and its control routes ----
emu = Emu()
cust = emu.customer()
creds = {"token": cust["token"], "secret": cust["secret"]}
webid = cust["customer_web_id"]
create = json.dumps(envelope(creds, [signed(creds, action(
    "create", "address", {"Name": "Muster", "Vorname": "Anna", "email": "anna@example.de"}))]))
create = create.encode()
epost = b"POST /api/stable/api.php%%00x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
refused(emu.srv, emu.db, "emu: %00 in the API path", epost, create, field="path")
refused(emu.srv, emu.db, "emu: a NUL in Content-Type",
        b"POST /api/stable/api.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\x00x",
        create, field="headers.Content-Type")
refused(emu.srv, emu.db, "emu: %00 in a control path",
        b"DELETE /_emu/customers/%s%%00/addresses HTTP/1.1\r\nHost: x" % webid.encode(),
        field="path")
refused(emu.srv, emu.db, "emu: %00 in a control query",
        b"GET /_emu/counters?x=%00 HTTP/1.1\r\nHost: x", field="query.x")
before = counts(emu.db)
st, doc = raw(emu.srv, b"POST /api/stable/api.php HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json", create)
check(st == 200 and doc["status"]["errorcode"] == 0
      and counts(emu.db)["addresses"] == before["addresses"] + 1,
      f"emu: the same create without the NUL adds an address ({st} {doc})")
check(emu.stop_clean(), "onoffice-emu stops cleanly")
finish()
