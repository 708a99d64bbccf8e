#!/usr/bin/env python3
"""Turns the output of `cargo bench -p sansip-core --bench parse` into a markdown table.

Reads criterion's `<target>/criterion/<message>/<bench>/new/{benchmark,estimates}.json`
(the time is criterion's slope estimate when it has one, else the mean, as criterion prints)
and the allocation counts printed by `core/tests/allocations.rs`.

    cargo bench -p sansip-core --bench parse
    python3 core/benches/report.py                      # runs the allocation test itself
    python3 core/benches/report.py --allocs-log FILE    # or reads its saved `--nocapture` output
    python3 core/benches/report.py --no-allocs

Targets (invite_sdp): sansip parse+fields <= 3x httparse on the same bytes, >= 5x faster than
rsip parse+fields, <= 2 heap allocations per parse.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent
SIP = ["invite_sdp", "ok_register", "register_auth", "ws_register"]
HTTP = "http_post"
ALLOC_LINE = re.compile(r"^(\w+): parse (\d+) allocs .*?fresh Bytes (\d+) allocs")


def default_criterion_dir():
    target = os.environ.get("CARGO_TARGET_DIR")
    return Path(target) / "criterion" if target else CORE.parent / "target" / "criterion"


def load(crit):
    """{(group, function): (ns, throughput bytes)} for every benchmark criterion saved."""
    out = {}
    for bench in crit.glob("*/*/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())
        point = (est.get("slope") or est["mean"])["point_estimate"]
        out[(meta["group_id"], meta["function_id"])] = (point, (meta.get("throughput") or {}).get("Bytes"))
    return out


def allocations(log_path, skip):
    """{message: (parse allocs with a shared Bytes, with a fresh Bytes)} from the test output."""
    if skip:
        return {}
    if log_path:
        text = Path(log_path).read_text()
    else:
        cmd = ["cargo", "test", "-q", "-p", "sansip-core", "--test", "allocations", "--", "--nocapture"]
        run = subprocess.run(cmd, cwd=CORE, capture_output=True, text=True, check=False)
        text = run.stdout
        if run.returncode != 0:
            print(f"warning: {' '.join(cmd)} failed:\n{run.stdout}{run.stderr}", file=sys.stderr)
    found = {}
    for line in text.splitlines():
        m = ALLOC_LINE.match(line.strip())
        if m:
            found[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return found


def ns(v):
    return "–" if v is None else f"{v:,.0f}"


def ratio(a, b):
    return "–" if a is None or b is None else f"{a / b:.2f}×"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--criterion", type=Path, default=default_criterion_dir(), help="criterion output dir")
    ap.add_argument("--allocs-log", help="saved output of the allocations test run with --nocapture")
    ap.add_argument("--no-allocs", action="store_true", help="leave the allocations column empty")
    args = ap.parse_args()

    data = load(args.criterion)
    if not data:
        sys.exit(f"no criterion results under {args.criterion}: run cargo bench -p sansip-core --bench parse")
    allocs = allocations(args.allocs_log, args.no_allocs)

    def t(group, fn):
        return data.get((group, fn), (None, None))[0]

    print("| message | bytes | sansip parse ns | sansip parse MiB/s | sansip parse+fields ns "
          "| httparse ns | rsip parse ns | rsip parse+fields ns | sansip p+f / httparse "
          "| rsip p+f / sansip p+f | sansip serialize ns | allocs per parse (fresh Bytes) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for msg in SIP:
        parse, size = data.get((msg, "sansip/parse"), (None, None))
        pf, hp, rp, rpf = t(msg, "sansip/parse+fields"), t(msg, "httparse/parse"), t(msg, "rsip/parse"), t(
            msg, "rsip/parse+fields")
        mibs = "–" if parse is None or not size else f"{size / (parse * 1e-9) / 2**20:,.0f}"
        a = allocs.get(msg)
        a = "–" if a is None else f"{a[0]} ({a[1]})"
        print(f"| {msg} | {size or '–'} | {ns(parse)} | {mibs} | {ns(pf)} | {ns(hp)} | {ns(rp)} | {ns(rpf)} "
              f"| {ratio(pf, hp)} | {ratio(rpf, pf)} | {ns(t(msg, 'sansip/serialize'))} | {a} |")
    hh, hr = t(HTTP, "httparse/parse"), t(HTTP, "httparse/request")
    size = data.get((HTTP, "httparse/parse"), (None, None))[1]
    print(f"\n{HTTP} ({size or '?'} bytes, HTTP): httparse headers only {ns(hh)} ns, "
          f"httparse::Request::parse (start line + headers) {ns(hr)} ns.")

    pf, hp, rpf = t("invite_sdp", "sansip/parse+fields"), t("invite_sdp", "httparse/parse"), t(
        "invite_sdp", "rsip/parse+fields")
    if None not in (pf, hp, rpf):
        a = allocs.get("invite_sdp")
        checks = [
            ("parse+fields <= 3x httparse", pf / hp <= 3, f"{pf / hp:.2f}×"),
            ("parse+fields >= 5x faster than rsip", rpf / pf >= 5, f"{rpf / pf:.2f}×"),
        ]
        if a is not None:
            checks.append(("<= 2 allocations per parse", max(a) <= 2, f"{a[0]} ({a[1]} fresh)"))
        print("\nTargets on invite_sdp: " + "; ".join(
            f"{name}: {got} {'met' if ok else 'MISSED'}" for name, ok, got in checks) + ".")


if __name__ == "__main__":
    main()
