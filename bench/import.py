#!/usr/bin/env python3
"""Import benchmark (issue #6): `immosync sync initial` importing the consented addresses of
N seeded onoffice-emu addresses (scope «alle Kontakte»), against the floor of plain curl
fetching the same keyset pages (same filter, fields and sort, pre-signed) over one
keep-alive connection in the same run. Prints, for 10,000 and N addresses: the HTTP
requests immosync used against ⌈matching/500⌉ + 1 (one scope branch), immosync's peak RSS,
the wall-time ratio immosync/floor, and immosync's CPU-seconds per 1,000 contacts.
Floor and immosync run REPEAT times each, alternating (immosync on a fresh copy of the
linked database every time); the figures are medians, with the range of the ratio, so one
slow run on a shared machine does not decide the result.

    bench/import.py [BUILD_DIR] [COUNT]      (COUNT default 100000; BENCH_REPEAT default 5)
"""
import base64
import hashlib
import hmac
import json
import math
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
repeat = max(1, int(os.environ.get("BENCH_REPEAT", "5")))
EMU, IMMOSYNC = os.path.join(build, "onoffice-emu"), os.path.join(build, "immosync")
work = tempfile.mkdtemp(prefix="bench-import-")
emu_db = os.path.join(work, "emu.db")
KEY = secrets.token_hex(32)
READ = "urn:onoffice-de-ns:smart:2.5:smartml:action:read"
CONSENT = "speicherungzugestimmt"
# What immosync asks for (src/sync/map.c sync_import_fields).
FIELDS = ["Anrede", "Vorname", "Name", "Strasse", "Plz", "Ort", "Land", "ArtDaten", "Status",
          "DSGVOStatus", "Aenderung", "Email", "email", "phone", "mobile"]


def sh(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"bench: {argv[0]} {argv[1]} failed: {r.stderr[-400:]}")
    return r.stdout


def measured(argv, env=None):
    """Runs argv; returns (wall s, CPU s, peak RSS MiB, stdout) of that process alone."""
    out = os.path.join(work, "out.txt")
    with open(out, "w") as f:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=f, stderr=subprocess.DEVNULL,
                             env={**os.environ, **(env or {})})
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"bench: {argv[0]} exited {p.returncode}")
    with open(out) as f:
        return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, f.read()


def customer(n, seed):
    c = json.loads(sh([EMU, "customer", "add", "--name", f"Bench {n}", "--db", emu_db]))
    t0 = time.monotonic()
    sh([EMU, "seed", "--customer", c["customer_web_id"], "--count", str(n), "--seed", str(seed),
        "--until", "2026-11-01", "--db", emu_db])
    c["seed_s"] = time.monotonic() - t0
    return c


def matching_ids(web_id):
    """Consented addresses in id order, and how many of them immosync keeps (not only
    Systembenutzer), straight from the emulator's database."""
    con = sqlite3.connect(f"file:{emu_db}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in con.execute(
            "SELECT a.id FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE "
            "c.web_id = ? AND a.dsgvo = ? ORDER BY a.id", (web_id, CONSENT))]
        sysonly = con.execute(
            "SELECT count(*) FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE "
            "c.web_id = ? AND a.dsgvo = ? AND a.id IN (SELECT address_id FROM "
            "address_multiselects WHERE field = 'ArtDaten' GROUP BY address_id HAVING "
            "count(*) = 1 AND max(key) = 'Systembenutzer')", (web_id, CONSENT)).fetchone()[0]
    finally:
        con.close()
    return ids, len(ids) - sysonly


