"""The command-line contract of requirements §8.3 that exists so far: --help and --version on
every command, exit 2 naming a bad option, environment variables, --listen …:0."""
import os

from harness import EMU, IMMOSYNC, Server, check, finish, run, tmpdir

for prog in (IMMOSYNC, EMU):
    name = os.path.basename(prog)
    r = run([prog, "--version"])
    check(r.returncode == 0 and r.stdout.startswith(name + " "), f"{name} --version")
    r = run([prog, "--help"])
    check(r.returncode == 0 and "serve" in r.stdout, f"{name} --help lists commands")
    r = run([prog, "serve", "--help"])
    check(r.returncode == 0 and "--listen ADDR" in r.stdout and "--db" in r.stdout,
          f"{name} serve --help lists options")
    r = run([prog, "serve", "--version"])
    check(r.returncode == 0 and r.stdout.startswith(name + " "), f"{name} serve --version")
    r = run([prog, "serve", "--listen", "localhost"])
    check(r.returncode == 2 and "--listen" in r.stderr, f"{name}: bad --listen exits 2 naming it")
    r = run([prog, "serve", "--bogus"])
    check(r.returncode == 2 and "--bogus" in r.stderr, f"{name}: unknown option exits 2")
    envname = "IMMOSYNC_LOG_LEVEL" if prog == IMMOSYNC else "ONOFFICE_EMU_LOG_LEVEL"
    r = run([prog, "serve"], env={envname: "chatty"})
    check(r.returncode == 2 and envname in r.stderr, f"{name}: bad {envname} exits 2 naming it")

r = run([IMMOSYNC])
check(r.returncode == 2 and "Usage:" in r.stderr, "immosync without a command prints usage, exit 2")
r = run([IMMOSYNC, "frobnicate"])
check(r.returncode == 2 and "unknown command 'frobnicate'" in r.stderr, "unknown command exits 2")

# The environment picks the database; the flag would beat it.
d = tmpdir()
db = os.path.join(d, "from-env.db")
srv = Server([IMMOSYNC, "serve", "--listen", "127.0.0.1:0"], env={"IMMOSYNC_DB": db})
check(srv.port > 0, "serve --listen 127.0.0.1:0 prints the bound port")
rc, _ = srv.stop()
check(rc == 0, "serve stops with 0")
check(os.path.exists(db), "IMMOSYNC_DB chose the database file")

# A database written by a newer immosync is refused (migrations refuse a newer schema).
import sqlite3
con = sqlite3.connect(db)
con.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', 0)")
con.commit()
con.close()
r = run([IMMOSYNC, "serve", "--listen", "127.0.0.1:0", "--db", db], timeout=20)
check(r.returncode == 1 and "newer" in r.stderr, "a newer schema is refused at start")
finish()
