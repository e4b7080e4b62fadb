#!/usr/bin/env python3
"""Compare `tlsaudit --format jsonl` output with samples/expected/*.json.

usage: cli_compare_samples.py EXPECTED_DIR JSONL_FILE
Connections are matched by (client port, server port), in order of first frame. Compared per
connection: version, cipher, kex, sni, alpn, resumed, complete, leaf certificate subject and
dates, and the sorted list of finding ids. Prints one line per difference; exit 1 if any."""
import json
import os
import sys


def main():
    expdir, jsonl = sys.argv[1], sys.argv[2]
    got = {}
    for line in open(jsonl, encoding="utf-8"):
        rec = json.loads(line)
        got.setdefault(os.path.basename(rec["file"]), []).append(rec)
    diffs = []
    checked = 0
    for name in sorted(os.listdir(expdir)):
        if not name.endswith(".json"):
            continue
        exp = json.load(open(os.path.join(expdir, name), encoding="utf-8"))
        fn = exp["file"]
        recs = sorted(got.get(fn, []), key=lambda r: r["first_frame"])
        if len(recs) != len(exp["connections"]):
            diffs.append(f"{fn}: {len(recs)} connections reported, {len(exp['connections'])} expected")
        pool = list(recs)
        for i, e in enumerate(exp["connections"]):
            match = [r for r in pool if r["client"]["port"] == e["client_port"]
                     and r["server"]["port"] == e["server_port"]]
            if not match:
                diffs.append(f"{fn}: connection {i} (client port {e['client_port']} -> "
                             f"{e['server_port']}) not reported")
                continue
            r = match[0]
            pool.remove(r)
            where = f"{fn} conn {r['conn']} (port {e['client_port']})"
            leaf = r["certificates"][0] if r["certificates"] else {}
            have = {
                # the expectation writes an unknown key exchange as null
                "version": r["version"], "cipher": r["cipher"],
                "kex": None if r["kex"] == "unknown" else r["kex"], "sni": r["sni"],
                "alpn": r["alpn"], "resumed": r["resumed"], "complete": r["complete"],
                "cert_subject": leaf.get("subject"), "cert_not_before": leaf.get("not_before"),
                "cert_not_after": leaf.get("not_after"),
                "findings": sorted(f["id"] for f in r["findings"]),
            }
            for k, v in have.items():
                want = e.get(k)
                if k == "findings":
                    want = sorted(want)
                if v != want:
                    if k == "findings":
                        missing = sorted(set(want) - set(v))
                        extra = sorted(set(v) - set(want))
                        diffs.append(f"{where}: findings: missing {missing}, unexpected {extra}"
                                     f" (got {v})")
                    else:
                        diffs.append(f"{where}: {k}: got {v!r}, expected {want!r}")
            checked += 1
    for d in diffs:
        print("DIFF " + d)
    print(f"{checked} connections compared, {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