sizes = sorted({min(10000, count), count})
custs = {n: customer(n, 1) for n in sizes}
emu = subprocess.Popen([EMU, "serve", "--listen", "127.0.0.1:0", "--db", emu_db, "--log-level",
                        "warn"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    url = emu.stdout.readline().split("listening on ", 1)[1].strip()
    api = url + "/api/stable/api.php"

    def counters(reset=False):
        req = urllib.request.Request(url + "/_emu/counters", method="DELETE" if reset else "GET")
        with urllib.request.urlopen(req) as r:
            return json.load(r)

    def floor(c, ids):
        """curl fetching the keyset pages immosync reads, signed beforehand."""
        ts = int(time.time())
        sig = base64.b64encode(hmac.new(c["secret"].encode(),
                                        f"{ts}{c['token']}address{READ}".encode(),
                                        hashlib.sha256).digest()).decode()
        cfg = os.path.join(work, "curl.cfg")
        pages = math.ceil(len(ids) / 500)
        with open(cfg, "w") as f:
            for p in range(pages):
                flt = {"DSGVOStatus": [{"op": "=", "val": CONSENT}]}
                if p:
                    flt["Id"] = [{"op": ">", "val": ids[p * 500 - 1]}]
                body = {"token": c["token"], "request": {"actions": [{
                    "actionid": READ, "resourceid": "", "identifier": "",
                    "resourcetype": "address", "timestamp": ts, "hmac_version": 2, "hmac": sig,
                    "parameters": {"data": FIELDS, "filter": flt, "sortby": "Id",
                                   "sortorder": "ASC", "listlimit": 500,
                                   "countryIsoCodeType": "ISO-3166-2"}}]}}
                path = os.path.join(work, f"page{p}.json")
                with open(path, "w") as b:
                    json.dump(body, b)
                if p:
                    f.write("next\n")
                f.write(f'url = "{api}"\ndata-binary = "@{path}"\ncompressed\n'
                        f'header = "Content-Type: application/json"\noutput = "/dev/null"\n')
        counters(reset=True)
        wall, cpu, _, _ = measured(["curl", "-s", "-K", cfg])
        return wall, cpu, counters()["http_requests"]

    print(f"import of N seeded addresses (scope «alle Kontakte»: the consented ones), "
          f"keyset pages of 500, loopback, gzip")
    for n in sizes:
        c = custs[n]
        ids, keep = matching_ids(c["customer_web_id"])
        db = os.path.join(work, f"immosync-{n}.db")
        cid = json.loads(sh([IMMOSYNC, "company", "create", "--name", "Bench", "--owner-email",
                             "b@example.de", "--db", db]))["company_id"]
        sh([IMMOSYNC, "company", "link", "--company", str(cid), "--customer-web-id",
            c["customer_web_id"], "--token", c["token"], "--db", db],
           input=c["secret"] + "\n", env={**os.environ, "IMMOSYNC_MASTER_KEY": KEY})
        runs = []  # (floor wall, floor cpu, floor requests, wall, cpu, rss, requests, out)
        run_db = os.path.join(work, f"run-{n}.db")
        for r in range(repeat):
            f_wall, f_cpu, f_reqs = floor(c, ids)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(run_db + suffix):
                    os.remove(run_db + suffix)
            shutil.copy(db, run_db)
            counters(reset=True)
            wall, cpu, rss, out = measured([IMMOSYNC, "sync", "initial", "--company", str(cid),
                                            "--db", run_db, "--onoffice-url", api],
                                           env={"IMMOSYNC_MASTER_KEY": KEY})
            runs.append((f_wall, f_cpu, f_reqs, wall, cpu, rss, counters()["http_requests"],
                         out))
        f_wall = statistics.median(x[0] for x in runs)
        f_cpu = statistics.median(x[1] for x in runs)
        f_reqs = runs[-1][2]
        wall = statistics.median(x[3] for x in runs)
        cpu = statistics.median(x[4] for x in runs)
        rss = max(x[5] for x in runs)
        reqs = max(x[6] for x in runs)
        ratios = sorted(x[3] / x[0] for x in runs)
        doc = json.loads(runs[-1][7].strip().splitlines()[-1])
        con = sqlite3.connect(run_db)
        got = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
        con.close()
        if got != keep or doc["done"] != len(ids):
            sys.exit(f"bench: imported {got} contacts of {keep} expected ({doc})")
        target = math.ceil(len(ids) / 500) + 1
        print(f"  {n:>7} addresses, {len(ids)} consented, {got} imported (seeded in "
              f"{c['seed_s']:.1f} s); medians of {repeat} alternating runs")
        print(f"    requests: immosync {reqs} (target ⌈{len(ids)}/500⌉ + 1 branch = {target}, "
              f"+ a small constant); floor {f_reqs}")
        print(f"    floor: curl, pre-signed pages   {f_wall:6.2f} s wall  {f_cpu:5.2f} CPU-s")
        print(f"    immosync sync initial           {wall:6.2f} s wall  {cpu:5.2f} CPU-s  "
              f"peak RSS {rss:.1f} MiB")
        print(f"    ratio immosync/floor (wall) {wall / f_wall:.2f} (runs {ratios[0]:.2f}–"
              f"{ratios[-1]:.2f}); immosync CPU per 1,000 contacts "
              f"{1000 * cpu / max(got, 1):.3f} s")
finally:
    emu.terminate()
    emu.wait()
    subprocess.run(["rm", "-rf", work])
