"""onoffice-emu Marketplace (onoffice-protocol §2.3, §10; R-A1, R-A3, R-A12, requirements §8.3):
activation-url and service-url print URLs whose signature verifies with an independent Python
implementation of onoffice-protocol §10.3 and with php-cli (http_build_query + hash_hmac), spaces, '+', '~',
'&', umlauts and empty values included; do/unlockProvider with the onoffice-protocol §10.1 body (once, twice,
unknown cache id, wrong claim, wrong secret); the per-customer "claim required" switch (193,
201, 248, current claim); persistence of cache ids and claims across a restart."""
import json
import os
import re
import subprocess
import time
import urllib.parse

from emu_util import (Emu, action, doc_action, envelope, marketplace_check, records, signed,
                      status_of)
from harness import EMU, check, finish, run

emu = Emu()
NAME = "Müller & Söhne + Partner ~ GmbH"
A = emu.customer(NAME)
B = emu.customer("Zweite Maklerei")
web = A["customer_web_id"]
SECRET = "prov+secret ~ with spaces&more"
PROVIDER = "https://provider.example:8443/onoffice/activate"
EIGHT = {"apiToken", "parameterCacheId", "apiClaim", "customerName", "customerWebId", "userId",
         "timestamp"}


def cli(cmd, *args, secret=SECRET, env=None, customer=None):
    argv = [EMU, cmd, "--customer", customer or web, "--db", emu.db] + list(args)
    if secret is not None:
        argv += ["--provider-secret", secret]
    return run(argv, env=env)


def url_of(r):
    lines = r.stdout.splitlines()
    return lines[0] if r.returncode == 0 and len(lines) == 1 and r.stderr == "" else None


def php_verify(url, secret):
    """onOffice's CheckSignature.class.php (onoffice-protocol §10.3) run by php-cli."""
    code = ('$u = parse_url($argv[1]); parse_str($u["query"], $q); $s = $q["signature"];'
            'unset($q["signature"]); ksort($q);'
            '$m = $u["scheme"]."://".$u["host"].$u["path"]."?".http_build_query($q);'
            'echo hash_hmac("sha256", $m, $argv[2]) === $s ? "valid" : "invalid";')
    r = subprocess.run(["php", "-r", code, url, secret], capture_output=True, text=True, timeout=30)
    return r.stdout.strip()


def status():
    return emu.ctl("GET", f"/_emu/customers/{web}")[1]


# ---- the onoffice-protocol §10.3 vector with this file's own verifier, and with PHP ----
VECTOR = ("https://provider.example/activate.php?apiClaim=abc&apiToken=tok&customerName=Muster"
          "&customerWebId=12345&parameterCacheId=6802c44a-7ac0-4210-a3d4-e5581e3fa0b6"
          "&timestamp=1700000000&userId=17")
VSIG = "aaa0dfc0e79a2f03805df22cad545c79e80e35631588d1d893b5eda41c442487"
check(marketplace_check(VECTOR + "&signature=" + VSIG, "secret")[0], "onoffice-protocol §10.3 vector: Python verifier")
check(php_verify(VECTOR + "&signature=" + VSIG, "secret") == "valid", "onoffice-protocol §10.3 vector: php-cli")
check(php_verify(VECTOR + "&signature=" + VSIG.replace("a", "b", 1), "secret") == "invalid",
      "php-cli refuses a changed signature")

# ---- activation-url ----
st0 = status()
r = cli("activation-url", "--provider-url", PROVIDER + "?lang=de&x=a%20b+c")
url = url_of(r)
check(url is not None, f"activation-url prints only the URL ({r.returncode}, {r.stderr!r})")
ok, p = marketplace_check(url, SECRET)
check(ok, "its signature verifies (Python, onoffice-protocol §10.3)")
check(php_verify(url, SECRET) == "valid", "its signature verifies with php-cli")
check(url.startswith("https://provider.example:8443/onoffice/activate?"),
      "the URL keeps the provider's host, port and path (the port is not signed)")
check(set(p) == EIGHT | {"lang", "x"} and p["x"] == "a b c" and p["lang"] == "de",
      f"all eight onoffice-protocol §10.1 parameters (signature included) plus the provider's own ({sorted(p)})")
check(p["apiToken"] == A["token"] and p["customerName"] == NAME and p["customerWebId"] == web and
      p["userId"] == "1", "apiToken is the customer's token; name and web id; userId defaults to 1")
