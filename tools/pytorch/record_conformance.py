#!/usr/bin/env python3
"""Records TORCH_LOGS and set_logs conformance vectors from a real PyTorch release.

    python3 tools/pytorch/record_conformance.py                  # torch 2.15.0 -> test/fixtures/conformance/2.15.0/
    python3 tools/pytorch/record_conformance.py --torch 2.16.0   # the next release

The value set: every TORCH_LOGS value and set_logs call list of the value-set folder (default
test/fixtures/conformance/2.14.1, the vendored ../shared/conformance), plus one vector per name the release
registers (``+<alias>`` for each alias, ``<artifact>`` for each artifact), plus the cases named in
EXTRA_VALUES. Each vector runs in a fresh interpreter of the release's venv (conformance/worker.py): ``import
torch`` with TORCH_LOGS set, or set_logs calls after it. The files have the format of ../shared/conformance
(torch-logs-semantics.md §11), with two additions: ``message_exact`` (the release's whole error message) and
``python_modules`` (what ``importlib.util.find_spec`` and the package walk said there for each name the vector
resolves as a module, so a test can resolve names exactly as that interpreter did).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_venv  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "test" / "fixtures" / "conformance"
WORKER = Path(__file__).resolve().parent / "conformance" / "worker.py"
PROBE = REPO / "src" / "python" / "probe_torch_registry.py"

# Values the issue tracker asked about, beyond the shared value set: what PyTorch does with them.
EXTRA_VALUES = {
    "case_variant_of_help": "Help",
    "minus_help": "-help",
    "underscore_only": "_",
    "unknown_bare_after_alias": "dynamo,not_a_thing",
    "empty": "",
}


def run_json(args: list[str], env: dict[str, str]) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "answer.json"
        done = subprocess.run(
            [*args[:2], args[2], str(out), *args[3:]],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=600,
        )
        if not out.exists():
            raise RuntimeError(f"{' '.join(args[:3])} wrote no answer (exit {done.returncode}): {done.stderr[-2000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORCH_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def baseline_of(python: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "registry.json"
        subprocess.run([str(python), str(PROBE), str(out)], env=base_env(), check=True, capture_output=True, stdin=subprocess.DEVNULL)
        registry = json.loads(out.read_text(encoding="utf-8"))["registry"]
    aliases = [c["alias"] for c in registry["components"]]
    qnames = sorted({q for c in registry["components"] for q in c["qualifiedNames"]})
    return {
        "registry": registry,
        "aliases": aliases,
        "qualified_names": qnames,
        "artifacts": [a["name"] for a in registry["artifacts"]],
    }


def items_of(value: str | None) -> list[str]:
    if not value:
        return []
    names = []
    for item in value.replace("\r", "").replace("\n", "").replace("\t", "").replace(" ", "").split(","):
        name = item.replace("+", "").replace("-", "")
        if name:
            names.append("torch" if name == "all" else name)
    return names


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--torch", default=make_venv.DEFAULT_TORCH)
    parser.add_argument("--values", default=str(FIXTURES / "2.14.1"), help="folder of the value set")
    parser.add_argument("--out", help="output folder (default test/fixtures/conformance/<version>)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    out_dir = Path(args.out) if args.out else FIXTURES / args.torch
    python = make_venv.ensure(args.torch, False, [])
    base = baseline_of(python)
    registry = base.pop("registry")
    source = (
        f"recorded by tools/pytorch/record_conformance.py through real PyTorch {registry['torchVersion']} "
        f"(torch.version.git_version {registry['gitVersion']}, CPython {registry['python']})"
    )

    values = Path(args.values)
    torch_logs = [{k: v[k] for k in ("id", "env", "assumes") if k in v} for v in load(values / "torch_logs_vectors.json")]
    set_logs = [{k: v[k] for k in ("id", "env", "calls", "assumes") if k in v} for v in load(values / "set_logs_vectors.json")]
    seen = {v["env"] for v in torch_logs}
    generated = [(f"name_plus_{a}", f"+{a}") for a in base["aliases"]]
    generated += [(f"name_{a}", a) for a in base["artifacts"]]
    generated += list(EXTRA_VALUES.items())
    for vector_id, value in generated:
        if value not in seen:
            seen.add(value)
            torch_logs.append({"id": vector_id, "env": value})

    registered = set(base["aliases"]) | set(base["artifacts"]) | {"torch"}
    module_names = sorted(
        {n for v in torch_logs for n in items_of(v["env"]) if n not in registered}
        | {n for v in set_logs for call in v["calls"] for n in (call.get("modules") or {}) if n not in registered}
    )
    facts = run_json([str(python), str(WORKER), "modules", json.dumps(module_names)], base_env())

    def record_torch_logs(vector: dict) -> dict:
        env = base_env()
        if vector["env"] is not None:
            env["TORCH_LOGS"] = vector["env"]
        expect = run_json([str(python), str(WORKER), "torch_logs", json.dumps(base)], env)
        out = {"id": vector["id"], "env": vector["env"], "expect": expect, "source": source}
        names = [n for n in items_of(vector["env"]) if n in facts]
        if names:
            out["python_modules"] = {n: facts[n] for n in names}
        if "assumes" in vector:
            out["assumes"] = vector["assumes"]
        return out

    def record_set_logs(vector: dict) -> dict:
        env = base_env()
        if vector["env"] is not None:
            env["TORCH_LOGS"] = vector["env"]
        expect = run_json([str(python), str(WORKER), "set_logs", json.dumps(base), json.dumps(vector["calls"])], env)
        out = {"id": vector["id"], "env": vector["env"], "calls": vector["calls"], "expect": expect, "source": source}
        names = [n for call in vector["calls"] for n in (call.get("modules") or {}) if n in facts]
        if names:
            out["python_modules"] = {n: facts[n] for n in names}
        if "assumes" in vector:
            out["assumes"] = vector["assumes"]
        return out

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        recorded_torch_logs = list(pool.map(record_torch_logs, torch_logs))
        recorded_set_logs = list(pool.map(record_set_logs, set_logs))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, vectors in (("torch_logs_vectors.json", recorded_torch_logs), ("set_logs_vectors.json", recorded_set_logs)):
        (out_dir / name).write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(recorded_torch_logs)} TORCH_LOGS and {len(recorded_set_logs)} set_logs vectors -> {out_dir}")


if __name__ == "__main__":
    main()
