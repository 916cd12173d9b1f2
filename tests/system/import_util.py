"""Helpers for the import system tests (issue #6): an emulator and an immosync database with
linked companies, serve pointed at the emulator, and the expected contact sets computed HERE
from the emulator's addresses (read with this file's own signing, emu_util), independently
of immosync's code.

Python standard library only.
"""
import json
import os
import secrets
import sqlite3
import time

from api_util import Client, company
from emu_util import Emu, read_address
from harness import IMMOSYNC, Server, run, tmpdir

KEY = secrets.token_hex(32)
CONSENT = "speicherungzugestimmt"
READ_FIELDS = ["Anrede", "Vorname", "Name", "Strasse", "Plz", "Ort", "Land", "ArtDaten",
               "DSGVOStatus", "Status", "Aenderung", "Email", "email", "phone", "mobile"]


class World:
    """One emulator, one immosync database; serve started on demand."""

    def __init__(self, emu=None, extra_emu=None):
        self.emu = emu or Emu(extra=extra_emu or ["--log-level", "warn"])
        self.dir = tmpdir()
        self.db = os.path.join(self.dir, "immosync.db")
        self.srv = None
        self.client = None
        self.api_url = self.emu.url + "/api/stable/api.php"

    # ---- onOffice side ----

    def customer(self, name, count=0, seed=1, until=None, fixtures=None):
        creds = self.emu.customer(name)
        if count:
            r = self.emu.seed(creds["customer_web_id"], count, seed=seed, until=until)
            if r.returncode != 0:
                raise RuntimeError(r.stderr)
        if fixtures:
            creds["fixture_ids"] = self.emu.fixtures(creds["customer_web_id"], fixtures)
        return creds

    def addresses(self, creds):
        """Every address of the customer, {id: elements}, read page by page (offset)."""
        out, offset = {}, 0
        while True:
            res = self.emu.result(creds, read_address({
                "data": READ_FIELDS, "listlimit": 500, "listoffset": offset,
                "countryIsoCodeType": "ISO-3166-2"}))
            recs = res["data"]["records"]
            for r in recs:
                out[int(r["id"])] = r["elements"]
            offset += len(recs)
            if not recs or offset >= res["data"]["meta"]["cntabsolute"]:
                return out

    def emu_sql(self, sql, *args):
        con = sqlite3.connect(self.emu.db, timeout=30)
        try:
            cur = con.execute(sql, args)
            con.commit()
            return cur.fetchall()
        finally:
            con.close()

    def emu_now(self):
        """The emulator's "now" as Berlin "Y-m-d H:i:s" (the Aenderung of a change now)."""
        return self.emu.ctl("GET", "/_emu/clock")[1]["now_berlin"]

    def counters(self, reset=False):
        st, doc = self.emu.ctl("DELETE" if reset else "GET", "/_emu/counters")
        return doc

    def reads(self):
        return self.counters()["requests"].get("read/address", 0)

    # ---- immosync side ----

    def serve(self, extra=()):
        self.srv = Server([IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db", self.db,
                           "--onoffice-url", self.api_url, *extra],
                          env={"IMMOSYNC_MASTER_KEY": KEY})
        self.client = Client(self.srv)
        return self.srv

    def company(self, creds, name="Makler", secret=None):
        """A company linked to the customer; returns (company_id, full token)."""
        cid, tok = company(self.db, name, "owner@example.de")
        r = self.link(cid, creds, secret)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        return cid, tok

    def link(self, cid, creds, secret=None):
        return run([IMMOSYNC, "company", "link", "--company", str(cid), "--customer-web-id",
                    creds["customer_web_id"], "--token", creds["token"], "--db", self.db],
                   env={"IMMOSYNC_MASTER_KEY": KEY},
                   input=(secret or creds["secret"]) + "\n")

    def api(self, method, path, token, body=None):
        st, doc, _ = self.client.request(method, "/api/v1/" + path, token, body)
        return st, doc

    def settings(self, token, **patch):
        st, doc = self.api("PUT", "settings", token, patch)
        if st != 200:
            raise RuntimeError(f"PUT settings {patch}: {st} {doc}")
        return doc

    def status(self, token):
        return self.api("GET", "sync/status", token)[1]

    def wait(self, pred, timeout=120, step=0.2):
        """Polls pred() until it is truthy; returns its value or None at the timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = pred()
            if v:
                return v
            time.sleep(step)
        return None

    def wait_idle(self, token, timeout=120):
        """Waits until the import runs no more and a run has ended; returns the status."""
        def idle():
            s = self.status(token)
            imp = s["import"]
            return s if not imp["running"] and imp["last_run_at"] else None
        return self.wait(idle, timeout)

    def sync_initial(self, cid, extra=(), timeout=300):
        return run([IMMOSYNC, "sync", "initial", "--company", str(cid), "--db", self.db,
                    "--onoffice-url", self.api_url, *extra],
                   env={"IMMOSYNC_MASTER_KEY": KEY}, timeout=timeout)

    def q(self, sql, *args):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def contacts(self, cid):
        """{onOffice address id: row} of the company's contacts."""
        rows = self.q("SELECT onoffice_address_id, id, salutation, first_name, last_name, "
                      "street, zip, city, country, contact_types, gdpr_consent, blocked, "
                      "archived, origin, erased_at, updated_at FROM contacts WHERE company_id "
                      "= ?", cid)
        keys = ["address_id", "id", "salutation", "first_name", "last_name", "street", "zip",
                "city", "country", "contact_types", "gdpr_consent", "blocked", "archived",
                "origin", "erased_at", "updated_at"]
        return {r[0]: dict(zip(keys, r)) for r in rows}

    def imported(self, cid):
        """Address ids of the company's unblocked imported contacts."""
        return {a for a, c in self.contacts(cid).items() if not c["blocked"]
                and c["erased_at"] is None}

    def dump(self, cid):
        """Everything the company's contacts consist of, to compare runs."""
        return (self.q("SELECT * FROM contacts WHERE company_id = ? ORDER BY id", cid),
                self.q("SELECT * FROM contact_emails WHERE company_id = ? ORDER BY id", cid),
                self.q("SELECT * FROM contact_phones WHERE company_id = ? ORDER BY id", cid),
                self.q("SELECT count(*) FROM outbox WHERE company_id = ?", cid),
                self.q("SELECT count(*) FROM lead_keys WHERE company_id = ?", cid))

    def import_state(self, cid):
        rows = self.q("SELECT phase, done, total, init_branch, init_last_id, cursor, "
                      "last_error FROM import_state WHERE company_id = ?", cid)
        if not rows:
            return None
        return dict(zip(["phase", "done", "total", "init_branch", "init_last_id", "cursor",
                         "last_error"], rows[0]))

    def stop(self):
        if self.srv:
            rc, _ = self.srv.stop()
            self.srv = None
            return rc
        return 0


