#!/usr/bin/env python3
"""Lists the TORCH_TRACE envelope kinds a torch release's source can write, read statically with ``ast``.

    python3 tools/pytorch/list_trace_kinds.py [--torch 2.15.0] [--against 2.14.1]

Every ``trace_structured("<key>", ...)`` call gives an envelope key; for ``"artifact"`` envelopes (and
``trace_structured_artifact("<name>", ...)``), the ``"name"`` of the metadata when it is a literal. With
``--against``, prints what the release adds and drops compared with the other one. A static reading: names
built at run time (f-strings, variables) are listed as ``<dynamic>``; the recorded traces show what runs write.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_venv  # noqa: E402


def literal_name(node: ast.AST | None) -> str | None:
    """The "name" of a metadata dict literal or of a lambda returning one."""
    if isinstance(node, ast.Lambda):
        node = node.body
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == "name":
                return value.value if isinstance(value, ast.Constant) else "<dynamic>"
    return None


def kinds(root: Path) -> set[str]:
    found: set[str] = set()
    for path in root.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if func == "trace_structured" and node.args:
                first = node.args[0]
                key = first.value if isinstance(first, ast.Constant) else "<dynamic>"
                if key == "artifact":
                    meta = next((k.value for k in node.keywords if k.arg == "metadata_fn"), None)
                    found.add(f"artifact:{literal_name(meta) or '<dynamic>'}")
                else:
                    found.add(str(key))
            elif func == "trace_structured_artifact" and node.args:
                first = node.args[0]
                found.add(f"artifact:{first.value if isinstance(first, ast.Constant) else '<dynamic>'}")
    return found


def site_packages_torch(version: str) -> Path:
    return next((make_venv.venv_dir(version) / "lib").glob("python3*/site-packages/torch"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--torch", default=make_venv.DEFAULT_TORCH)
    parser.add_argument("--against")
    args = parser.parse_args()
    make_venv.ensure(args.torch, False, [])
    mine = kinds(site_packages_torch(args.torch))
    if args.against is None:
        print("\n".join(sorted(mine)))
        return
    make_venv.ensure(args.against, False, [])
    theirs = kinds(site_packages_torch(args.against))
    print(f"{len(mine)} kinds in {args.torch}, {len(theirs)} in {args.against}")
    for kind in sorted(mine - theirs):
        print(f"+ {kind}")
    for kind in sorted(theirs - mine):
        print(f"- {kind}")


if __name__ == "__main__":
    main()
