"""SIGTERM while requests stream in (issue #2, design.md "Signals"): both programs exit 0
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


d = tmpdir()
scenario("immosync", [IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db",
                      os.path.join(d, "immosync.db")])
scenario("onoffice-emu", [EMU, "--listen", "127.0.0.1:0", "--db", os.path.join(d, "emu.db")])
finish()
