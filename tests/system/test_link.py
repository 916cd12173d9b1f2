"""`immosync company link` and the master key (requirements §8.3, issue #6).

Linking with the secret on standard input, every refusal with its exit code, the key check
(a wrong key is refused by link and by serve), serve's key file on a fresh database, the
sync state moving to "linked" (GET sync/status), and no secret, token or key in any output,
log or the database file (CODE_STYLE.md "Secrets")."""
import json
import os
import secrets
import sqlite3
import stat
import subprocess

from api_util import Client, company, query
from harness import IMMOSYNC, Server, check, finish, run, sanitizer_clean, tmpdir

KEY = secrets.token_hex(32)
OTHER_KEY = secrets.token_hex(32)
TOKEN = secrets.token_hex(16)
SECRET = secrets.token_hex(32)
SECRET2 = secrets.token_hex(32)
SENSITIVE = [KEY, KEY.upper(), OTHER_KEY, TOKEN, SECRET, SECRET2]
outputs = []  # every stdout, stderr and log captured, checked at the end


def link(db, company_id, web_id="21546", tok=TOKEN, secret=SECRET + "\n", env=None, extra=()):
    argv = [IMMOSYNC, "company", "link", "--company", str(company_id), "--customer-web-id",
            web_id, "--token", tok, "--db", db, *extra]
    full_env = {"IMMOSYNC_MASTER_KEY": KEY} if env is None else env
    r = run(argv, env=full_env, input=secret)
    outputs.extend([r.stdout, r.stderr])
    return r


