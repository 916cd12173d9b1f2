"""onoffice-emu control endpoints (requirements §8.3): counters, faults (error rate, before/after,
latency that does not serialise, dropped connections), the peak of concurrent API requests
(issue #11), clock offset, validation, loopback only; persistence across a restart; HTTPS
with a throwaway certificate."""
import http.client
import json
import os
import socket
import ssl
import subprocess
import threading
import time

from emu_util import Emu, envelope, read_address, signed, status_of
from harness import EMU, Server, check, finish, run, sanitizer_clean

emu = Emu()
cust = emu.customer()
web = cust["customer_web_id"]
emu.fixtures(web, [{"Vorname": "Max", "Name": "Mustermann"}])
READ = read_address({"data": ["Name"]})


def counters():
    st, doc = emu.ctl("GET", "/_emu/counters")
    assert st == 200, doc
    return doc


def faults(**kw):
    return emu.ctl("PUT", "/_emu/faults", kw)


def api_once(conn=None):
    """One signed read; returns (HTTP status, parsed JSON)."""
    body = envelope(cust, [signed(cust, READ)])
    st, _, data = emu.raw("POST", "/api/stable/api.php", body, conn=conn)
    return st, json.loads(data)


# ---- counters move (and DELETE resets them) ----
c0 = counters()
conn = emu.conn()
for _ in range(3):
    api_once(conn)
emu.call(cust, READ, {"actionid": READ["actionid"].replace("read", "get"), "resourceid": "",
                      "identifier": "", "resourcetype": "fields", "parameters": {}}, conn=conn)
conn.close()
c1 = counters()
check(c1["requests"].get("read/address", 0) - c0["requests"].get("read/address", 0) == 4,
      "counters: 4 read/address actions")
check(c1["requests"].get("get/fields", 0) == 1 and c1["actions"] - c0["actions"] == 5,
      "counters: get/fields 1, actions 5")
check(c1["http_requests"] - c0["http_requests"] == 4, "counters: 4 API HTTP requests")
check(c1["bytes_in"] > c0["bytes_in"] and c1["bytes_out"] > c0["bytes_out"], "counters: bytes")
check(c1["connections"] - c0["connections"] == 2,
      "counters: 4 requests over one keep-alive connection count as 1 (+1 for the counter call)")
st, c2 = emu.ctl("DELETE", "/_emu/counters")
check(st == 200 and c2["requests"] == {} and c2["http_requests"] == 0, "DELETE resets counters")

# ---- validation of control bodies ----
for body, field in (({"error_rate": 2}, "error_rate"), ({"error_rate": "0.5"}, "error_rate"),
                    ({"mode": "sideways"}, "mode"), ({"latency_ms": -1}, "latency_ms"),
                    ({"latency_ms": 1.5}, "latency_ms"), ({"drop_rate": -0.1}, "drop_rate"),
                    ({"chaos": 1}, "chaos")):
    st, doc = faults(**body)
    check(st == 400 and doc["error"]["field"] == field, f"PUT faults {body} → 400 naming {field}")
st, doc = emu.ctl("PUT", "/_emu/faults", b"[1]")
check(st == 400 and doc["error"]["code"] == "invalid_json", "PUT faults with a non-object → 400")
for body in ({"offset_s": "x"}, {"offset_s": 1.5}, {}, {"offset_s": 1, "x": 2},
             {"offset_s": 10 ** 12}):
    st, doc = emu.ctl("PUT", "/_emu/clock", body)
    check(st == 400 and doc["error"]["field"] == "offset_s", f"PUT clock {body} → 400 naming offset_s")
st, doc = emu.ctl("GET", "/_emu/faults")
check(st == 200 and doc["error_rate"] == 0 and doc["mode"] == "before", "refused bodies changed nothing")

