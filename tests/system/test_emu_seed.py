"""onoffice-emu commands: customer add (requirements §8.3) and seed — deterministic for a seed,
100,000 realistic German addresses in seconds (the time is printed), realism checked
through the API, and reads over 100,000 addresses that stay fast."""
import collections
import json
import os
import re
import time

from emu_util import Emu, ids_of, read_address, records, status_of
from harness import EMU, check, finish, run, tmpdir

# ---- customer add ----
d = tmpdir()
db = os.path.join(d, "cli.db")
r = run([EMU, "customer", "add", "--name", "Muster Immobilien GmbH", "--db", db])
doc = json.loads(r.stdout) if r.returncode == 0 else {}
check(r.returncode == 0 and sorted(doc) == ["customer_web_id", "secret", "token"],
      "customer add prints {customer_web_id, token, secret}")
check(re.fullmatch(r"[0-9]{5,6}", doc.get("customer_web_id", "")) is not None,
      "the web id is a numeric string")
check(len(doc.get("token", "")) == 32 and len(doc.get("secret", "")) == 64,
      "token 32 characters, secret 64 (onoffice-protocol §2.1)")
r2 = run([EMU, "customer", "add", "--name", "Zweite", "--db", db])
doc2 = json.loads(r2.stdout)
check(doc2["token"] != doc["token"] and doc2["customer_web_id"] != doc["customer_web_id"],
      "each customer gets its own web id and token")
for argv, what in (([EMU, "customer", "add", "--db", db], "--name"),
                   ([EMU, "customer", "add", "--name", "", "--db", db], "--name"),
                   ([EMU, "seed", "--count", "5", "--db", db], "--customer"),
                   ([EMU, "seed", "--customer", doc["customer_web_id"], "--count", "0", "--db", db],
                    "--count"),
                   ([EMU, "seed", "--customer", doc["customer_web_id"], "--count", "5",
                     "--until", "2025-13-01", "--db", db], "--until")):
    r = run(argv)
    check(r.returncode == 2 and what in r.stderr, f"{' '.join(argv[1:3])}: bad {what} exits 2")
r = run([EMU, "seed", "--customer", "1", "--count", "5", "--db", db])
check(r.returncode == 2 and "no customer" in r.stderr, "seed for an unknown customer exits 2")
for cmd in (["customer", "add"], ["seed"], ["serve"]):
    r = run([EMU] + cmd + ["--help"])
    check(r.returncode == 0 and "--db" in r.stdout, f"{' '.join(cmd)} --help")
    r = run([EMU] + cmd + ["--version"])
    check(r.returncode == 0 and r.stdout.startswith("onoffice-emu "), f"{' '.join(cmd)} --version")
r = run([EMU, "--help"])
check(r.returncode == 0 and "customer add" in r.stdout and "seed" in r.stdout,
      "onoffice-emu --help lists customer add and seed")
r = run([EMU, "serve", "--help"])
check("--provider-secret" in r.stdout and "--tls-cert" in r.stdout and "--tls-key" in r.stdout,
      "serve --help lists --provider-secret and the TLS options")

# ---- determinism: the same seed and --until give the same data ----


def dump(emu, creds):
    """Every address with every field and entry, read through the API (ids left out)."""
    data = ["Anrede", "Titel", "Vorname", "Name", "Zusatz1", "Strasse", "Plz", "Ort", "Land",
            "Email", "Telefon1", "ArtDaten", "HerkunftKontakt", "DSGVOStatus", "Status",
            "Aenderung", "Eintragsdatum", "KdNr", "phone", "mobile", "fax", "email"]
    out, off = [], 0
    while True:
        res = emu.result(creds, read_address({"data": data, "listlimit": 500, "listoffset": off}))
        for rec in records(res):
            el = rec["elements"]
            out.append(sorted((re.sub(r"__[0-9]+", "", k), json.dumps(v, ensure_ascii=False))
                              for k, v in el.items() if k != "id"))
        off += 500
        if off >= res["data"]["meta"]["cntabsolute"]:
            return out


