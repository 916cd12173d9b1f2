"""Issue #12 (part): the settings' live lists and checks (R-B5, R-B6a).

- GET onoffice/action-kinds and GET onoffice/origins give exactly what the emulated
  account holds (its configuration, read here through the emulator's control API), and a
  second call within the cache's time makes no request to onOffice.
- PUT settings refuses an agents-log kind, a type of that kind or an origin the account
  does not have, naming the setting and changing nothing; it takes those it has.
"""
from harness import check, finish, sanitizer_clean
from import_util import World

w = World()
creds = w.customer("Listen", 3, seed=5, until="2026-11-19")
cid, tok = w.company(creds, "Listen")
w.serve()
cfg = w.emu.ctl("GET", f"/_emu/customers/{creds['customer_web_id']}/config")[1]

st, kinds = w.api("GET", "onoffice/action-kinds", tok)
want = [{"key": k, "label": v["label"],
         "types": [{"key": tk, "label": tl} for tk, tl in (v.get("types") or {}).items()]}
        for k, v in cfg["action_kinds"].items()]
check(st == 200 and kinds == want, f"action kinds as the account has them ({st} {kinds})")
st, origins = w.api("GET", "onoffice/origins", tok)
check(st == 200 and origins == [{"key": k, "label": v}
                                for k, v in cfg["contact_origins"].items()],
      f"origins as the account has them ({st} {origins})")
before = w.counters()["http_requests"]
w.api("GET", "onoffice/action-kinds", tok)
w.api("GET", "onoffice/origins", tok)
check(w.counters()["http_requests"] == before, "a second look within the cache time asks "
      "onOffice nothing")

kind = next(k for k in want if k["types"])
settings = w.api("GET", "settings", tok)[1]
for patch, field in [({"agentslog_kind": "Brieftaube"}, "agentslog_kind"),
                     ({"agentslog_kind": kind["key"], "agentslog_type": "Rauchzeichen"},
                      "agentslog_type"),
                     ({"agentslog_type": kind["types"][0]["key"]}, "agentslog_type"),
                     ({"origin_key": "Flaschenpost"}, "origin_key")]:
    st, doc = w.api("PUT", "settings", tok, patch)
    check(st == 400 and doc["error"]["code"] == "invalid_field" and
          doc["error"]["field"] == field, f"PUT settings {patch}: 400 naming {field} ({st} {doc})")
    check(w.api("GET", "settings", tok)[1] == settings, f"…and nothing changed ({patch})")
good = {"agentslog_kind": kind["key"], "agentslog_type": kind["types"][-1]["key"],
        "origin_key": origins[-1]["key"]}
st, doc = w.api("PUT", "settings", tok, good)
check(st == 200 and all(doc[k] == v for k, v in good.items()),
      f"PUT settings with the account's own kind, type and origin ({st} {doc})")

srv = w.srv
rc = w.stop()
check(rc == 0 and sanitizer_clean(srv.log()), "serve stops cleanly")
check(w.emu.stop_clean(), "onoffice-emu stops cleanly")
finish()
