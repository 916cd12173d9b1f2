#!/usr/bin/env python3
"""Read benchmark (issue #3): the onOffice client reads N seeded addresses from
onoffice-emu at 500 per page, against the floor of plain curl fetching the same
pre-signed pages over one keep-alive connection in the same run. Prints pages/s,
MB/s on the wire, the client's CPU-seconds, and the ratio client/floor.

    bench/read.py [BUILD_DIR] [COUNT]      (COUNT default 100000)
"""
import base64
import hashlib
import hmac
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
EMU, PROBE = os.path.join(build, "onoffice-emu"), os.path.join(build, "oo-probe")
work = tempfile.mkdtemp(prefix="bench-read-")
db = os.path.join(work, "emu.db")
DATA = ["Vorname", "Name", "Email"]
READ = "urn:onoffice-de-ns:smart:2.5:smartml:action:read"


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv, env=None):
    """Runs argv; returns (wall seconds, CPU seconds, stdout)."""
    c0, t0 = children_cpu(), time.monotonic()
    r = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if r.returncode != 0:
        sys.exit(f"bench: {argv[0]} failed: {r.stderr[-300:]}")
    return time.monotonic() - t0, children_cpu() - c0, r.stdout


cust = json.loads(subprocess.run([EMU, "customer", "add", "--name", "Bench", "--db", db],
                                 capture_output=True, text=True, check=True).stdout)
t_seed, _, _ = timed([EMU, "seed", "--customer", cust["customer_web_id"], "--count", str(count),
                      "--seed", "1", "--until", "2026-11-01", "--db", db])
emu = subprocess.Popen([EMU, "serve", "--listen", "127.0.0.1:0", "--db", db, "--log-level", "warn"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = emu.stdout.readline().split("listening on ", 1)[1].strip()
api = url + "/api/stable/api.php"


def counters(reset=False):
    req = urllib.request.Request(url + "/_emu/counters", method="DELETE" if reset else "GET")
    with urllib.request.urlopen(req) as r:
        return json.load(r)


try:
    pages = (count + 499) // 500
    # The floor: curl, one process, one keep-alive connection, the pages signed beforehand.
    ts = int(time.time())
    sig = base64.b64encode(hmac.new(cust["secret"].encode(),
                                    f"{ts}{cust['token']}address{READ}".encode(),
                                    hashlib.sha256).digest()).decode()
    cfg = os.path.join(work, "curl.cfg")
    with open(cfg, "w") as f:
        for p in range(pages):
            body = {"token": cust["token"], "request": {"actions": [{
                "actionid": READ, "resourceid": "", "identifier": "", "resourcetype": "address",
                "timestamp": ts, "hmac_version": 2, "hmac": sig,
                "parameters": {"data": DATA, "listlimit": 500, "listoffset": p * 500}}]}}
            path = os.path.join(work, f"page{p}.json")
            with open(path, "w") as b:
                json.dump(body, b)
            if p:
                f.write("next\n")
            f.write(f'url = "{api}"\ndata-binary = "@{path}"\ncompressed\n'
                    f'header = "Content-Type: application/json"\noutput = "/dev/null"\n')
    counters(reset=True)
    f_wall, f_cpu, _ = timed(["curl", "-s", "-K", cfg])
    f_bytes = counters()["bytes_out"]

    counters(reset=True)
    conns0 = counters()["connections"]  # since the reset above, this GET included
    c_wall, c_cpu, out = timed([PROBE, "read", "--all", "--url", api, "--token", cust["token"],
                                "--data", ",".join(DATA)],
                               env={"OO_PROBE_SECRET": cust["secret"]})
    c = counters()
    doc = json.loads(out.strip().splitlines()[-1])
    if doc["records"] != count or doc["pages"] != pages:
        sys.exit(f"bench: the client read {doc['records']} in {doc['pages']} pages")

    print(f"read {count} addresses at 500 per page ({pages} pages), loopback, gzip; "
          f"seeded in {t_seed:.1f} s")
    for name, wall, cpu, nbytes in (("floor: curl, pre-signed pages", f_wall, f_cpu, f_bytes),
                                    ("oo client (oo-probe)", c_wall, c_cpu, c["bytes_out"])):
        print(f"  {name:32s} {pages / wall:8.1f} pages/s  {nbytes / wall / 1e6:6.2f} MB/s  "
              f"{wall:6.2f} s wall  {cpu:5.2f} CPU-s")
    print(f"  ratio client/floor (wall)        {c_wall / f_wall:.2f}; "
          f"client CPU per 1,000 addresses {1000 * c_cpu / count * 1000:.1f} ms; "
          f"requests {c['http_requests']}, TCP connections {c['connections'] - conns0 - 1}")
finally:
    emu.terminate()
    emu.wait()
    subprocess.run(["rm", "-rf", work])