# ---- the rules, written from the spec (R-I3, R-I4) ----

def types_of(el):
    v = el.get("ArtDaten")
    if isinstance(v, list):
        return {str(x) for x in v if x != ""}
    if isinstance(v, str):
        return {p for p in v.split("|") if p}
    return set()


def consented(el):
    return el.get("DSGVOStatus") == CONSENT


def in_scope(el, scope):
    t = types_of(el)
    if scope.get("all_contacts", True):
        return t != {"Systembenutzer"}
    ok = False
    if scope.get("contact_types"):
        ok = ok or bool(t & set(scope["contact_types"]))
    if scope.get("without_contact_type"):
        ok = ok or not t
    return ok


def expected(addresses, scope):
    """Address ids an import of scope must hold: consented and in scope."""
    return {i for i, el in addresses.items() if consented(el) and in_scope(el, scope)}


def edge_fixtures(tag="x"):
    """Addresses on the edges of the rules, planted next to seeded data."""
    mail = lambda n: {"type": "email", "value": f"{tag}.{n}@example.de"}
    return [
        {"Vorname": "Sys", "Name": "Only", "ArtDaten": ["Systembenutzer"], "DSGVOStatus": CONSENT,
         "contacts": [mail("sys")]},
        {"Vorname": "Sys", "Name": "Kunde", "ArtDaten": ["Systembenutzer", "Kunde"],
         "DSGVOStatus": CONSENT},
        {"Vorname": "Ohne", "Name": "Art", "ArtDaten": [], "DSGVOStatus": CONSENT},
        {"Vorname": "Ohne", "Name": "Zustimmung", "ArtDaten": ["Kunde"], "DSGVOStatus": ""},
        {"Vorname": "Wider", "Name": "Rufen", "ArtDaten": ["Kunde"],
         "DSGVOStatus": "speicherungwiderrufen"},
        {"Anrede": "Frau", "Vorname": "Anna", "Name": "Österreicher", "Strasse": "Ring 1",
         "Plz": "1010", "Ort": "Wien", "Land": "AUT", "ArtDaten": ["Eigentümer", "Tippgeber"],
         "DSGVOStatus": CONSENT, "Status": 0,
         "contacts": [{"type": "email", "value": f"{tag}.anna1@example.at"},
                      {"type": "email", "value": f"{tag}.anna2@example.at", "default": True},
                      {"type": "email", "value": f"{tag}.anna3@example.at"},
                      {"type": "phone", "value": "+43 1 5344"},
                      {"type": "mobile", "value": "0171 2345678"},
                      {"type": "fax", "value": "+43 1 5345"}]},
        {"Vorname": "Keine", "Name": "Mail", "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT},
        {"Vorname": "Geteilte", "Name": "Mail1", "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT,
         "contacts": [{"type": "email", "value": f"{tag}.shared@example.de"}]},
        {"Vorname": "Geteilte", "Name": "Mail2", "ArtDaten": ["Kunde"], "DSGVOStatus": CONSENT,
         "contacts": [{"type": "email", "value": f"{tag}.shared@example.de"}]},
    ]