check(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                   p["parameterCacheId"]) is not None, "parameterCacheId is a fresh UUID v4")
check(len(p["apiClaim"]) >= 32 and abs(int(p["timestamp"]) - time.time()) <= 5,
      "apiClaim set; timestamp is now")
check("customerName=M%C3%BCller+%26+S%C3%B6hne+%2B+Partner+%7E+GmbH" in url,
      "the name is encoded as PHP urlencode does (space '+', '+' %2B, '~' %7E, '&' %26, UTF-8)")
check(status()["open_activations"] == st0["open_activations"] + 1, "the parameter cache is stored")
tampered = url.replace("customerWebId=" + web, "customerWebId=1" + web)
check(not marketplace_check(tampered, SECRET)[0] and php_verify(tampered, SECRET) == "invalid",
      "a tampered URL does not verify (Python, PHP)")
check(not marketplace_check(url, "other")[0] and php_verify(url, "other") == "invalid",
      "another provider secret does not verify")

url2 = url_of(cli("activation-url", "--provider-url", "http://127.0.0.1:9/act", "--user-id", "17",
                  "note=a b+c~d&e", "leer=", "gruss=Grüße ~ 100%"))
ok, p2 = marketplace_check(url2, SECRET)
check(ok and php_verify(url2, SECRET) == "valid" and p2["note"] == "a b+c~d&e" and p2["leer"] == ""
      and p2["gruss"] == "Grüße ~ 100%" and p2["userId"] == "17",
      "extra parameters with spaces, '+', '~', '&', umlauts and an empty value verify in both")
check(p2["parameterCacheId"] != p["parameterCacheId"] and p2["apiClaim"] != p["apiClaim"],
      "every link has its own cache id and claim")
check(url2.startswith("http://127.0.0.1:9/act?"), "an http provider URL with a port")
env_url = url_of(cli("activation-url", "--provider-url", "https://p.example/", secret=None,
                     env={"ONOFFICE_EMU_PROVIDER_SECRET": SECRET}))
check(env_url and marketplace_check(env_url, SECRET)[0], "--provider-secret from the environment")
secret_file = os.path.join(emu.dir, "provider.secret")
with open(secret_file, "w") as f:
    f.write(SECRET + "\n")
file_url = url_of(cli("activation-url", "--provider-url", "https://p.example/", secret=None,
                      env={"ONOFFICE_EMU_PROVIDER_SECRET_FILE": secret_file}))
check(file_url and marketplace_check(file_url, SECRET)[0], "--provider-secret from a _FILE")

opened = status()["open_activations"]
for args, what in ((["--provider-url", PROVIDER, "signature=x"], "an extra parameter named signature"),
                   (["--provider-url", PROVIDER, "userId=5"], "a parameter given twice"),
                   (["--provider-url", PROVIDER, "a.b=1"], "a key PHP's parse_str would rename"),
                   (["--provider-url", PROVIDER, "novalue"], "an extra argument without '='"),
                   (["--provider-url", "ftp://p.example/x"], "a provider URL that is not http(s)"),
                   (["--provider-url", PROVIDER + "#frag"], "a provider URL with a fragment"),
                   (["--provider-url", PROVIDER, "--group-id", "3"], "--group-id (service-url only)")):
    r = cli("activation-url", *args)
    check(r.returncode == 2 and r.stdout == "", f"activation-url: {what} → exit 2, nothing printed")
r = cli("activation-url", "--provider-url", PROVIDER, customer="1")
check(r.returncode == 2 and "--customer" in r.stderr, "an unknown web id → exit 2 naming --customer")
r = cli("activation-url", "--provider-url", PROVIDER, secret=None)
check(r.returncode == 2 and "provider-secret" in r.stderr, "no provider secret → exit 2")
check(status()["open_activations"] == opened, "refused commands stored nothing")
r = run([EMU, "activation-url", "--help"])
check(r.returncode == 0 and "--provider-url" in r.stdout and "--user-id" in r.stdout, "--help")

# ---- service-url ----
r = cli("service-url", "--provider-url", "https://provider.example/onoffice/open", "--group-id", "12",
        "estateId=4711", "language=")
surl = url_of(r)
ok, sp = marketplace_check(surl, SECRET)
check(ok and php_verify(surl, SECRET) == "valid", "service-url verifies (Python, php-cli)")
check(set(sp) == {"apiClaim", "customerName", "customerWebId", "userId", "timestamp", "groupId",
                  "estateId", "language"} and sp["groupId"] == "12" and sp["customerName"] == NAME,
      f"service-url parameters: no apiToken/parameterCacheId, groupId, macros ({sorted(sp)})")