runs = []
for n in range(3):
    e = Emu()
    c = e.customer()
    r = e.seed(c["customer_web_id"], 1500, seed=42 if n < 2 else 43, until="2026-01-15")
    check(r.returncode == 0 and "seeded 1500 addresses" in r.stdout, f"seed run {n + 1}")
    runs.append(dump(e, c))
    e.stop()
check(len(runs[0]) == 1500 and runs[0] == runs[1], "the same --seed and --until give the same data")
check(runs[0] != runs[2], "positive control: another seed gives other data")

# ---- 100,000 addresses: time, realism, fast reads ----
emu = Emu()
big = emu.customer("Gross Immobilien")
t0 = time.monotonic()
r = emu.seed(big["customer_web_id"], 100000, seed=7)
took = time.monotonic() - t0
print(f"seed of 100,000 addresses: {took:.2f} s wall ({r.stdout.strip()})", flush=True)
check(r.returncode == 0 and "seeded 100000 addresses" in r.stdout, "seed 100,000 addresses")
check(took < 120, f"seeding 100,000 takes seconds, not minutes ({took:.1f} s)")
check(len(r.stdout.strip().splitlines()) == 1, "seed prints a one-line summary")


def count(flt):
    res = emu.result(big, read_address({"data": ["Name"], "listlimit": 0, "filter": flt}))
    assert status_of(res) == 0, res
    return res["data"]["meta"]["cntabsolute"]


def f1(field, op, val):
    return {field: [{"op": op, "val": val}]}


N = count({})
check(N == 100000, "cntabsolute 100,000")
share = {
    "no e-mail": count(f1("email", "=", "")),
    "archived": count(f1("Status", "=", 0)),
    "without contact type": count(f1("ArtDaten", "=", "")),
    "with Systembenutzer": count({"ArtDaten": [{"op": "=", "val": "Systembenutzer"}]}),
    "consent given": count(f1("DSGVOStatus", "=", "speicherungzugestimmt")),
    "consent withdrawn": count(f1("DSGVOStatus", "=", "speicherungwiderrufen")),
    "ignorieren": count(f1("DSGVOStatus", "=", "ignorieren")),
    "GDPR empty": count(f1("DSGVOStatus", "=", "")),
    "DEU": count(f1("Land", "=", "DEU")), "AUT": count(f1("Land", "=", "AUT")),
    "CHE": count(f1("Land", "=", "CHE")),
    "BOTTIMMO": count(f1("HerkunftKontakt", "=", "BOTTIMMO")),
    "no phone": count(f1("phone", "=", "")),
}
print("shares:", {k: f"{v / N:.1%}" for k, v in share.items()}, flush=True)
for k, lo, hi in (("no e-mail", .05, .40), ("archived", .02, .20), ("without contact type", .02, .20),
                  ("with Systembenutzer", .01, .10), ("consent given", .30, .60),
                  ("consent withdrawn", .03, .20), ("ignorieren", .05, .25),
                  ("GDPR empty", .15, .45), ("DEU", .80, .97), ("AUT", .01, .10),
                  ("CHE", .01, .10), ("BOTTIMMO", .01, .15), ("no phone", .05, .30)):
    check(lo <= share[k] / N <= hi, f"share {k}: {share[k] / N:.1%} in [{lo:.0%}, {hi:.0%}]")

sample = []
for off in range(0, 5000, 500):
    res = emu.result(big, read_address({"data": ["Vorname", "Name", "Plz", "Ort", "Strasse",
                                                 "ArtDaten", "Aenderung", "Email", "phone",
                                                 "mobile", "email", "Anrede"],
                                        "listlimit": 500, "listoffset": off}))
    sample += [r["elements"] for r in records(res)]