# ---- error rate within tolerance, counted ----
st, doc = faults(error_rate=0.3)
check(st == 200 and doc["error_rate"] == 0.3, "PUT faults error_rate 0.3")
before = counters()["faults"]["error"]
conn = emu.conn()
errors, n, ok_shape = 0, 300, False
for _ in range(n):
    st, doc = api_once(conn)
    if doc["status"]["code"] == 500:
        errors += 1
        ok_shape = st == 200 and doc["response"] == [] and doc["status"]["errorcode"] != 0
conn.close()
check(60 <= errors <= 120, f"error_rate 0.3: {errors} of {n} failed (expected about 90)")
check(ok_shape, "an injected error is HTTP 200 with top-level status code 500")
check(counters()["faults"]["error"] - before == errors, "every injected error is counted")

# before vs after: in "after" mode the action ran (it is counted) and the answer still fails
faults(error_next=1, mode="before")
k0 = counters()["requests"].get("read/address", 0)
st, doc = api_once()
k1 = counters()["requests"].get("read/address", 0)
check(doc["status"]["code"] == 500 and k1 == k0, "mode before: fails without processing")
faults(error_next=1, mode="after")
st, doc = api_once()
k2 = counters()["requests"].get("read/address", 0)
check(doc["status"]["code"] == 500 and k2 == k1 + 1, "mode after: processed, then fails")
st, doc = api_once()
check(st == 200 and doc["status"]["code"] == 200, "error_next counts down to normal answers")
faults(error_next=1, error_http=True)
st, doc = api_once()
check(st == 500 and doc["status"]["code"] == 500, "error_http: the injected error is HTTP 500")
faults()

# ---- drop: the connection closes without an answer ----
faults(drop_next=1)
d0 = counters()["faults"]["drop"]
conn = emu.conn()
dropped = False
try:
    api_once(conn)
except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine):
    dropped = True
conn.close()
check(dropped, "drop_next 1: the request gets no answer, the connection closes")
st, doc = api_once()
check(st == 200 and status_of(doc["response"]["results"][0]) == 0, "the next request is answered")
faults(drop_rate=0.5)
drops = 0
for _ in range(40):
    try:
        api_once()
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine):
        drops += 1
check(5 <= drops <= 35, f"drop_rate 0.5: {drops} of 40 dropped")
check(counters()["faults"]["drop"] - d0 == drops + 1, "every drop is counted")
faults()

# ---- latency does not serialise concurrent requests ----
st, c = emu.ctl("DELETE", "/_emu/counters")
check(c["concurrent"] == 0 and c["peak_concurrent"] == 0, "reset: no request in flight, peak 0")
faults(latency_ms=800)
t0 = time.monotonic()
api_once()
single = time.monotonic() - t0
check(single >= 0.8, f"latency 800 ms delays a request ({single:.2f} s)")
c = counters()
check(c["peak_concurrent"] == 1 and c["concurrent"] == 0,
      f"one request at a time: peak_concurrent 1, none in flight now ({c['peak_concurrent']}, "
      f"{c['concurrent']})")
times = []


def worker():
    t = time.monotonic()
    api_once()
    times.append(time.monotonic() - t)


t0 = time.monotonic()
ths = [threading.Thread(target=worker) for _ in range(2)]
for t in ths:
    t.start()
for t in ths:
    t.join()
both = time.monotonic() - t0
check(len(times) == 2 and min(times) >= 0.8 and both < 1.4,
      f"two concurrent slow requests take ~1x, not 2x ({both:.2f} s)")
check(counters()["faults"]["latency"] >= 3, "delayed requests are counted")
check(counters()["peak_concurrent"] >= 2, "two concurrent requests: peak_concurrent ≥ 2")

# peak_concurrent counts requests inside the handler at one moment: 5 threads, each waiting
# 800 ms in the emulator; while they wait, `concurrent` shows them (counted, not timed)
ths = [threading.Thread(target=api_once) for _ in range(5)]
for t in ths:
    t.start()
