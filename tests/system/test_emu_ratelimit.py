"""onoffice-emu: the per-customer rate limit (configuration key rate_limit_per_s, issue #11).

Off by default; validated (400 naming the key); with 3 per second, of 10 signed requests in
one second of the emulator's clock 3 are answered and 7 get HTTP 429 with Retry-After: 1 and
the documented body; the counter rate_limited matches; another customer is not limited; the
next second answers again; the client (src/onoffice via oo-probe) classes 429 as retryable
and gets through on a later attempt. Which second a request falls into is read from the
wall clock around the requests (the emulator's clock offset is 0), so the checks count and
never time durations."""
import json
import os
import threading
import time

from emu_util import Emu, envelope, read_address, signed, status_of
from harness import BUILD, check, finish, run

PROBE = os.path.join(BUILD, "oo-probe")
READ = read_address({"data": ["Name"]})
TOO_MANY = {"status": {"code": 429, "errorcode": 0, "message": "Too Many Requests"}}

emu = Emu()
a = emu.customer("Limitiert GmbH")
b = emu.customer("Frei GmbH")
for c in (a, b):
    emu.fixtures(c["customer_web_id"], [{"Vorname": "Max", "Name": "Mustermann"}])


def config(cust, **patch):
    path = f"/_emu/customers/{cust['customer_web_id']}/config"
    return emu.ctl("PUT", path, patch) if patch else emu.ctl("GET", path)


def counters(reset=False):
    return emu.ctl("DELETE" if reset else "GET", "/_emu/counters")[1]


def api_once(cust, conn):
    """One signed read; returns (HTTP status, headers, parsed JSON)."""
    st, hdrs, data = emu.raw("POST", "/api/stable/api.php",
                             envelope(cust, [signed(cust, READ)]), conn=conn)
    return st, hdrs, json.loads(data)


def fresh_second():
    """Waits until the next second of the clock has just begun (the emulator's offset is 0),
    so no request sent before falls into the same window."""
    time.sleep(1.0 - time.time() % 1 + 0.005)


def burst(custs, n):
    """n rounds over custs, one keep-alive connection each, as fast as they go, inside one
    second when possible; returns ({web id: [(status, headers, doc)]}, same second?)."""
    conns = {c["customer_web_id"]: emu.conn() for c in custs}
    out = {c["customer_web_id"]: [] for c in custs}
    for attempt in range(5):
        for v in out.values():
            v.clear()
        fresh_second()
        t0 = time.time()
        for _ in range(n):
            for c in custs:
                out[c["customer_web_id"]].append(api_once(c, conns[c["customer_web_id"]]))
        t1 = time.time()
        if int(t0) == int(t1):
            break
        time.sleep(1.1)  # the windows of this try have passed; try again
    for c in conns.values():
        c.close()
    return out, int(t0) == int(t1)


# ---- the key: default off, validated ----
st, cfg = config(a)
check(st == 200 and cfg["rate_limit_per_s"] == 0, f"rate_limit_per_s defaults to 0 (off) ({st})")
for bad in (-1, "3", 1.5, True, None, 1000001):
    st, doc = config(a, rate_limit_per_s=bad)
    check(st == 400 and doc["error"]["field"] == "rate_limit_per_s",
          f"rate_limit_per_s {bad!r} → 400 naming it ({st} {doc})")
check(config(a)[1]["rate_limit_per_s"] == 0, "refused patches changed nothing")

# ---- off: nothing is refused ----
counters(reset=True)
res, same = burst([a], 10)
check(all(r[0] == 200 and status_of(r[2]["response"]["results"][0]) == 0
          for r in res[a["customer_web_id"]]), "limit off: 10 requests in a second all answered")
check(counters()["rate_limited"] == 0, "limit off: rate_limited stays 0")

# ---- 3 per second: 3 answered, 7 refused; the other customer is not limited ----
st, cfg = config(a, rate_limit_per_s=3)
check(st == 200 and cfg["rate_limit_per_s"] == 3, "PUT rate_limit_per_s 3")
counters(reset=True)
res, same = burst([a, b], 10)
ra, rb = res[a["customer_web_id"]], res[b["customer_web_id"]]
ok_a = [r for r in ra if r[0] == 200]
refused = [r for r in ra if r[0] == 429]
check(same, "the burst fitted in one second of the clock (else the counts below may differ)")
check(len(ok_a) == 3 and len(refused) == 7,
      f"10 requests of the limited customer in one second: 3 answered, 7 refused "
      f"({len(ok_a)}, {len(refused)}; statuses {[r[0] for r in ra]})")