def serve(db, env=None, expect_start=True):
    """Starts serve (returns the Server) or runs it to its exit (returns CompletedProcess)."""
    argv = [IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db", db]
    if expect_start:
        return Server(argv, env=env or {})
    r = run(argv, env=env or {}, timeout=30)
    outputs.extend([r.stdout, r.stderr])
    return r


def stop(srv):
    rc, _ = srv.stop()
    outputs.append(srv.log())
    return rc


def db_bytes(db):
    data = b""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            with open(db + suffix, "rb") as f:
                data += f.read()
    return data


def clean_env():
    """The test's own environment must not leak a key into commands meant to run without."""
    for name in ("IMMOSYNC_MASTER_KEY", "IMMOSYNC_MASTER_KEY_FILE", "IMMOSYNC_TOKEN",
                 "IMMOSYNC_TOKEN_FILE"):
        os.environ.pop(name, None)


clean_env()
d = tmpdir()
db = os.path.join(d, "link.db")
a_id, a_full = company(db, "Makler A GmbH", "owner-a@example.de")
b_id, b_full = company(db, "Makler B GmbH", "owner-b@example.de")

# ---- usage ------------------------------------------------------------------------------

r = run([IMMOSYNC, "company", "link", "--help"])
check(r.returncode == 0 and "standard input" in r.stdout and "--master-key" in r.stdout
      and "IMMOSYNC_MASTER_KEY_FILE" in r.stdout, "company link --help")
r = run([IMMOSYNC, "company", "link", "--company", str(a_id), "--token", TOKEN, "--db", db],
        env={"IMMOSYNC_MASTER_KEY": KEY}, input=SECRET)
outputs.extend([r.stdout, r.stderr])
check(r.returncode == 2 and "--customer-web-id" in r.stderr, "missing --customer-web-id exits 2")
r = link(db, a_id, secret="")
check(r.returncode == 2 and "the API secret is read from standard input" in r.stderr,
      f"empty standard input exits 2 ({r.stderr.strip()})")
r = link(db, a_id, secret="\n")
check(r.returncode == 2 and "standard input" in r.stderr, "an empty line exits 2")
r = link(db, a_id, secret=SECRET + "\nmore\n")
check(r.returncode == 2 and "one line" in r.stderr, "two lines of secret exit 2")
r = link(db, a_id, secret="s" * 1025 + "\n")
check(r.returncode == 2 and "API secret" in r.stderr, "a 1025-character secret exits 2")
r = link(db, a_id, secret="s" * 5000)
check(r.returncode == 2 and "too long" in r.stderr, "a huge standard input exits 2")
r = link(db, a_id, env={"IMMOSYNC_MASTER_KEY": "zz" + KEY[2:]}, secret=SECRET)
check(r.returncode == 2 and "--master-key" in r.stderr and "IMMOSYNC_MASTER_KEY" in r.stderr,
      "a malformed key exits 2 naming it")
r = link(db, a_id, env={"IMMOSYNC_MASTER_KEY": KEY[:-2]})
check(r.returncode == 2 and "--master-key" in r.stderr, "a short key exits 2")
r = link(db, a_id, web_id="21 546")
check(r.returncode == 2 and "--customer-web-id" in r.stderr, "a web id with a space exits 2")
r = link(db, a_id, web_id="1" * 64)
check(r.returncode == 2 and "--customer-web-id" in r.stderr, "a 64-character web id exits 2")
r = link(db, a_id, tok="t" * 128)
check(r.returncode == 2 and "--token" in r.stderr, "a 128-character token exits 2")
r = link(db, a_id, env={})
check(r.returncode == 2 and "--master-key" in r.stderr and "IMMOSYNC_MASTER_KEY" in r.stderr,
      f"no key on a fresh database exits 2 naming --master-key ({r.stderr.strip()})")
check(query(db, "SELECT count(*) FROM onoffice_links")[0][0] == 0
      and query(db, "SELECT count(*) FROM meta WHERE key = 'master_key_check'")[0][0] == 0,
      "the refusals stored nothing")
check(query(db, "SELECT sync_state FROM companies WHERE id = ?", a_id)[0][0] == "not_linked",
      "the company is not linked yet")

# ---- linking ------------------------------------------------------------------------------

r = link(db, a_id)
doc = json.loads(r.stdout) if r.returncode == 0 else None
check(doc == {"company_id": a_id, "customer_web_id": "21546", "state": "linked"},
      f"company link prints the link ({r.returncode} {r.stdout} {r.stderr})")
row = query(db, "SELECT customer_web_id, state, claim_sealed FROM onoffice_links "
            "WHERE company_id = ?", a_id)
check(row == [("21546", "active", None)], f"the link row ({row})")
check(query(db, "SELECT sync_state FROM companies WHERE id = ?", a_id)[0][0] == "linked",
      "not_linked -> linked")
sealed_before = query(db, "SELECT secret_sealed, token_sealed FROM onoffice_links")

r = link(db, a_id, env={"IMMOSYNC_MASTER_KEY": OTHER_KEY}, secret=SECRET2)
check(r.returncode == 1 and "the master key does not match this database" in r.stderr,
      f"a wrong key exits 1 ({r.stderr.strip()})")
check(query(db, "SELECT secret_sealed, token_sealed FROM onoffice_links") == sealed_before,
      "the wrong key changed nothing")
r = link(db, a_id, env={})
check(r.returncode == 2 and "--master-key" in r.stderr and "IMMOSYNC_MASTER_KEY" in r.stderr
      and "holds secrets" in r.stderr, "no key when the database needs one exits 2")
r = link(db, 9999)
check(r.returncode == 1 and "no company 9999" in r.stderr, "an unknown company exits 1")
r = link(db, b_id)
check(r.returncode == 1 and "already linked to company" in r.stderr,
      f"a web id of another company exits 1 ({r.stderr.strip()})")
check(query(db, "SELECT sync_state FROM companies WHERE id = ?", b_id)[0][0] == "not_linked",
      "the other company stays not_linked")

# Re-linking (e.g. after a block/unblock): a key file, new secret, the state kept.
keyfile = os.path.join(d, "master.key")
with open(keyfile, "w") as f:
    f.write(KEY + "\n")
os.chmod(keyfile, 0o600)
con = sqlite3.connect(db)
con.execute("UPDATE companies SET sync_state = 'stopped' WHERE id = ?", (a_id,))
con.execute("UPDATE onoffice_links SET state = 'revoked', revoked_reason = 'blocked'")
con.commit()
con.close()
r = link(db, a_id, secret=SECRET2, env={"IMMOSYNC_MASTER_KEY_FILE": keyfile})
check(r.returncode == 0 and json.loads(r.stdout)["state"] == "stopped",
      f"re-link with IMMOSYNC_MASTER_KEY_FILE keeps the sync state ({r.stdout} {r.stderr})")
check(query(db, "SELECT state, revoked_reason FROM onoffice_links")[0] == ("active", None),
      "re-link clears revoked")
check(query(db, "SELECT secret_sealed FROM onoffice_links")[0][0] != sealed_before[0][0],
      "re-link replaced the secret")
con = sqlite3.connect(db)
con.execute("UPDATE companies SET sync_state = 'linked' WHERE id = ?", (a_id,))
con.commit()
con.close()
r = link(db, b_id, web_id="30001", env={}, extra=("--master-key", KEY))
check(r.returncode == 0, f"--master-key as a flag ({r.stderr.strip()})")

# A terminal gets a prompt, and the secret is not echoed.
master, slave = os.openpty()
p = subprocess.Popen([IMMOSYNC, "company", "link", "--company", str(b_id), "--customer-web-id",
                      "30001", "--token", TOKEN, "--db", db], stdin=slave, stderr=slave,
                     stdout=subprocess.PIPE, env={**os.environ, "IMMOSYNC_MASTER_KEY": KEY})
os.close(slave)
seen = b""
try:
    while b"API secret:" not in seen:
        chunk = os.read(master, 1024)
        if not chunk:
            break
        seen += chunk
    os.write(master, (SECRET + "\n").encode())
except OSError:
    pass
out, _ = p.communicate(timeout=30)
try:
    while True:
        chunk = os.read(master, 1024)
        if not chunk:
            break
        seen += chunk
except OSError:
    pass
os.close(master)
outputs.extend([out.decode(), seen.decode(errors="replace")])
check(p.returncode == 0 and b"API secret:" in seen and SECRET.encode() not in seen,
      f"a terminal is prompted without echo ({p.returncode} {seen!r})")

# ---- serve ------------------------------------------------------------------------------

srv = serve(db, env={"IMMOSYNC_MASTER_KEY": KEY})
c = Client(srv)
st, doc, _ = c.request("GET", "/api/v1/sync/status", a_full)
check(st == 200 and doc["state"] == "linked", f"sync/status shows linked ({st} {doc})")
st, doc, _ = c.request("GET", "/api/v1/sync/status", b_full)
check(st == 200 and doc["state"] == "linked", "the second company too")
check(stop(srv) == 0, "serve stops")

r = serve(db, env={"IMMOSYNC_MASTER_KEY": OTHER_KEY}, expect_start=False)
check(r.returncode == 1 and "the master key does not match this database" in r.stderr,
      f"serve with a wrong key exits 1 ({r.returncode} {r.stderr.strip()})")
r = serve(db, expect_start=False)
check(r.returncode == 2 and "--master-key" in r.stderr and "IMMOSYNC_MASTER_KEY" in r.stderr,
      "serve without a key on a database with secrets exits 2")
check(not os.path.exists(db + ".key"), "and makes no key file there")
srv = serve(db, env={"IMMOSYNC_MASTER_KEY_FILE": keyfile})
check(Client(srv).request("GET", "/api/v1/sync/status", a_full)[0] == 200,
      "serve with IMMOSYNC_MASTER_KEY_FILE")
check(stop(srv) == 0, "serve stops")

# A fresh database: serve makes <db>.key (0600) and uses it, also after a restart.
fresh = os.path.join(d, "fresh.db")
srv = serve(fresh)
kf = fresh + ".key"
mode = stat.S_IMODE(os.stat(kf).st_mode) if os.path.exists(kf) else None
check(mode == 0o600, f"serve made {kf} with mode 0600 ({mode and oct(mode)})")
with open(kf) as f:
    made = f.read()
check(len(made) == 65 and made.endswith("\n") and all(ch in "0123456789abcdef" for ch in made[:64]),
      "the key file holds 64 hex characters and a newline")
made_key = made.strip()
SENSITIVE.extend([made_key, made_key.upper()])
check(kf in srv.log(), "serve logs the key file's path")
check(stop(srv) == 0, "serve stops")
srv = serve(fresh)
check(Client(srv).request("GET", "/healthz")[0] == 200, "a restart uses the key file")
check(stop(srv) == 0, "serve stops")
with open(kf) as f:
    check(f.read() == made, "the key file was not replaced")
fa_id, fa_full = company(fresh, "Makler C", "c@example.de")
r = link(fresh, fa_id, web_id="40001", env={})
check(r.returncode == 0, f"company link uses the key file <db>.key ({r.stderr.strip()})")
r = link(fresh, fa_id, web_id="40001", env={"IMMOSYNC_MASTER_KEY": KEY})
check(r.returncode == 1 and "does not match" in r.stderr, "another key is refused there")
r = serve(fresh, env={"IMMOSYNC_MASTER_KEY": KEY}, expect_start=False)
check(r.returncode == 1 and "the master key does not match this database" in r.stderr,
      "serve with another key than the key file's exits 1")

# An existing key file on a fresh database is used, never overwritten.
fresh2 = os.path.join(d, "fresh2.db")
with open(fresh2 + ".key", "w") as f:
    f.write(KEY + "\n")
os.chmod(fresh2 + ".key", 0o600)
srv = serve(fresh2)
check(stop(srv) == 0, "serve starts with an existing key file")
with open(fresh2 + ".key") as f:
    check(f.read() == KEY + "\n", "the existing key file is kept")
f2_id, _ = company(fresh2, "Makler D", "d@example.de")
r = link(fresh2, f2_id, web_id="50001", env={"IMMOSYNC_MASTER_KEY": KEY})
check(r.returncode == 0, "its key became the database's key")

# A broken key file is refused, not replaced; a missing IMMOSYNC_MASTER_KEY_FILE is bad usage.
fresh3 = os.path.join(d, "fresh3.db")
with open(fresh3 + ".key", "w") as f:
    f.write("not a key\n")
r = serve(fresh3, expect_start=False)
check(r.returncode == 1 and "does not hold 64 hex characters" in r.stderr,
      f"serve refuses a broken key file ({r.returncode} {r.stderr.strip()})")
with open(fresh3 + ".key") as f:
    check(f.read() == "not a key\n", "the broken key file is left alone")
r = serve(fresh3, env={"IMMOSYNC_MASTER_KEY_FILE": os.path.join(d, "nope.key")},
          expect_start=False)
check(r.returncode == 2 and "IMMOSYNC_MASTER_KEY_FILE" in r.stderr,
      "a missing IMMOSYNC_MASTER_KEY_FILE exits 2 naming it")

# ---- no secret anywhere ------------------------------------------------------------------

blob = db_bytes(db) + db_bytes(fresh) + db_bytes(fresh2)
leaks = [s for s in SENSITIVE if s.encode() in blob]
check(not leaks, f"no key, token or secret in the database files ({len(leaks)} found)")
check(b"21546" in blob and b"master_key_check" in blob,
      "positive control: the database files were read")
text = "\n".join(outputs)
leaks = [s for s in SENSITIVE if s in text]
check(not leaks, f"no key, token or secret in any output or log ({len(leaks)} found)")
check('"customer_web_id": "21546"' in text and "API secret:" in text,
      "positive control: the outputs were captured")
check(sanitizer_clean(text), "no sanitizer reports")
finish()