seen = 0
while any(t.is_alive() for t in ths):
    seen = max(seen, counters()["concurrent"])
    time.sleep(0.02)
for t in ths:
    t.join()
c = counters()
check(seen >= 2 and c["peak_concurrent"] >= seen,
      f"5 parallel slow requests: concurrent seen {seen}, peak_concurrent {c['peak_concurrent']}")
check(c["peak_concurrent"] <= 5 and c["concurrent"] == 0,
      f"peak ≤ 5 requests sent; none in flight afterwards ({c['peak_concurrent']}, "
      f"{c['concurrent']})")
st, c = emu.ctl("DELETE", "/_emu/counters")
check(st == 200 and c["peak_concurrent"] == 0 and c["concurrent"] == 0,
      "DELETE resets peak_concurrent (to the requests in flight: none)")
faults()

# ---- clock offset ----
st, doc = emu.ctl("PUT", "/_emu/clock", {"offset_s": 300})
check(st == 200 and doc["offset_s"] == 300, "PUT clock offset 300 s")
res = emu.result(cust, READ)
check(status_of(res) == 136, "a fresh timestamp is now stale → 136")
res = emu.result(cust, READ, sign_ts=int(time.time()) + 300)
check(status_of(res) == 0, "a timestamp on the emulator's clock is accepted")
emu.ctl("PUT", "/_emu/clock", {"offset_s": 86400})
ids = emu.fixtures(web, [{"Name": "Morgen"}])
st, clk = emu.ctl("GET", "/_emu/clock")
res = emu.result(cust, read_address({"data": ["Aenderung"]}, ids[0]),
                 sign_ts=int(time.time()) + 86400)
aend = res["data"]["records"][0]["elements"]["Aenderung"]
check(clk["now_unix"] - time.time() > 86000 and aend[:13] == clk["now_berlin"][:13],
      f"writes take Aenderung from the shifted clock ({aend}, emulator now {clk['now_berlin']})")
emu.ctl("PUT", "/_emu/clock", {"offset_s": 0})
check(status_of(emu.result(cust, READ)) == 0, "offset 0: fresh timestamps work again")

# ---- persistence across a restart ----
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"claim_required": True})
faults(latency_ms=5, error_rate=0.01)
emu.ctl("PUT", "/_emu/clock", {"offset_s": 7})
before = counters()
check(before["http_requests"] > 0 and before["requests"], "positive control: counters moved")
emu.restart()
after = counters()
check(all(after[k] == before[k] for k in ("requests", "actions", "http_requests", "bytes_in",
                                          "bytes_out", "gzip_responses", "faults",
                                          "recent_timestamps")),
      f"a clean restart keeps the counters ({before} vs {after})")
check(before["peak_concurrent"] >= 1 and after["peak_concurrent"] == 0,
      "peak_concurrent describes this run of the server: 0 after a restart")
check(after["connections"] == before["connections"] + 1,
      f"connections go on counting after a restart ({before['connections']} → "
      f"{after['connections']}, +1 for this GET)")
st, cfg = emu.ctl("GET", f"/_emu/customers/{web}/config")
st2, f = emu.ctl("GET", "/_emu/faults")
st3, clk = emu.ctl("GET", "/_emu/clock")
check(cfg["claim_required"] is True, "restart keeps the customer configuration")
check(f["latency_ms"] == 5 and f["error_rate"] == 0.01, "restart keeps the faults")
check(clk["offset_s"] == 7, "restart keeps the clock offset")
faults()
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"claim_required": False})  # enforced (#4)
res = emu.result(cust, read_address({"data": ["Name"], "listlimit": 10}), sign_ts=int(time.time()) + 7)
check(status_of(res) == 0 and [r["elements"]["Name"] for r in res["data"]["records"]] ==
      ["Mustermann", "Morgen"], "restart keeps customers (token, secret) and addresses")
