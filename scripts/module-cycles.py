#!/usr/bin/env python3
"""Reports module cycles (and files over a line limit) in the library crates' `src/` trees.

A module is a file; `a -> b` when `a` names an item through `crate::b...` or `super::...`
(re-exports with `pub use` and `mod` declarations do not count: they are how a parent
publishes its children, not a dependency). Exits 1 when any cycle or long file is found.
Usage: module-cycles.py [--max-lines N] DIR...
"""
import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def module_of(root: Path, f: Path) -> tuple:
    parts = list(f.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def expand(prefix: str, body: str):
    """Expands `a::{b, c::{d}}` bodies into full paths."""
    out, depth, cur = [], 0, ""
    for ch in body + ",":
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            item = cur.strip()
            cur = ""
            if not item:
                continue
            m = re.match(rf"^((?:{IDENT}::)*)\{{(.*)\}}$", item, re.S)
            if m:
                out += expand(prefix + m.group(1), m.group(2))
            else:
                out.append(prefix + item.split(" as ")[0].strip())
        else:
            cur += ch
    return out


def references(text: str):
    text = re.sub(r"//[^\n]*", "", text)
    for m in re.finditer(r"(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text):
        if m.group(1):
            continue
        yield from expand("", m.group(2).replace("\n", " "))
    no_use = re.sub(r"use\s+[^;]+;", "", text)
    for m in re.finditer(rf"\b((?:crate|super)(?:::{IDENT})+)", no_use):
        yield m.group(1)


def resolve(path: str, here: tuple, modules: set):
    parts = path.split("::")
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] == "super":
        base = here
        rest = parts
        while rest and rest[0] == "super":
            base = base[:-1]
            rest = rest[1:]
    else:
        return None
    best = None
    for i in range(len(rest) + 1):
        cand = base + tuple(rest[:i])
        if cand in modules:
            best = cand
    return best


def cycles(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main(argv):
    max_lines = 500
    if argv[:1] == ["--max-lines"]:
        max_lines, argv = int(argv[1]), argv[2:]
    bad = 0
    for d in argv:
        root = Path(d)
        files = sorted(root.rglob("*.rs"))
        modules = {module_of(root, f): f for f in files}
        graph = {}
        for m, f in modules.items():
            text = f.read_text()
            lines = text.count("\n")
            if lines > max_lines:
                print(f"{f}: {lines} lines (limit {max_lines})")
                bad += 1
            deps = set()
            for ref in references(text):
                t = resolve(ref, m, set(modules))
                if t is not None and t != m and t != m[: len(t)]:
                    deps.add(t)
            graph[m] = deps
        for comp in cycles(graph):
            names = ", ".join("::".join(c) or "(root)" for c in comp)
            print(f"{root}: module cycle: {names}")
            bad += 1
    print(f"module-cycles: {bad} problem(s) in {len(argv)} tree(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
