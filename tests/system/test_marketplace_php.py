"""Marketplace URL signatures (onoffice-protocol §10.3, R-A1, R-A12): our verifier and signer
(src/onoffice/marketplace.c, driven by oo-probe mp-verify / mp-sign) cross-checked live
against php-cli running the PHP of onOffice's example, CheckSignature.class.php:

    parse_str($u['query'], $q); unset($q['signature']); ksort($q);
    hash_hmac('sha256', $u['scheme'].'://'.$u['host'].$u['path'].'?'.http_build_query($q), $secret)

Values with spaces, '+', '~', '&', '=', '%', umlauts, emoji and empty values; queries
encoded in several equivalent ways; PHP-signed URLs verified by us and our URLs verified
by PHP; tampered, stale and future URLs refused."""
import json
import os
import random
import re
import shutil
import subprocess
import urllib.parse

from harness import BUILD, check, finish, run

PROBE = os.path.join(BUILD, "oo-probe")
SECRET = "provider-secret-0123456789"
TS = 1700000000

PHP = r'''
$in = json_decode(stream_get_contents(STDIN), true);
$out = ["sign" => [], "raw" => [], "check" => []];
foreach ($in["sign"] as $job) {           // a URL signed the way onOffice signs it
    $p = $job["params"];
    ksort($p);
    $q = http_build_query($p);
    $u = parse_url($job["url"]);
    $sig = hash_hmac("sha256", $u["scheme"] . "://" . $u["host"] . $u["path"] . "?" . $q, $job["secret"]);
    $out["sign"][] = $job["url"] . "?" . $q . "&signature=" . $sig;
}
foreach ($in["raw"] as $job) {            // the signature CheckSignature expects for a raw query
    parse_str($job["query"], $q);
    unset($q["signature"]);
    ksort($q);
    $out["raw"][] = hash_hmac("sha256", $job["base"] . "?" . http_build_query($q), $job["secret"]);
}
foreach ($in["check"] as $job) {          // CheckSignature itself
    $u = parse_url($job["url"]);
    parse_str($u["query"], $q);
    $sig = $q["signature"] ?? "";
    unset($q["signature"]);
    ksort($q);
    $ok = hash_hmac("sha256", $u["scheme"] . "://" . $u["host"] . $u["path"] . "?" . http_build_query($q), $job["secret"]) === $sig;
    $out["check"][] = ["ok" => $ok, "params" => (object)$q];
}
echo json_encode($out);
'''


def php(jobs):
    full = {"sign": [], "raw": [], "check": []}
    full.update(jobs)
    r = subprocess.run(["php", "-r", PHP], input=json.dumps(full), capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"php failed: {r.stderr}")
    return json.loads(r.stdout)


def verify(url, kind="activation", now=TS, secret=SECRET):
    r = run([PROBE, "mp-verify", "--url", url, "--secret", secret, "--kind", kind,
             "--now", str(now)])
    try:
        return r.returncode, json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return r.returncode, {"stderr": r.stderr}


def sign(url, params, secret=SECRET):
    r = run([PROBE, "mp-sign", "--url", url, "--secret", secret, "--params", json.dumps(params)])
    return json.loads(r.stdout)["url"] if r.returncode == 0 else None


def activation(**extra):
    p = {"apiToken": "tok", "parameterCacheId": "6802c44a-7ac0-4210-a3d4-e5581e3fa0b6",
         "apiClaim": "abc", "customerName": "Muster", "customerWebId": "12345", "userId": "17",
         "timestamp": str(TS)}
    p.update(extra)
    return p


if not shutil.which("php"):
    check(False, "php-cli is installed (scripts/install-deps.sh installs it)")
    finish()

BASE = "https://provider.example:8443/onoffice/activate"

# ---- the onoffice-protocol §10.3 vector ------------------------------------------------------------------------
doc = php({"sign": [{"url": "https://provider.example/activate.php", "params": activation(),
                     "secret": "secret"}]})["sign"][0]
check(doc.endswith("signature=aaa0dfc0e79a2f03805df22cad545c79e80e35631588d1d893b5eda41c442487"),
      f"PHP reproduces the onoffice-protocol §10.3 vector ({doc[-70:]})")
rc, out = verify(doc, secret="secret")
check(rc == 0 and out.get("params", {}).get("customerWebId") == "12345", f"onoffice-protocol §10.3 vector verifies ({out})")

# ---- hand-picked values: PHP signs, we verify and decode the same values ---------------------
tricky = [
    activation(customerName="Max Mustermann GmbH & Co. KG"),
    activation(apiClaim="ab+cd/ef==", customerName="a+b=c&d"),
    activation(customerName="~tilde~", groupId=""),
    activation(customerName="Müller Söhne Straße €", extra="%2B", pct="100%", hash="#?/"),
    activation(customerName="", empty=""),
    activation(customerName="emoji 😀 and\ttab", UserLanguage="DEU", language="ENG"),
]
signed = php({"sign": [{"url": BASE, "params": p, "secret": SECRET} for p in tricky]})["sign"]
for p, url in zip(tricky, signed):
    rc, out = verify(url, kind="service")
    check(rc == 0 and out.get("params") == p, f"PHP-signed URL verifies with the same values ({p} → {out})")