check(counters()["http_requests"] == before["http_requests"] + 1,
      "the counters go on from there (one API request more)")
emu.ctl("DELETE", "/_emu/counters")
emu.restart()
c = counters()
check(c["http_requests"] == 0 and c["requests"] == {} and c["connections"] == 1,
      f"a reset before a restart stays reset ({c})")
emu.ctl("PUT", "/_emu/clock", {"offset_s": 0})
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")


# ---- loopback only ----
def own_address():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))
        return s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()


ip = own_address()
if ip and not ip.startswith("127."):
    wide = Server([EMU, "serve", "--listen", "0.0.0.0:0", "--db", emu.db])
    port = wide.port
    c = http.client.HTTPConnection(ip, port, timeout=10)
    c.request("GET", "/_emu/counters")
    r = c.getresponse()
    body = r.read()
    check(r.status == 403 and b"loopback" in body, f"control from {ip} (not loopback) → 403")
    c.request("PUT", "/_emu/faults", body=b'{"error_rate": 1}')
    r = c.getresponse()
    r.read()
    check(r.status == 403, "PUT faults from a non-loopback peer → 403")
    c.request("POST", "/api/stable/api.php",
              body=json.dumps(envelope(cust, [signed(cust, READ)])).encode())
    r = c.getresponse()
    check(r.status == 200 and json.loads(r.read())["status"]["code"] == 200,
          "positive control: the API itself answers that peer")
    c.close()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/_emu/faults")
    r = c.getresponse()
    check(r.status == 200 and b"error_rate" in r.read(), "the same server answers loopback")
    c.close()
    wide.stop()
else:
    print("note: no non-loopback address here; the 403 path is not exercised")

# ---- HTTPS with a throwaway certificate ----
d = emu.dir
cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True, text=True)
check(p.returncode == 0, "openssl made a throwaway certificate")
r = run([EMU, "serve", "--listen", "127.0.0.1:0", "--db", emu.db, "--tls-cert", cert])
check(r.returncode == 2 and "--tls-key" in r.stderr, "--tls-cert without --tls-key exits 2")
r = run([EMU, "serve", "--listen", "127.0.0.1:0", "--db", emu.db, "--tls-cert", "/nonexistent",
         "--tls-key", key])
check(r.returncode == 2 and "--tls-cert" in r.stderr, "an unreadable --tls-cert exits 2 naming it")
tls = Server([EMU, "serve", "--listen", "127.0.0.1:0", "--db", emu.db, "--tls-cert", cert,
              "--tls-key", key])
check(tls.url.startswith("https://"), f"prints listening on https:// ({tls.url})")
ctx = ssl.create_default_context(cafile=cert)
c = http.client.HTTPSConnection("127.0.0.1", tls.port, context=ctx, timeout=10)
c.request("POST", "/api/stable/api.php", body=json.dumps(envelope(cust, [signed(cust, READ)])),
          headers={"Content-Type": "application/json"})
r = c.getresponse()
doc = json.loads(r.read())
check(r.status == 200 and status_of(doc["response"]["results"][0]) == 0,
      "a signed read over TLS (certificate verified)")
c.close()
plain_failed = False
try:
    c = http.client.HTTPConnection("127.0.0.1", tls.port, timeout=5)
    c.request("GET", "/healthz")
    r = c.getresponse()
    plain_failed = r.status != 200
except (http.client.HTTPException, OSError):
    plain_failed = True
check(plain_failed, "plain HTTP to the TLS port fails")
untrusted = False
try:
    c = http.client.HTTPSConnection("127.0.0.1", tls.port, context=ssl.create_default_context(),
                                    timeout=5)
    c.request("GET", "/healthz")
    c.getresponse()
except ssl.SSLError:
    untrusted = True
check(untrusted, "without the CA the certificate is refused")
rc, _ = tls.stop()
check(rc == 0 and sanitizer_clean(tls.log()), "the TLS server stops cleanly")
finish()
