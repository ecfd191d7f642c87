#!/usr/bin/env python3
"""Checks that Rust, the CLI, Python and Node report the same error fields for every case of
the shared bad-input table (fixtures/bad/cases.json).

Each suite writes what it saw to target/bad-inputs/<suite>.json: per case, the first error's
fields except the message (code, file, line, column, rule, field, agent, path, row). File and
path values are compared by base name, since each suite writes its files to its own temp dir.
Cases whose documented outcome differs by language (`expect_rust` / `expect_python` /
`expect_node`) are compared only where the documented outcomes agree. A suite whose file is
missing is reported as skipped; exits 1 on any disagreement.
"""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ["rust", "cli", "python", "node"]
OVERRIDE = {"rust": "expect_rust", "cli": "expect_rust", "python": "expect_python", "node": "expect_node"}


def normalise(fields):
    out = dict(fields)
    for key in ("file", "path"):
        if isinstance(out.get(key), str):
            out[key] = os.path.basename(out[key])
    return out


def main():
    table = json.loads((ROOT / "fixtures/bad/cases.json").read_text(encoding="utf-8"))
    seen = {}
    for suite in SUITES:
        path = ROOT / "target/bad-inputs" / f"{suite}.json"
        if path.is_file():
            seen[suite] = json.loads(path.read_text(encoding="utf-8"))
        else:
            print(f"error fields: {suite} SKIPPED (no {path.relative_to(ROOT)}; its suite did not run)")
    compared, bad = 0, 0
    for case in table["cases"]:
        name = case["name"]
        observed = {}
        for suite, cases in seen.items():
            expect = case.get(OVERRIDE[suite], case["expect"])
            if name in cases:
                observed.setdefault(json.dumps(expect, sort_keys=True), {})[suite] = normalise(cases[name])
        for suites in observed.values():
            if len(suites) < 2:
                continue
            compared += 1
            values = {json.dumps(v, sort_keys=True) for v in suites.values()}
            if len(values) > 1:
                bad += 1
                print(f"error fields differ for {name}:")
                for suite, v in suites.items():
                    print(f"  {suite:6} {json.dumps(v, sort_keys=True)}")
    print(f"error fields: {compared} case groups compared across {', '.join(seen) or 'no suites'}; {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
