"""Helpers for the onoffice-emu black-box tests: an emulator process with its own database,
customers, HMAC v2 signing written here from onoffice-protocol §2.1 (an implementation
independent of both the emulator and src/onoffice), and plain HTTP calls.

Python standard library only.
"""
import base64
import gzip
import hashlib
import hmac
import http.client
import json
import os
import ssl
import time

from harness import EMU, Server, run, sanitizer_clean, tmpdir

URN = "urn:onoffice-de-ns:smart:2.5:smartml:action:"
READ = URN + "read"
GET = URN + "get"
CREATE = URN + "create"
MODIFY = URN + "modify"
DO = URN + "do"


def sign(token, secret, timestamp, resourcetype, actionid):
    """HMAC v2: base64(HMAC-SHA256(secret, timestamp . token . resourcetype . actionid))."""
    msg = f"{timestamp}{token}{resourcetype}{actionid}".encode()
    return base64.b64encode(hmac.new(secret.encode(), msg, hashlib.sha256).digest()).decode()


def signed(creds, action, ts=None, hmac_version=2):
    """Returns a copy of action (a dict as in the docs) with timestamp, hmac_version and hmac
    filled in for creds ({"token", "secret"}). The signature uses the action's own
    actionid and resourcetype exactly as they stand."""
    a = dict(action)
    ts = int(time.time()) if ts is None else ts
    a["timestamp"] = ts
    if hmac_version is not None:
        a["hmac_version"] = hmac_version
    a["hmac"] = sign(creds["token"], creds["secret"], ts, a.get("resourcetype", ""),
                     a.get("actionid", ""))
    return a


def envelope(creds, actions):
    return {"token": creds["token"], "request": {"actions": actions}}


class Emu:
    """An onoffice-emu serve process on 127.0.0.1:0 with a fresh database in a temp dir."""

    def __init__(self, db=None, extra=None, env=None):
        self.dir = tmpdir()
        self.db = db or os.path.join(self.dir, "emu.db")
        self.extra = extra or []
        self.env = env
        self.start()

    def start(self):
        self.srv = Server([EMU, "serve", "--listen", "127.0.0.1:0", "--db", self.db] + self.extra,
                          env=self.env)
        self.host, self.port, self.url = self.srv.host, self.srv.port, self.srv.url

    def stop(self):
        return self.srv.stop()

    def stop_clean(self):
        """Stops the server; True when it exited 0 with a sanitizer-clean log."""
        rc, _ = self.stop()
        return rc == 0 and sanitizer_clean(self.srv.log())

    def restart(self):
        self.stop()
        self.start()

    def customer(self, name="Muster Immobilien GmbH"):
        r = run([EMU, "customer", "add", "--name", name, "--db", self.db])
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        return json.loads(r.stdout)

    def seed(self, webid, count, seed=1, until=None):
        argv = [EMU, "seed", "--customer", webid, "--count", str(count), "--seed", str(seed),
                "--db", self.db]
        if until:
            argv += ["--until", until]
        return run(argv, timeout=300)

    # ---- HTTP ----

    def conn(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def raw(self, method, path, body=None, headers=None, conn=None):
        """One request; returns (status, headers dict (lower-case), body bytes)."""
        own = conn is None
        c = conn or self.conn()
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if own:
            c.close()
        return r.status, hdrs, data

    def post_api(self, doc, path="/api/stable/api.php", headers=None, conn=None):
        """POSTs doc (dict or bytes) to the API; returns the parsed JSON answer."""
        status, hdrs, data = self.raw("POST", path, doc, headers, conn)
        if hdrs.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return json.loads(data)

    def call(self, creds, *actions, sign_ts=None, conn=None, path="/api/stable/api.php"):
        """Signs each action and posts them in one request; returns the parsed answer."""
        acts = [signed(creds, a, ts=sign_ts) for a in actions]
        return self.post_api(envelope(creds, acts), path=path, conn=conn)

    def result(self, creds, action, **kw):
        """The single result of one signed action."""
        return self.call(creds, action, **kw)["response"]["results"][0]

    def ctl(self, method, path, body=None):
        status, _, data = self.raw(method, path, body)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data

    def fixtures(self, webid, addresses):
        status, doc = self.ctl("POST", f"/_emu/customers/{webid}/addresses",
                               {"addresses": addresses})
        if status != 201:
            raise RuntimeError(f"fixtures: {status} {doc}")
        return doc["ids"]


def read_address(params, resourceid=""):
    return {"actionid": READ, "resourceid": resourceid, "identifier": "", "resourcetype": "address",
            "parameters": params}


def records(result):
    return result["data"]["records"]


def ids_of(result):
    return [r["id"] for r in records(result)]


def status_of(result):
    return result["status"]["errorcode"]


def action(verb, resourcetype, params, resourceid=""):
    """An action as the docs write it (unsigned): verb is read, create, modify, get or do."""
    return {"actionid": URN + verb, "resourceid": resourceid, "identifier": "",
            "resourcetype": resourcetype, "parameters": params}


def doc_action(text):
    """An action copied verbatim from docs/onoffice-protocol.md (JSON text), parsed."""
    return json.loads(text)


def elements(result, i=0):
    """The elements of record i of a result."""
    return records(result)[i]["elements"]


def entry_values(el, prefix):
    """The values of the contact-entry keys '<prefix>__<id>' (without __Comment) of read
    elements, in key order."""
    keys = [k for k in el if k.startswith(prefix + "__") and not k.endswith("__Comment")]
    return [el[k] for k in sorted(keys, key=lambda k: int(k.split("__")[1]))]


def php_urlencode(s):
    """PHP urlencode (RFC 1738): [A-Za-z0-9._-] stay, space is '+', other bytes %XX."""
    out = []
    for b in s.encode():
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "._-"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def php_urldecode(s):
    """PHP urldecode: '+' is a space, %XX a byte (a stray '%' stays)."""
    raw = bytearray()
    i = 0
    b = s.encode()
    while i < len(b):
        if b[i:i + 1] == b"+":
            raw += b" "
            i += 1
        elif b[i:i + 1] == b"%" and i + 2 < len(b) and \
                all(chr(x) in "0123456789abcdefABCDEF" for x in b[i + 1:i + 3]):
            raw.append(int(b[i + 1:i + 3], 16))
            i += 3
        else:
            raw += b[i:i + 1]
            i += 1
    return raw.decode("utf-8", errors="surrogateescape")


def marketplace_check(url, secret):
    """Verifies a Marketplace URL's signature the way onoffice-protocol §10.3 describes
    (written here independently of emu/ and src/onoffice/): returns (ok, params)."""
    scheme, rest = url.split("://", 1)
    authority, _, path_query = rest.partition("/")
    path, _, query = ("/" + path_query).partition("?")
    host = authority.rsplit("@", 1)[-1]
    host = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
    params = {}
    for pair in query.split("&"):
        if pair:
            k, _, v = pair.partition("=")
            params[php_urldecode(k)] = php_urldecode(v)
    sig = params.pop("signature", None)
    q = "&".join(php_urlencode(k) + "=" + php_urlencode(params[k])
                 for k in sorted(params, key=lambda k: k.encode()))
    msg = f"{scheme}://{host}{path}?{q}"
    want = hmac.new(secret.encode(), msg.encode(), hashlib.sha256).hexdigest()
    return sig is not None and hmac.compare_digest(want, sig), params
