"""kill -9 during a stream of ingests (R-X1, issue #5): the client keeps every request's
Idempotency-Key and retries whatever was not acknowledged, across a restart of the
server on the same database. Afterwards there is exactly one conversion and one outbox
row per key: nothing lost, nothing doubled (WAL + synchronous=NORMAL survives a process
crash)."""
import os
import signal
import threading
import time

from api_util import Client, company, conversion, query, serve
from harness import check, finish, tmpdir

d = tmpdir()
db = os.path.join(d, "restart.db")
cid, tok = company(db, "Makler GmbH", "owner@example.de")
KEYS = 400
WRITERS = 4
pending = list(range(KEYS))
acked = {}
refused = []
retried = set()
lock = threading.Lock()
server = {"srv": serve(db)}
stop = threading.Event()


def writer():
    while not stop.is_set():
        with lock:
            if not pending:
                return
            n = pending.pop(0)
        srv = server["srv"]
        try:
            st, doc, _ = Client(srv).request(
                "POST", "/api/v1/conversions", tok,
                conversion(email=f"lead{n % 50}@example.de", id=f"L{n}"),
                {"Idempotency-Key": f"key-{n}"})
        except OSError:
            st, doc = 0, None
        with lock:
            if st in (200, 201):
                acked[n] = doc["conversion_id"]
            elif 400 <= st < 500:
                refused.append((n, st, doc))  # a client error is final: no retry
            else:
                retried.add(n)
                pending.append(n)  # not acknowledged: retry with the same key
        if st not in (200, 201):
            time.sleep(0.02)


threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
for t in threads:
    t.start()
while len(acked) < KEYS // 3 and not refused:
    time.sleep(0.005)
check(not refused, f"no request was refused ({refused[:2]})")
before_kill = len(acked)
server["srv"].proc.send_signal(signal.SIGKILL)
server["srv"].proc.wait()
check(before_kill < KEYS, f"the kill came mid-stream ({before_kill} of {KEYS} acknowledged)")
time.sleep(0.2)
server["srv"] = serve(db)
deadline = time.monotonic() + 120
for t in threads:
    t.join(max(0.1, deadline - time.monotonic()))
stop.set()
check(len(acked) == KEYS, f"every key acknowledged in the end ({len(acked)})")
convs = query(db, "SELECT lead_id, count(*) FROM conversions GROUP BY lead_id")
per_key = {lead: n for lead, n in convs}
doubles = [k for k, n in per_key.items() if n != 1]
check(len(per_key) == KEYS and not doubles, f"one conversion per key ({len(per_key)}, doubles {doubles[:5]})")
rows = query(db, "SELECT count(*) FROM outbox WHERE kind = 'conversion'")[0][0]
check(rows == KEYS, f"one conversion outbox row per key ({rows})")
ids = set(acked.values())
check(len(ids) == KEYS, "the acknowledged conversion ids are distinct")
stored = {r[0] for r in query(db, "SELECT id FROM conversions")}
check(ids <= stored, "every acknowledged conversion is stored")
print(f"{before_kill} acknowledged before the kill, {len(retried)} keys retried after it",
      flush=True)
rc, _ = server["srv"].stop()
check(rc == 0, "the restarted serve stops cleanly")
finish()
