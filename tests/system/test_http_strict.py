"""Issue #16 (part): sloppy HTTP gets one clear answer and changes nothing.

- A header that must come once (Authorization, Content-Length, Content-Type,
  Transfer-Encoding, Idempotency-Key, Host) given twice: 400 naming it; the first
  Authorization used to win.
- Content-Length together with Transfer-Encoding (how request smuggling starts): 400.
- HEAD is answered wherever GET is (/healthz answered 404 before), without a body.
- The JSON API takes bodies only as application/json: text/plain, a form, XML and no
  Content-Type at all got 201 before; now 415, nothing stored. A charset parameter is
  fine.
Every refusal leaves every table's row count as it was.
- onoffice-emu's control endpoints refuse another Origin (a page in a developer's
  browser could plant addresses) and a Host that is not loopback (DNS rebinding).
"""
import json
import os
import socket

from api_util import table_counts as counts, company, conversion, serve
from emu_util import Emu
from harness import check, finish, sanitizer_clean, tmpdir


def raw(srv, data):
    """Sends data on a new connection; returns (status, headers text, body bytes)."""
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    head, _, body = out.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, head.decode(errors="replace"), body


def post(tok, body, ctype=b"application/json", extra=b""):
    head = b"POST /api/v1/conversions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok
    if ctype is not None:
        head += b"\r\nContent-Type: " + ctype
    return head + extra + b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) \
        + body


d = tmpdir()
db = os.path.join(d, "immosync.db")
cid, tok = company(db, "Muster Immobilien", "owner@example.de")
tok = tok.encode()
srv = serve(db)
body = json.dumps(conversion()).encode()


def refused(what, data, status, code, field=None):
    before = counts(db)
    st, _, b = raw(srv, data)
    try:
        err = json.loads(b)["error"]
    except (ValueError, KeyError, TypeError):
        err = {}
    check(st == status and err.get("code") == code and (field is None or err.get("field") == field),
          f"{what}: {status} {code} {field or ''} ({st} {b[:160]})")
    check(counts(db) == before, f"{what}: nothing changed")


for ctype in (b"text/plain", b"application/x-www-form-urlencoded", b"application/xml",
              b"multipart/form-data; boundary=x", b"application/jsonx"):
    refused(f"Content-Type {ctype.decode()}", post(tok, body, ctype), 415,
            "unsupported_media_type", "headers.Content-Type")
refused("no Content-Type", post(tok, body, None), 415, "unsupported_media_type",
        "headers.Content-Type")
refused("two Authorization headers",
        post(tok, body, extra=b"\r\nAuthorization: Bearer imk_other"), 400, "invalid_argument",
        "headers.Authorization")
refused("two Content-Type headers",
        post(tok, body, extra=b"\r\nContent-Type: text/plain"), 400, "invalid_argument",
        "headers.Content-Type")
refused("two Idempotency-Keys",
        post(tok, body, extra=b"\r\nIdempotency-Key: a\r\nIdempotency-Key: b"), 400,
        "invalid_argument", "headers.Idempotency-Key")
refused("Content-Length with Transfer-Encoding",
        b"POST /api/v1/conversions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok +
        b"\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
        b"\r\nConnection: close\r\n\r\n0\r\n\r\n", 400, "invalid_argument",
        "headers.Transfer-Encoding")

# ---- what still works ----
before = counts(db)
st, _, b = raw(srv, post(tok, body, b"Application/JSON; charset=utf-8"))
check(st == 201 and counts(db)["conversions"] == before["conversions"] + 1,
      f"application/json with a charset (any case) is taken ({st} {b[:80]})")
st, _, b = raw(srv, b"POST /api/v1/sync/stop HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               tok + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
check(st != 415, f"a POST without a body needs no Content-Type ({st} {b[:80]})")
st, head, b = raw(srv, b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check(st == 200 and b == b"" and "Content-Length: 16" in head,
      f"HEAD /healthz: 200 with GET's headers and no body ({st} {head!r} {b!r})")
st, _, b = raw(srv, b"HEAD /api/v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               tok + b"\r\nConnection: close\r\n\r\n")
check(st == 200 and b == b"", f"HEAD on an API route answers like GET, without a body ({st})")

rc, _ = srv.stop()
check(rc == 0 and sanitizer_clean(srv.log()), "serve stops cleanly")

# ---- the emulator's control endpoints ----
emu = Emu()
webid = emu.customer()["customer_web_id"]
fixture = json.dumps({"addresses": [{"Name": "Planted"}]}).encode()


def ctl(extra, host=None):
    h = (host or f"127.0.0.1:{emu.port}").encode()
    return raw(emu.srv, b"POST /_emu/customers/%s/addresses HTTP/1.1\r\nHost: %s\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d%s\r\nConnection: close"
               b"\r\n\r\n%s" % (webid.encode(), h, len(fixture), extra, fixture))


before = counts(emu.db)["addresses"]
st, _, _ = ctl(b"\r\nOrigin: http://evil.example")
check(st == 403, f"emu: a control POST from another origin is refused ({st})")
st, _, _ = ctl(b"", host="evil.example:80")
check(st == 403, f"emu: a non-loopback Host is refused ({st})")
check(counts(emu.db)["addresses"] == before, "emu: nothing was planted")
st, _, _ = ctl(b"\r\nOrigin: http://127.0.0.1:%d" % emu.port)
check(st == 201 and counts(emu.db)["addresses"] == before + 1,
      f"emu: its own origin, and a plain loopback call, still work ({st})")
check(emu.stop_clean(), "onoffice-emu stops cleanly")
finish()
