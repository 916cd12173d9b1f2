"""Helpers for API system tests: companies made with the CLI, a JSON client, row counts."""
import http.client
import json
import os
import sqlite3

from harness import IMMOSYNC, Server, run

TABLES = ["companies", "api_tokens", "settings", "contacts", "contact_emails", "contact_phones",
          "lead_keys", "conversions", "notes", "idempotency", "outbox", "transfer_log"]


def company(db, name, owner):
    """Creates a company with the CLI; returns (company_id, full token)."""
    r = run([IMMOSYNC, "company", "create", "--name", name, "--owner-email", owner, "--db", db])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    doc = json.loads(r.stdout)
    return doc["company_id"], doc["api_token"]


def token(db, company_id, scope):
    r = run([IMMOSYNC, "company", "token", "create", "--company", str(company_id), "--scope",
             scope, "--db", db])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return json.loads(r.stdout)["api_token"]


def serve(db):
    return Server([IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db", db])


class Client:
    """One keep-alive connection; request() returns (status, parsed JSON or None, headers)."""

    def __init__(self, srv):
        self.host, self.port = srv.host, srv.port
        self.conn = None

    def request(self, method, path, token=None, body=None, headers=None, raw=None):
        hdrs = dict(headers or {})
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                text = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                try:
                    doc = json.loads(text) if text else None
                except json.JSONDecodeError:
                    doc = None
                return resp.status, doc, dict(resp.getheaders())
            except (ConnectionError, http.client.RemoteDisconnected, BrokenPipeError):
                self.conn = None
                if attempt == 2:
                    raise


def counts(db):
    """Rows in every table (the server keeps running; WAL lets us read)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def query(db, sql, *args):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def conversion(email="anna.schmidt@example.de", ctype="valuation", details=None, **lead):
    """The requirements §8.1 example body, adjustable."""
    body = {
        "lead": {"email": email, "salutation": "Frau", "first_name": "Anna",
                 "last_name": "Schmidt", "phone": "0171 2345678", "street": "Hauptstraße 5",
                 "zip": "52062", "city": "Aachen", "country": "DE", "gdpr_consent": True,
                 "status": "new"},
        "conversion": {"type": ctype, "landing_page": "Immobilienbewertung Aachen",
                       "occurred_at": "2026-11-26T10:15:00Z",
                       "details": details if details is not None else {
                           "property_type": "house", "property_subtype": "single_family_house",
                           "address": {"street": "Hauptstraße", "house_number": "5",
                                       "zip": "52062", "city": "Aachen", "country": "DE"},
                           "price": {"min": 400000, "max": 500000, "average": 450000},
                           "method": "automated"}},
    }
    body["lead"].update(lead)
    return body


def table_counts(db):
    """Rows in every table of an SQLite database, found from sqlite_master (read-only,
    beside the running server): "nothing changed" compares two of these."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()
