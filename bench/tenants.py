#!/usr/bin/env python3
"""Tenants benchmark (issue #11): many companies, each linked to its own onoffice-emu customer,
importing from one `immosync serve` while the emulator delays every API request by L ms.

Phase A, steady state: C companies × S seeded addresses, import interval I. All initial
imports are started together (POST sync/initial each); once all are done, for W seconds a
sampler asks GET sync/status of up to 50 random companies per second. Printed: staleness
(now − last_run_at) p50/p95/max beside the interval, onOffice requests/s and the peak of
concurrent onOffice requests (the emulator's counters), the serve process's CPU-seconds and
% of one core (/proc/PID/stat), and import passes/s (immosync_import_passes_total) beside
the ideal C / I.

Phase B, burst: C2 companies × S2 addresses. One of them imports alone first; then the other
C2 start their initial imports together. Printed: the time of the one, the time until all
C2 are done, and the ratio serial estimate (C2 × one) / together — 1.0 means the imports did
not overlap at all. The periodic interval is 3600 s in this phase, so only initial imports
are timed.

Ideals and floors are computed in the same run; the benchmark never fails on a number.

Environment (defaults as in issue #11):
    BENCH_TENANTS 500, BENCH_TENANT_ADDRESSES 20, BENCH_INTERVAL_S 10, BENCH_LATENCY_MS 200,
    BENCH_WINDOW_S 60, BENCH_BURST_TENANTS 100, BENCH_BURST_ADDRESSES 2000,
    BENCH_PHASES "AB" (A, B or both), BENCH_BINARIES the build directory (default: the
    first argument, else build/), BENCH_IMMOSYNC / BENCH_EMU to take immosync or
    onoffice-emu from elsewhere (e.g. the emulator of a newer tree).

    bench/tenants.py [BUILD_DIR]

Python standard library only.
"""
import concurrent.futures
import datetime
import http.client
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request


def env_int(name, default):
    v = os.environ.get(name, "")
    return int(v) if v.strip() else default


build = os.path.abspath(os.environ.get("BENCH_BINARIES") or
                        (sys.argv[1] if len(sys.argv) > 1 else "build"))
IMMOSYNC = os.environ.get("BENCH_IMMOSYNC") or os.path.join(build, "immosync")
EMU = os.environ.get("BENCH_EMU") or os.path.join(build, "onoffice-emu")
TENANTS = env_int("BENCH_TENANTS", 500)
ADDRESSES = env_int("BENCH_TENANT_ADDRESSES", 20)
INTERVAL = env_int("BENCH_INTERVAL_S", 10)
LATENCY = env_int("BENCH_LATENCY_MS", 200)
WINDOW = env_int("BENCH_WINDOW_S", 60)
BURST = env_int("BENCH_BURST_TENANTS", 100)
BURST_ADDRESSES = env_int("BENCH_BURST_ADDRESSES", 2000)
PHASES = os.environ.get("BENCH_PHASES", "AB").upper()
SAMPLE = 50          # companies asked per second by the sampler
BURST_INTERVAL = 3600
KEY = secrets.token_hex(32)
TICK = os.sysconf("SC_CLK_TCK")
UNTIL = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
work = tempfile.mkdtemp(prefix="bench-tenants-")
procs = []
sys.stdout.reconfigure(line_buffering=True)


def note(msg):
    print(f"  … {msg}", file=sys.stderr, flush=True)


def sh(argv, input=None, env=None):
    r = subprocess.run(argv, capture_output=True, text=True, input=input,
                       env={**os.environ, **(env or {})})
    if r.returncode != 0:
        raise RuntimeError(f"{os.path.basename(argv[0])} {argv[1]} failed: {r.stderr[-400:]}")
    return r.stdout