check(status()["service_claim"] == sp["apiClaim"], "its claim is now the customer's current one")
emu.ctl("PUT", "/_emu/clock", {"offset_s": -3600})
_, stale = marketplace_check(url_of(cli("service-url", "--provider-url", "https://p.example/o")), SECRET)
emu.ctl("PUT", "/_emu/clock", {"offset_s": 0})
check(abs(int(stale["timestamp"]) - (time.time() - 3600)) <= 5,
      "the timestamp follows the emulator clock (stale links for verifier tests)")

# ================= do/unlockProvider (onoffice-protocol §10.1) =================
UNLOCK_10_1 = r'''{"actionid":"urn:onoffice-de-ns:smart:2.5:smartml:action:do","resourceid":"","identifier":"","resourcetype":"unlockProvider",
 "parameters":{"parameterCacheId":"6802c44a-7ac0-4210-a3d4-e5581e3fa0b6","extendedclaim":"<apiClaim from the activation URL>"}}'''


def unlock(cache_id, claim, creds=None, token=None, extra=None):
    a = doc_action(UNLOCK_10_1)
    if cache_id is not None:
        a["parameters"]["parameterCacheId"] = cache_id
    else:
        del a["parameters"]["parameterCacheId"]
    if claim is not None:
        a["parameters"]["extendedclaim"] = claim
    else:
        del a["parameters"]["extendedclaim"]
    a["parameters"].update(extra or {})
    creds = creds or {"token": token, "secret": A["secret"]}
    doc = emu.post_api(envelope(creds, [signed(creds, a)]))
    return doc, doc["response"]["results"][0]


# The credentials an activating provider has: apiToken from the URL, the pasted API key.
key = {"token": p["apiToken"], "secret": A["secret"]}
doc, r = unlock("6802c44a-7ac0-4210-a3d4-e5581e3fa0b6",
                "<apiClaim from the activation URL>", creds=key)
check(status_of(r) == 177 and doc["status"]["errorcode"] == 97,
      "onoffice-protocol §10.1 body verbatim (the docs' cache id) → 177, top level 97")
before = status()
doc, r = unlock(p["parameterCacheId"], p2["apiClaim"], creds=key)
check(status_of(r) == 248, "the claim of another activation link → 248")
doc, r = unlock(p["parameterCacheId"], None, creds=key)
check(status_of(r) == 193, "no extendedclaim → 193")
doc, r = unlock(p["parameterCacheId"], 42, creds=key)
check(status_of(r) == 193, "an extendedclaim that is not a string → 193")
doc, r = unlock("00000000-0000-4000-8000-000000000001", 42, creds=key)
check(status_of(r) == 177, "… but an unknown cache id is reported first → 177")
doc, r = unlock(p["parameterCacheId"], p["apiClaim"], creds={"token": p["apiToken"], "secret": SECRET})
check(status_of(r) == 137 and doc["status"]["errorcode"] == 0,
      "a wrong API key (the provider secret) → 137, top level 0")
doc, r = unlock(p["parameterCacheId"], p["apiClaim"], creds=B)
check(status_of(r) == 177, "another customer's credentials do not see the cache → 177")
doc, r = unlock(p["parameterCacheId"], p["apiClaim"], creds=key, extra={"isRegularCustomer": 5})
check(status_of(r) == 255, "isRegularCustomer 5 → 255")
check(status()["unlocked"] is False and status()["unlock_count"] == 0, "refused unlocks unlock nothing")
doc, r = unlock(p["parameterCacheId"], p["apiClaim"], creds=key, extra={"isRegularCustomer": 1})
check(status_of(r) == 0 and doc["status"]["errorcode"] == 0 and
      records(r) == [{"id": 0, "type": "", "elements": {"success": "success"}}] and
      r["data"]["meta"]["cntabsolute"] is None and r["cacheable"] is False,
      f"unlock with the link's cache id and claim → success ({r['status']})")
st = status()
check(st["unlocked"] is True and st["unlock_count"] == 1 and st["unlocked_at"] and
      st["open_activations"] == before["open_activations"] - 1, f"the customer is marked unlocked ({st})")
doc, r = unlock(p["parameterCacheId"], p["apiClaim"], creds=key)
check(status_of(r) == 178 and status()["unlock_count"] == 1,
      "a second unlock with the same cache id → 178, nothing changes")