emails = collections.Counter(v.lower() for el in sample for k, v in el.items() if k.startswith("email__"))
phones = [v for el in sample for k, v in el.items() if k.startswith("phone__")]
mobiles = [v for el in sample for k, v in el.items() if k.startswith("mobile__")]
aend = collections.Counter(el["Aenderung"] for el in sample)
check(any(n > 1 for n in emails.values()), "some addresses share an e-mail address")
check(max(aend.values()) >= 10, f"Aenderung has ties (up to {max(aend.values())} on one second)")
check(sum(1 for el in sample if len(el["ArtDaten"]) == 2) > 100, "several addresses have 2 types")
formats = {"+49 …": r"^\+49 ", "0049-…": r"^0049-", "(0…) …": r"^\(0", "…/…": r"/",
           "0… …": r"^0[1-9][0-9]* [0-9]"}
for name, pat in formats.items():
    check(any(re.search(pat, p) for p in phones), f"phone numbers in the format {name}")
check(any(re.match(r"^(\+49 |0)1[5-7]", m) for m in mobiles), "mobile numbers typed mobile")
check(all(re.fullmatch(r"[0-9]{5}", el["Plz"]) for el in sample
          if el["Plz"] and el["Ort"] in ("Aachen", "Berlin", "Leipzig")), "German postcodes have 5 digits")
check(any("ü" in (el["Name"] or "") or "ö" in (el["Name"] or "") for el in sample),
      "names with umlauts")
check(sum(1 for el in sample if el["Anrede"] == "Frau") > 1000 and
      sum(1 for el in sample if el["Anrede"] == "Herr") > 1000, "Herr and Frau")
check(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", sample[0]["Aenderung"]) is not None,
      "Aenderung as Y-m-d H:i:s")
today = time.strftime("%Y-%m-%d")
old = time.strftime("%Y-%m-%d", time.localtime(time.time() - 740 * 86400))
recent = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
check(count(f1("Aenderung", ">", today + " 23:59:59")) == 0 and
      count(f1("Aenderung", "<", old)) == 0, "Aenderung lies within the last two years")
check(count(f1("Aenderung", ">=", recent)) > 1000, "and reaches up to recent days")

# reads over 100,000 stay fast (SQL with indexes, no full loads)
slow = []
for what, params in (
        ("last page by Aenderung", {"sortby": "Aenderung", "sortorder": "ASC", "listoffset": 99500}),
        ("types filter", {"filter": {"ArtDaten": [{"op": "in", "val": ["Interessent", "Kunde"]}],
                                     "DSGVOStatus": [{"op": "=", "val": "speicherungzugestimmt"}]}}),
        ("without type", {"filter": {"ArtDaten": [{"op": "=", "val": ""}]}}),
        ("all e-mails", {"filter": {"email": [{"op": "like", "val": "%mueller%"}]}}),
        ("changed since", {"filter": {"Aenderung": [{"op": ">=", "val": recent}]},
                           "sortby": "Aenderung"}),
        ("sort by Name", {"sortby": "Name", "sortorder": "DESC", "listoffset": 50000})):
    p = {"data": ["Vorname", "Name", "Email", "ArtDaten", "phone", "email"], "listlimit": 500}
    p.update(params)
    t = time.monotonic()
    res = emu.result(big, read_address(p))
    dt = time.monotonic() - t
    print(f"read over 100,000 ({what}): {dt * 1000:.0f} ms, {len(records(res))} records", flush=True)
    check(status_of(res) == 0 and len(records(res)) > 0, f"read {what}")
    if dt > 3.0:
        slow.append(what)
check(not slow, f"every read over 100,000 answers within 3 s (slow: {slow})")

# seed next to a running serve (the same database)
r = emu.seed(big["customer_web_id"], 100, seed=8)
check(r.returncode == 0 and count({}) == 100100, "seed works while serve runs on the same db")
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")
finish()
