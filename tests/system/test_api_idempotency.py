"""Idempotent ingest (R-X1, issue #5): replay, another body (422), a 4xx answer does not
use the key, 20 concurrent identical requests give exactly one conversion and one
outbox row; the metrics count ingests, errors and the queue (R-X5)."""
import json
import os
import threading

from api_util import Client, company, conversion, counts, query, serve
from harness import check, finish, tmpdir

d = tmpdir()
db = os.path.join(d, "idem.db")
cid, tok = company(db, "Makler GmbH", "owner@example.de")
srv = serve(db)
c = Client(srv)
body = conversion(email="idem@example.de")

# Replay: the same key and body answer 200 with the first answer; nothing new is stored.
st1, doc1, _ = c.request("POST", "/api/v1/conversions", tok, body, {"Idempotency-Key": "order-1"})
before = counts(db)
st2, doc2, _ = c.request("POST", "/api/v1/conversions", tok, body, {"Idempotency-Key": "order-1"})
check(st1 == 201 and st2 == 200 and doc1 == doc2, f"replay answers 200 with the first body ({st1} {st2})")
check(counts(db) == before, "a replay stores nothing")

# Another body with the same key: 422, nothing stored.
other = conversion(email="idem@example.de", ctype="callback", details={"topic": "Preisfindung"})
st, doc, _ = c.request("POST", "/api/v1/conversions", tok, other, {"Idempotency-Key": "order-1"})
check(st == 422 and doc["error"]["code"] == "idempotency_conflict", f"other body → 422 ({st} {doc})")
check(counts(db) == before, "a conflict stores nothing")

# A 4xx answer does not use the key up.
bad = conversion(email="not-an-email")
st, doc, _ = c.request("POST", "/api/v1/conversions", tok, bad, {"Idempotency-Key": "order-2"})
check(st == 400 and doc["error"]["field"] == "lead.email", "invalid body with a key → 400")
st, doc, _ = c.request("POST", "/api/v1/conversions", tok, other, {"Idempotency-Key": "order-2"})
check(st == 201, f"the key is still free after a 400 ({st} {doc})")

# Without a key every request is a new conversion (positive control for the next part).
n0 = counts(db)["conversions"]
c.request("POST", "/api/v1/conversions", tok, other)
c.request("POST", "/api/v1/conversions", tok, other)
check(counts(db)["conversions"] == n0 + 2, "without a key, two posts are two conversions")

# 20 concurrent identical requests with one key: one 201, the rest 200; one conversion.
race = conversion(email="race@example.de", ctype="download", details={"name": "Ratgeber Verkauf"})
results = []
lock = threading.Lock()
go = threading.Barrier(20)


def post():
    cl = Client(srv)
    go.wait()
    st, doc, _ = cl.request("POST", "/api/v1/conversions", tok, race, {"Idempotency-Key": "race-1"})
    with lock:
        results.append((st, json.dumps(doc, sort_keys=True)))


threads = [threading.Thread(target=post) for _ in range(20)]
for t in threads:
    t.start()
for t in threads:
    t.join()
statuses = sorted(r[0] for r in results)
check(statuses.count(201) == 1 and statuses.count(200) == 19,
      f"20 concurrent: one 201 and 19 × 200, never 500 ({statuses})")
check(len({r[1] for r in results}) == 1, "all 20 answers name the same conversion")
convs = query(db, "SELECT count(*) FROM conversions c JOIN contact_emails e ON "
                  "e.contact_id = c.contact_id WHERE e.email_norm = 'race@example.de'")[0][0]
rows = query(db, "SELECT count(*) FROM outbox o JOIN conversions c ON c.id = o.ref_id "
                 "AND o.kind = 'conversion' JOIN contact_emails e ON e.contact_id = c.contact_id "
                 "WHERE e.email_norm = 'race@example.de'")[0][0]
check(convs == 1 and rows == 1, f"exactly one conversion and one outbox row ({convs}, {rows})")

# Metrics: ingests by result, errors by code, queue depth.
st, _, _ = c.request("GET", "/metrics")
import http.client
conn = http.client.HTTPConnection(srv.host, srv.port)
conn.request("GET", "/metrics")
text = conn.getresponse().read().decode()
check('immosync_ingests_total{result="created"}' in text and
      'immosync_ingests_total{result="replayed"}' in text and
      'immosync_ingests_total{result="refused"}' in text, "ingest counters by result")
check('immosync_api_errors_total{code="idempotency_conflict"} 1' in text, "errors counted by code")
depth = [l for l in text.splitlines() if l.startswith("immosync_queue_depth ")]
pending = query(db, "SELECT count(*) FROM outbox WHERE state IN ('held','due','leased')")[0][0]
check(depth == [f"immosync_queue_depth {pending}"], f"queue depth gauge ({depth} vs {pending})")
rc, _ = srv.stop()
check(rc == 0, "serve stopped cleanly")
finish()