doc, r = unlock("00000000-0000-4000-8000-000000000000", p["apiClaim"], creds=key)
check(status_of(r) == 177, "an unknown cache id → 177")
doc, r = unlock(None, p2["apiClaim"], creds=key)
check(status_of(r) == 177, "no parameterCacheId → 177")
doc, r = unlock(p2["parameterCacheId"], p2["apiClaim"], creds=key)
check(status_of(r) == 0 and status()["unlock_count"] == 2, "another link unlocks again (re-activation)")
c = emu.ctl("GET", "/_emu/counters")[1]
check(c["requests"].get("do/unlockProvider", 0) >= 10, "counters count do/unlockProvider")

# ================= claim required (onoffice-protocol §2.3) =================
READ = action("read", "address", {"data": ["Name"]})


def with_claim(claim, act=READ, creds=A):
    a = json.loads(json.dumps(act))
    if claim is not None:
        a["parameters"]["extendedclaim"] = claim
    return emu.result(creds, a)


check(status_of(with_claim(None)) == 0 and status_of(with_claim("garbage")) == 0,
      "claim_required off (default): claims are ignored")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"claim_required": True})
doc = emu.call(A, READ)
check(status_of(doc["response"]["results"][0]) == 193 and doc["status"]["errorcode"] == 97,
      "claim required, none given → 193 (top level 97)")
check(status_of(with_claim("")) == 193, "an empty claim → 193")
check(status_of(with_claim(42)) == 193, "a claim that is not a string → 193")
check(status_of(with_claim("garbage")) == 248, "an unknown claim → 248")
check(status_of(with_claim(p["apiClaim"])) == 248, "the (used) activation claim → 248")
check(status_of(with_claim(url_of(cli("activation-url", "--provider-url", PROVIDER)).split("apiClaim=")[1]
                           .split("&")[0])) == 248, "a fresh activation claim is only for the unlock → 248")
claim1 = stale["apiClaim"]  # the latest service-url so far
check(status_of(with_claim(claim1)) == 0, "the current service claim → OK")
check(status_of(with_claim(sp["apiClaim"])) == 201, "the one before it → 201 outdated")
_, sp2 = marketplace_check(url_of(cli("service-url", "--provider-url", "https://p.example/o")), SECRET)
claim2 = sp2["apiClaim"]
check(status_of(with_claim(sp["apiClaim"])) == 201 and status_of(with_claim(claim1)) == 201,
      "after a newer service link both earlier claims → 201 outdated")
check(status_of(with_claim(claim2)) == 0, "the newest service claim → OK")
_, bp = marketplace_check(url_of(cli("service-url", "--provider-url", "https://p.example/o",
                                     customer=B["customer_web_id"])), SECRET)
check(status_of(with_claim(bp["apiClaim"])) == 248, "another customer's current claim → 248")
check(status_of(with_claim(bp["apiClaim"], creds=B)) == 0,
      "… which B may use, though B does not require claims")
check(status_of(with_claim(claim2, action("create", "address", {"Name": "Mit Claim"}))) == 0 and
      status_of(with_claim(None, action("get", "fields", {"modules": ["address"]}))) == 193 and
      status_of(with_claim(None, action("create", "agentslog", {"addressids": [1], "actionkind": "Notiz"}))) == 193,
      "every call needs the claim: writes and configuration reads too")
url3 = url_of(cli("activation-url", "--provider-url", PROVIDER))
_, p3 = marketplace_check(url3, SECRET)
doc, r = unlock(p3["parameterCacheId"], p3["apiClaim"], creds=key)
check(status_of(r) == 0, "unlockProvider needs no service claim (its own activation claim)")

# ---- persistence across a restart ----
url4 = url_of(cli("activation-url", "--provider-url", PROVIDER))
_, p4 = marketplace_check(url4, SECRET)
before = status()
emu.restart()
check(status() == before, "the Marketplace state survives a restart")
check(status_of(with_claim(claim2)) == 0 and status_of(with_claim(claim1)) == 201,
      "claims and claim_required survive a restart")
doc, r = unlock(p4["parameterCacheId"], p4["apiClaim"], creds=key)
check(status_of(r) == 0, "a cache id issued before the restart unlocks after it")
doc, r = unlock(p3["parameterCacheId"], p3["apiClaim"], creds=key)
check(status_of(r) == 178, "a cache id used before the restart stays used")
emu.ctl("PUT", f"/_emu/customers/{web}/config", {"claim_required": False})
check(status_of(with_claim(claim1)) == 0, "switched off again: claims are ignored")
st, doc = emu.ctl("GET", "/_emu/customers/1")
check(st == 404, "GET /_emu/customers/{unknown} → 404")
check(emu.stop_clean(), "the emulator stops cleanly (exit 0, no sanitizer report)")
finish()