check([r[0] for r in ra[:3]] == [200] * 3, "the first 3 of the second are the answered ones")
check(all(status_of(r[2]["response"]["results"][0]) == 0 for r in ok_a),
      "the answered ones are normal answers")
check(all(r[1].get("retry-after") == "1" for r in refused), "429 carries Retry-After: 1")
check(all(r[2] == TOO_MANY for r in refused),
      f"429's body is the documented status document ({refused[0][2] if refused else None})")
check(all(r[0] == 200 and status_of(r[2]["response"]["results"][0]) == 0 for r in rb),
      f"the other customer, in the same second, is not limited ({[r[0] for r in rb]})")
c = counters()
check(c["rate_limited"] == len(refused), f"rate_limited counts the refusals ({c['rate_limited']})")
check(c["http_requests"] == 20, f"refused requests are API requests too ({c['http_requests']})")
check(c["requests"].get("read/address") == 13,
      f"refused requests process no action (13 read/address: 3 + 10) ({c['requests']})")

# the next second answers again
fresh_second()
conn = emu.conn()
st, hdrs, doc = api_once(a, conn)
conn.close()
check(st == 200 and status_of(doc["response"]["results"][0]) == 0,
      "the next second answers the limited customer again")

# threads at once: at most 3 answered per second spanned
counters(reset=True)
fresh_second()
t0 = time.time()
statuses = []


def worker():
    conn = emu.conn()
    statuses.append(api_once(a, conn)[0])
    conn.close()


ths = [threading.Thread(target=worker) for _ in range(10)]
for t in ths:
    t.start()
for t in ths:
    t.join()
spanned = int(time.time()) - int(t0) + 1
check(statuses.count(200) <= 3 * spanned and statuses.count(429) >= 10 - 3 * spanned
      and statuses.count(200) + statuses.count(429) == 10,
      f"10 parallel requests: at most 3 answered per second ({statuses}, {spanned} s)")
check(counters()["rate_limited"] == statuses.count(429), "rate_limited matches")

# ---- the client classes 429 as retryable and gets through on a later attempt ----
config(a, rate_limit_per_s=1)


def probe(*args):
    r = run([PROBE, "read", "--url", f"{emu.url}/api/stable/api.php", "--token", a["token"],
             *args], env={"OO_PROBE_SECRET": a["secret"]}, timeout=60)
    try:
        return r.returncode, json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return r.returncode, {"stderr": r.stderr}


for _ in range(5):
    fresh_second()
    t0 = time.time()
    conn = emu.conn()
    first = api_once(a, conn)[0]  # uses up this second's one request
    conn.close()
    rc, doc = probe("--attempts", "1")
    if int(time.time()) == int(t0):
        break
check(first == 200 and rc == 3 and doc.get("error", {}).get("class") == "retryable",
      f"oo-probe, one attempt, over the limit: class retryable ({rc} {doc})")
# With enough attempts the backoff reaches the next second (4 attempts of 20 ms doubling
# are not enough; the client does not read Retry-After).
counters(reset=True)
fresh_second()
conn = emu.conn()
api_once(a, conn)  # this second's one request
conn.close()
rc, doc = probe("--attempts", "12")
c = counters()
check(rc == 0, f"oo-probe with 12 attempts gets through once the second is over ({rc} {doc})")
check(c["rate_limited"] >= 1 and c["http_requests"] == c["rate_limited"] + 2,
      f"the probe's attempts were refused until one was answered ({c['http_requests']} "
      f"requests, {c['rate_limited']} refused)")

# ---- off again ----
config(a, rate_limit_per_s=0)
counters(reset=True)
res, same = burst([a], 10)
check(all(r[0] == 200 for r in res[a["customer_web_id"]]) and counters()["rate_limited"] == 0,
      "rate_limit_per_s 0 turns it off again")
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")
finish()