# ---- equivalent encodings of one query: PHP's expectation from the raw query ----------------
def encodings(params):
    items = sorted(params.items(), key=lambda kv: random.random())
    yield "&".join(f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='')}" for k, v in items)
    yield "&".join(f"{urllib.parse.quote_plus(k)}={urllib.parse.quote_plus(v)}" for k, v in items)
    # lower-case hex, '~' left literal
    yield re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(),
                 "&".join(f"{k}={urllib.parse.quote(v, safe='~')}" for k, v in items))
    # a repeated key: the last value counts, as in parse_str
    yield "userId=999&" + "&".join(f"{k}={urllib.parse.quote(v, safe='')}" for k, v in items)


random.seed(4)
raw_jobs, raw_queries = [], []
for p in tricky:
    for q in encodings(p):
        raw_queries.append((q, p))
        raw_jobs.append({"base": "https://provider.example/onoffice/activate", "query": q,
                         "secret": SECRET})
sigs = php({"raw": raw_jobs})["raw"]
ok = 0
for (q, p), sig in zip(raw_queries, sigs):
    rc, out = verify(f"{BASE}?{q}&signature={sig}", kind="service")
    if rc == 0 and out.get("params") == p:
        ok += 1
    else:
        check(False, f"raw query verifies as PHP checks it ({q} → {out})")
check(ok == len(raw_queries), f"{ok} of {len(raw_queries)} equivalent encodings verify")

# ---- random values both ways: PHP signs / we verify, we sign / PHP verifies ------------------
alphabet = list("abcXYZ019 +~&=%#?/.-_:;,'\"!*()[]{}<>|\\^`@$") + ["ä", "ö", "ü", "ß", "€", "😀", "\t"]
cases = []
for i in range(40):
    p = activation()
    for k in ("apiClaim", "customerName", "note"):
        p[k] = "".join(random.choice(alphabet) for _ in range(random.randint(1, 12)))
    if i % 4 == 0:
        p["note"] = ""  # empty values too
    cases.append(p)
php_signed = php({"sign": [{"url": BASE, "params": p, "secret": SECRET} for p in cases]})["sign"]
ours = [sign(BASE, p) for p in cases]
php_checked = php({"check": [{"url": u, "secret": SECRET} for u in ours if u]})["check"]
agree_verify = sum(1 for p, u in zip(cases, php_signed)
                   if (lambda r: r[0] == 0 and r[1].get("params") == p)(verify(u)))
agree_sign = sum(1 for p, c in zip(cases, php_checked) if c["ok"] and c["params"] == p)
check(agree_verify == len(cases), f"{agree_verify} of {len(cases)} PHP-signed random URLs verify")
check(all(ours) and agree_sign == len(cases), f"{agree_sign} of {len(cases)} of our URLs pass PHP's check")
check(all(s == o for s, o in zip(php_signed, ours)), "our signer writes exactly PHP's URL")

# ---- refusals, each with a positive control ---------------------------------------------------
url = php({"sign": [{"url": BASE, "params": activation(), "secret": SECRET}]})["sign"][0]
rc, out = verify(url)
check(rc == 0, f"positive control: the untouched URL verifies ({out})")
tampered = url.replace("userId=17", "userId=18")
rc, out = verify(tampered)
check(rc == 3 and out.get("error", {}).get("reason") == "bad_signature", f"tampered parameter refused ({out})")
check(php({"check": [{"url": tampered, "secret": SECRET}]})["check"][0]["ok"] is False,
      "PHP's check refuses the same tampered URL")
bad_sig = url[:-1] + ("0" if url[-1] != "0" else "1")
rc, out = verify(bad_sig)
check(rc == 3 and out["error"]["reason"] == "bad_signature", f"tampered signature refused ({out})")
rc, out = verify(url.split("&signature=")[0])
check(rc == 3 and out["error"]["reason"] == "bad_signature", f"missing signature refused ({out})")
rc, out = verify(url, secret="another-secret")
check(rc == 3 and out["error"]["reason"] == "bad_signature", f"another secret refused ({out})")
rc, out = verify(url, now=TS + 600)
check(rc == 0, "10 minutes old is still accepted")
rc, out = verify(url, now=TS + 601)
check(rc == 3 and out["error"]["reason"] == "stale", f"stale URL refused ({out})")
rc, out = verify(url, now=TS - 601)
check(rc == 3 and out["error"]["reason"] == "future", f"URL from the future refused ({out})")
service = php({"sign": [{"url": BASE, "params": {"customerWebId": "1", "userId": "2", "apiClaim": "c",
                                                 "timestamp": str(TS), "groupId": "5"},
                         "secret": SECRET}]})["sign"][0]
rc, out = verify(service, kind="service")
check(rc == 0 and out["params"].get("groupId") == "5", f"service URL verifies ({out})")
rc, out = verify(service, kind="activation")
check(rc == 3 and out["error"]["reason"] == "missing" and out["error"]["field"] == "apiToken",
      f"a service URL is no activation URL ({out})")

finish()
