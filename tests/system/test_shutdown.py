"""SIGTERM while requests stream in (issue #2, ARCHITECTURE.md "Processes, threads, shutdown"): both programs exit 0
within 5 s, every request that got an answer got all of it, and the sanitizers (in the
ASan build) report nothing."""
import http.client
import json
import os
import threading
import time

from harness import EMU, IMMOSYNC, Server, check, finish, sanitizer_clean, tmpdir


def client(host, port, stop, results):
    """Keep-alive requests until the server goes away; records (path, verdict)."""
    paths = ["/healthz", "/readyz", "/metrics", "/api/unknown"]
    i = 0
    conn = None
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()  # raises IncompleteRead on a cut answer
            length = resp.getheader("Content-Length")
            complete = length is not None and int(length) == len(body)
            if complete and resp.getheader("Content-Type", "").startswith("application/json"):
                json.loads(body)
            results.append((path, resp.status, "complete" if complete else "short"))
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except http.client.IncompleteRead:
            results.append((path, 0, "cut"))
            conn = None
        except (ConnectionError, http.client.RemoteDisconnected, OSError):
            # Refused or closed before any answer: not an answered request.
            if conn:
                conn.close()
            conn = None
            time.sleep(0.01)
        except json.JSONDecodeError:
            results.append((path, 0, "bad-json"))


def scenario(name, argv):
    srv = Server(argv)
    stop = threading.Event()
    results = []
    threads = [threading.Thread(target=client, args=(srv.host, srv.port, stop, results))
               for _ in range(4)]
    for t in threads:
        t.start()
    # Positive control: answers are flowing before the signal.
    deadline = time.monotonic() + 10
    while len(results) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    before = len(results)
    check(before >= 200, f"{name}: requests were answered before SIGTERM ({before})")
    rc, secs = srv.stop()
    stop.set()
    for t in threads:
        t.join()
    check(rc == 0, f"{name}: exit code after SIGTERM is 0 (got {rc})")
    check(secs < 5, f"{name}: exited within 5 s (took {secs:.2f} s)")
    bad = [r for r in results if r[2] != "complete"]
    check(not bad, f"{name}: every answered request was complete ({len(bad)} not: {bad[:3]})")
    # 503 is the answer to a request that arrives on a kept-alive connection while draining.
    codes = {r[1] for r in results}
    check(codes <= {200, 404, 503}, f"{name}: only expected statuses answered ({codes})")
    log = srv.log()
    check(sanitizer_clean(log), f"{name}: no sanitizer report in stderr")
    check("event=serve.stopped" in log, f"{name}: logged a clean stop")
    print(f"{name}: {len(results)} answered, stopped in {secs:.2f} s", flush=True)


def busy_database_does_not_hold_up_the_stop(d):
    """Another process holds the write lock while a conversion waits for it: SIGTERM still
    ends serve within 5 s (the waiting transaction gives up, review finding)."""
    import json as _json
    import sqlite3
    import subprocess
    db = os.path.join(d, "busy.db")
    r = subprocess.run([IMMOSYNC, "company", "create", "--name", "X", "--owner-email",
                        "x@example.de", "--db", db], capture_output=True, text=True)
    token = _json.loads(r.stdout)["api_token"]
    srv = Server([IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db", db])
    holder = sqlite3.connect(db, timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    answer = []

    def post():
        try:
            conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
            conn.request("POST", "/api/v1/conversions",
                         body=_json.dumps({"lead": {"email": "w@example.de"},
                                           "conversion": {"type": "callback"}}),
                         headers={"Authorization": "Bearer " + token,
                                  "Content-Type": "application/json"})
            answer.append(conn.getresponse().status)
        except (OSError, http.client.HTTPException):
            answer.append(0)

    t = threading.Thread(target=post)
    t.start()
    time.sleep(0.5)  # the conversion is now waiting for the lock
    rc, secs = srv.stop()
    t.join()
    holder.execute("ROLLBACK")
    holder.close()
    check(rc == 0 and secs < 5, f"busy database: exit 0 within 5 s ({rc}, {secs:.2f} s)")
    check(answer and answer[0] in (503, 0), f"the waiting request was refused, not left ({answer})")


d = tmpdir()
busy_database_does_not_hold_up_the_stop(d)
scenario("immosync", [IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db",
                      os.path.join(d, "immosync.db")])
scenario("onoffice-emu", [EMU, "--listen", "127.0.0.1:0", "--db", os.path.join(d, "emu.db")])
finish()