def cpu_s(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def pct(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def parse_time(text):
    """RFC 3339 UTC as immosync writes it ("…T10:00:00Z" or "….123Z") → Unix seconds."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def start(argv, name, env=None):
    """Starts a server on 127.0.0.1:0; returns (Popen, base URL). Its log goes to a file."""
    log = open(os.path.join(work, name + ".log"), "wb")
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                         env={**os.environ, **(env or {})}, text=True)
    procs.append(p)
    line = p.stdout.readline()
    if "listening on " not in line:
        raise RuntimeError(f"{name} did not start: {line!r}")
    return p, line.split("listening on ", 1)[1].strip()


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class Api:
    """immosync's JSON API over one keep-alive connection."""

    def __init__(self, url):
        host, port = url.split("://", 1)[1].rsplit(":", 1)
        self.host, self.port, self.conn = host, int(port), None

    def request(self, method, path, token=None, body=None):
        hdrs = {"Authorization": "Bearer " + token} if token else {}
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request(method, path, body=data, headers=hdrs)
                r = self.conn.getresponse()
                text = r.read()
                if (r.getheader("Connection") or "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, text
            except (ConnectionError, http.client.HTTPException):
                self.conn = None
                if attempt == 2:
                    raise

    def json(self, method, path, token=None, body=None, want=200):
        st, text = self.request(method, "/api/v1/" + path, token, body)
        if st != want:
            raise RuntimeError(f"{method} {path}: {st} {text[:300]!r}")
        return json.loads(text) if text else None

    def passes(self):
        """The sum of immosync_import_passes_total over its labels."""
        st, text = self.request("GET", "/metrics")
        n = 0.0
        for line in text.decode().splitlines():
            if line.startswith("immosync_import_passes_total"):
                n += float(line.rsplit(" ", 1)[1])
        return n


class World:
    """One emulator and one immosync database with n linked companies of `addresses` seeded
    addresses each; then both servers running, every company's interval set."""

    def __init__(self, name, n, addresses, interval):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        self.emu_db = os.path.join(self.dir, "emu.db")
        self.db = os.path.join(self.dir, "immosync.db")
        self.companies = []  # (company id, token, customer web id)
        t0 = time.monotonic()
        # The first of each creates and migrates its database alone; the rest in parallel.
        first = self.make(0, addresses)
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
            rest = list(ex.map(lambda i: self.make(i, addresses), range(1, n)))
        self.companies = [first] + rest
        self.setup_s = time.monotonic() - t0
        self.emu, emu_url = start([EMU, "serve", "--listen", "127.0.0.1:0", "--db", self.emu_db,
                                   "--log-level", "warn"], name + "-emu")
        self.emu_url = emu_url
        self.srv, url = start([IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db", self.db,
                               "--onoffice-url", emu_url + "/api/stable/api.php",
                               "--log-level", "warn"], name + "-immosync",
                              env={"IMMOSYNC_MASTER_KEY": KEY})
        self.api = Api(url)
        for cid, tok, _ in self.companies:
            self.api.json("PUT", "settings", tok, {"import_interval_s": interval})

    def make(self, i, addresses):
        """One emulated customer with its seeded addresses, one company linked to it."""
        cust = json.loads(sh([EMU, "customer", "add", "--name", f"Makler {i}", "--db",
                              self.emu_db]))
        web = cust["customer_web_id"]
        if addresses:
            sh([EMU, "seed", "--customer", web, "--count", str(addresses), "--seed", "1",
                "--until", UNTIL, "--db", self.emu_db])
        doc = json.loads(sh([IMMOSYNC, "company", "create", "--name", f"Makler {i}",
                             "--owner-email", f"owner{i}@example.de", "--db", self.db]))
        sh([IMMOSYNC, "company", "link", "--company", str(doc["company_id"]),
            "--customer-web-id", web, "--token", cust["token"], "--db", self.db],
           input=cust["secret"] + "\n", env={"IMMOSYNC_MASTER_KEY": KEY})
        return doc["company_id"], doc["api_token"], web

    def emu_ctl(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.emu_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.load(r)

    def status(self, tok):
        return self.api.json("GET", "sync/status", tok)["import"]

    def initial(self, companies):
        for cid, tok, _ in companies:
            self.api.json("POST", "sync/initial", tok, want=202)

    def wait_done(self, companies, step, timeout):
        """Polls the status of the companies not done yet until every initial import has
        ended (not running, last_run_at set). Returns (seconds, companies with last_error)."""
        t0 = time.monotonic()
        pending = list(companies)
        errors = 0
        last_note = t0
        while pending:
            left = []
            for c in pending:
                s = self.status(c[1])
                if s["running"] or not s["last_run_at"]:
                    left.append(c)
                elif s["last_error"]:
                    errors += 1
            pending = left
            now = time.monotonic()
            if not pending:
                break
            if now - t0 > timeout:
                raise RuntimeError(f"{len(pending)} initial imports not done after {timeout} s")
            if now - last_note > 30:
                note(f"{len(companies) - len(pending)} of {len(companies)} initial imports "
                     f"done after {now - t0:.0f} s")
                last_note = now
            time.sleep(step)
        return time.monotonic() - t0, errors

    def close(self):
        stop(self.srv)
        stop(self.emu)


def phase_a():
    print(f"tenants, steady state: {TENANTS} companies × {ADDRESSES} addresses, import interval "
          f"{INTERVAL} s, onOffice latency {LATENCY} ms, window {WINDOW} s")
    w = World("a", TENANTS, ADDRESSES, INTERVAL)
    note(f"phase A: {TENANTS} customers and companies set up in {w.setup_s:.1f} s")
    try:
        w.emu_ctl("PUT", "/_emu/faults", {"latency_ms": LATENCY})
        t0 = time.monotonic()
        w.initial(w.companies)
        took, errors = w.wait_done(w.companies, 1.0, max(900, TENANTS * 10))
        note(f"phase A: initial imports done in {took:.1f} s")

        w.emu_ctl("DELETE", "/_emu/counters")
        pid = w.srv.pid
        c0, e0, p0, t0 = cpu_s(pid), cpu_s(w.emu.pid), w.api.passes(), time.monotonic()
        stale = []
        rnd = random.Random(11)
        while time.monotonic() - t0 < WINDOW:
            tick = time.monotonic()
            for cid, tok, _ in rnd.sample(w.companies, min(SAMPLE, len(w.companies))):
                s = w.status(tok)
                if s["last_run_at"]:
                    stale.append(time.time() - parse_time(s["last_run_at"]))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        secs = time.monotonic() - t0
        c1, e1, p1 = cpu_s(pid), cpu_s(w.emu.pid), w.api.passes()
        ctr = w.emu_ctl("GET", "/_emu/counters")
    finally:
        w.close()
    cpu = c1 - c0
    passes = (p1 - p0) / secs
    ideal = TENANTS / INTERVAL
    print(f"  setup {w.setup_s:.1f} s (customers, seeds, companies, links); initial imports of "
          f"all {TENANTS}: {took:.1f} s ({errors} with an error)")
    print(f"  {'staleness (now − last_run_at)':34s} p50 {pct(stale, 50):7.1f} s   "
          f"p95 {pct(stale, 95):7.1f} s   max {max(stale) if stale else float('nan'):7.1f} s   "
          f"({len(stale)} samples; ideal ≤ interval {INTERVAL} s + one pass)")
    print(f"  {'import passes/s':34s} {passes:7.2f}   ideal {ideal:7.2f} (= {TENANTS} / {INTERVAL} s)")
    print(f"  {'onOffice requests/s':34s} {ctr['http_requests'] / secs:7.2f}   peak concurrent "
          f"{ctr['peak_concurrent']}   (rate-limited {ctr['rate_limited']})")
    print(f"  {'serve CPU in the window':34s} {cpu:7.2f} s = {100 * cpu / secs:5.1f} % of one core "
          f"(the sampler's {min(SAMPLE, TENANTS)} status calls/s included); emulator {100 * (e1 - e0) / secs:5.1f} %")
    print(f"  ratio passes/s measured/ideal {passes / ideal:.3f}; "
          f"ratio p95 staleness/interval {pct(stale, 95) / INTERVAL:.2f}")


def phase_b():
    print(f"tenants, burst: {BURST} companies × {BURST_ADDRESSES} addresses start their initial "
          f"import together; onOffice latency {LATENCY} ms (periodic interval {BURST_INTERVAL} s)")
    w = World("b", BURST + 1, BURST_ADDRESSES, BURST_INTERVAL)
    note(f"phase B: {BURST + 1} customers and companies set up in {w.setup_s:.1f} s")
    try:
        w.emu_ctl("PUT", "/_emu/faults", {"latency_ms": LATENCY})
        solo, rest = w.companies[:1], w.companies[1:]
        w.emu_ctl("DELETE", "/_emu/counters")
        w.initial(solo)
        one, e_one = w.wait_done(solo, 0.05, 900)
        r_one = w.emu_ctl("GET", "/_emu/counters")["http_requests"]
        w.emu_ctl("DELETE", "/_emu/counters")
        pid = w.srv.pid
        c0 = cpu_s(pid)
        w.initial(rest)
        together, e_all = w.wait_done(rest, 0.5, max(1800, BURST * 60))
        cpu = cpu_s(pid) - c0
        ctr = w.emu_ctl("GET", "/_emu/counters")
    finally:
        w.close()
    serial = BURST * one
    print(f"  setup {w.setup_s:.1f} s; {'one company alone':28s} {one:8.2f} s   "
          f"({r_one} onOffice requests{', with an error' if e_one else ''})")
    print(f"  {'all ' + str(BURST) + ' together':42s} {together:8.2f} s   "
          f"({ctr['http_requests']} onOffice requests, peak concurrent {ctr['peak_concurrent']}, "
          f"{e_all} with an error; serve CPU {cpu:.1f} s)")
    print(f"  {'serial estimate (' + str(BURST) + ' × one)':42s} {serial:8.2f} s")
    print(f"  ratio serial estimate/together {serial / together:.2f} "
          f"(1.00 = no overlap between companies)")


try:
    if "A" in PHASES:
        phase_a()
    if "B" in PHASES:
        phase_b()
finally:
    for p in procs:
        stop(p)
    shutil.rmtree(work, ignore_errors=True)
