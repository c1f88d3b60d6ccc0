#!/usr/bin/env python3
"""Records PyTorch console runs with in-process ground truth, and TORCH_TRACE directories of the same workloads.

    python3 tools/pytorch/corpus/run_corpus.py                    # torch 2.15.0, every run and trace
    python3 tools/pytorch/corpus/run_corpus.py --torch 2.16.0     # the next release
    python3 tools/pytorch/corpus/run_corpus.py gb_ dist           # only runs whose name contains one of these

The method is that of ../shared/corpus/pytorch-2.13-runs (its README): each workload in workloads/ imports
truthcap.py before torch, which records every record torch's console handler prints (logger, level, artifact,
trace id, rank, the exact formatted text) as it prints it. Each run is verified: every truth record is found
in stderr, whole and in order, and TORCH_LOGS_OUT files equal the truth. The full layout (stderr, stdout, truth,
spans, meta) goes to the machine cache (``$TORCH_LOGS_OTEL_CACHE/corpus/torch-<version>/runs``); the slim
copy the tests read (stderr, meta, truth with line ranges: test/ingest/corpus/copy-corpus-fixtures.ts) to
``test/fixtures/corpus-<major>.<minor>/``. Trace runs (TORCH_TRACE set, TORCH_LOGS unset) go to
``test/fixtures/torch-trace-<major>.<minor>/<trace run>/`` with a meta.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import make_venv  # noqa: E402

REPO = HERE.parents[2]
WORKLOADS = HERE / "workloads"
TIMEOUT_S = 900

# The compile-worker sidecar with a 1 s watchdog, and a fresh inductor cache so the kernels really compile there.
COMPILE_WORKER_ENV = {
    "TORCHINDUCTOR_COMPILE_THREADS": "2",
    "TORCHINDUCTOR_COMPILE_WORKER_WATCHDOG_INTERVAL": "1",
    "TORCHINDUCTOR_FX_GRAPH_CACHE": "0",
    "TORCHINDUCTOR_CACHE_DIR": "<fresh>",
}

# name, workload, argv, TORCH_LOGS (None: unset), extra env
RUNS = [
    ("gb_graph_breaks_recompiles", "w_graph_break.py", [], "graph_breaks,recompiles", {}),
    ("gb_plus_dynamo", "w_graph_break.py", [], "+dynamo", {}),
    ("gb_format_short", "w_graph_break.py", [], "graph_breaks", {"TORCH_LOGS_FORMAT": "short"}),
    ("rl_recompiles", "w_recompile_limit.py", [], "recompiles", {}),
    ("rl_default", "w_recompile_limit.py", [], None, {}),
    ("dyn_dynamic_recompiles", "w_dynamic.py", [], "+dynamic,recompiles,guards", {}),
    ("ind_output_code_aot_graphs", "w_inductor.py", [], "output_code,aot_graphs", {"TORCHINDUCTOR_FX_GRAPH_CACHE": "0"}),
    ("ind_plus_inductor", "w_inductor.py", [], "+inductor", {"TORCHINDUCTOR_FX_GRAPH_CACHE": "0", "TORCH_LOGS_OUT": "<out>"}),
    ("err_graph_breaks_dynamo", "w_compile_error.py", [], "graph_breaks,dynamo", {}),
    ("err_default", "w_compile_error.py", [], None, {}),
    ("err_uncaught_graph_breaks", "w_compile_error.py", ["uncaught"], "graph_breaks", {}),
    ("um_user_loggers", "w_user_module.py", [], "+mypkg.sub,dynamo", {}),
    ("sl_set_logs", "w_set_logs.py", [], None, {}),
    ("dist_gloo_ranks", "w_dist_gloo.py", [], "dynamo,graph_breaks,c10d", {}),
    ("cw_compile_worker", "w_compile_worker.py", [], "async_compile", COMPILE_WORKER_ENV),
]

# name, workload, argv, extra env: TORCH_TRACE runs (TORCH_LOGS unset)
TRACES = [
    ("graph_break", "w_graph_break.py", [], {}),
    ("recompile_limit", "w_recompile_limit.py", [], {}),
    ("dynamic", "w_dynamic.py", [], {}),
    ("inductor", "w_inductor.py", [], {"TORCHINDUCTOR_FX_GRAPH_CACHE": "0"}),
    ("compile_error", "w_compile_error.py", [], {}),
    ("set_logs", "w_set_logs.py", [], {}),
    ("dist_gloo", "w_dist_gloo.py", [], {}),
    ("compile_worker", "w_compile_worker.py", [], COMPILE_WORKER_ENV),
]


def run_env(work: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TORCHINDUCTOR_CACHE_DIR": str(work / "inductor_cache"),
    }
    env.update(extra)
    if env["TORCHINDUCTOR_CACHE_DIR"] == "<fresh>":
        env["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="inductor-cache-", dir=work)
    return env


def match_spans(stderr: str, truth_files: dict[str, list[dict]]) -> tuple[list[dict], int]:
    """Each record's 1-based line range in stderr: every process' records in order, whole, at line starts."""
    lines = stderr.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    queues = {name: list(rows) for name, rows in truth_files.items()}
    spans, i, foreign = [], 0, 0
    while i < len(lines):
        for name, queue in queues.items():
            if not queue:
                continue
            block = queue[0]["formatted"].split("\n")
            if lines[i : i + len(block)] == block:
                row = queue.pop(0)
                spans.append({"truth_file": name, "seq": row["seq"], "first_line": i + 1, "last_line": i + len(block)})
                i += len(block)
                break
        else:
            foreign += 1
            i += 1
    unmatched = sum(len(q) for q in queues.values())
    if unmatched:
        raise RuntimeError(f"{unmatched} truth records not found in stderr")
    return spans, foreign


def record_run(python: Path, work: Path, run: tuple, torch_version: str) -> dict:
    name, workload, argv, torch_logs, extra = run
    runs = work / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for old in runs.glob(f"{name}.*"):
        old.unlink()
    env_extra = dict(extra)
    if "TORCH_LOGS_OUT" in env_extra:
        env_extra["TORCH_LOGS_OUT"] = str(runs / f"{name}.out.log")
    if torch_logs is not None:
        env_extra["TORCH_LOGS"] = torch_logs
    env = run_env(work, env_extra)
    env["TRUTH_OUT"] = str(runs / f"{name}.truth.jsonl")
    started = time.monotonic()
    with open(runs / f"{name}.stderr.log", "wb") as err, open(runs / f"{name}.stdout.log", "wb") as out:
        done = subprocess.run([str(python), workload, *argv], cwd=WORKLOADS, env=env, stdout=out, stderr=err, timeout=TIMEOUT_S)
    wall = round(time.monotonic() - started, 3)
    stderr = (runs / f"{name}.stderr.log").read_text(encoding="utf-8")
    truth_files = {}
    for path in sorted(runs.glob(f"{name}.truth.jsonl*")):
        truth_files[path.name] = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l]
    if f"{name}.truth.jsonl" not in truth_files:
        (runs / f"{name}.truth.jsonl").write_text("", encoding="utf-8")
        truth_files[f"{name}.truth.jsonl"] = []
    spans, foreign = match_spans(stderr, truth_files)
    (runs / f"{name}.spans.jsonl").write_text("".join(json.dumps(s) + "\n" for s in spans), encoding="utf-8")
    records = [r for rows in truth_files.values() for r in rows]
    out_log = runs / f"{name}.out.log"
    out_equal = None
    if out_log.exists():
        out_equal = out_log.read_text(encoding="utf-8") == "".join(r["formatted"] + "\n" for r in records)
    problems = []
    if any(r["prefix_verified"] is False for r in records):
        problems.append("a record's prefix does not rebuild its text")
    if out_equal is False:
        problems.append("TORCH_LOGS_OUT differs from the truth")
    meta = {
        "name": name,
        "workload": workload,
        "argv": argv,
        "TORCH_LOGS": torch_logs,
        "TORCH_LOGS_OUT": extra.get("TORCH_LOGS_OUT") and f"{name}.out.log",
        "env": {k: v for k, v in env.items() if k not in ("PATH", "HOME", "TRUTH_OUT")},
        "env_note": "TRUTH_OUT (truth path), PATH and HOME were also set; TORCH_LOGS_OUT was the absolute path of the .out.log",
        "torch_version": torch_version,
        "python": sys.version.split()[0],
        "cwd": "workloads/",
        "command_line": " ".join(["python", workload, *argv]),
        "wall_time_s": wall,
        "exit_code": done.returncode,
        "recorded_by": "tools/pytorch/corpus/run_corpus.py",
        "counts": {
            "ok": not problems,
            "problems": problems,
            "truth_records": len(records),
            "truth_files": sorted(truth_files),
            "records_matched_in_stderr": len(spans),
            "multiline_records": sum(1 for r in records if r["formatted_line_count"] and r["formatted_line_count"] > 1),
            "stderr_lines": stderr.count("\n"),
            "foreign_lines": foreign,
            "levels": sorted({r["levelname"] for r in records}),
            "artifacts": sorted({r["artifact"] for r in records if r["artifact"]}),
            "ranks": sorted({r["rank"] for r in records if r["rank"] is not None}),
            "processes": len({r["process"] for r in records}),
        },
    }
    (runs / f"{name}.meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def record_trace(python: Path, work: Path, trace: tuple, dest: Path, torch_version: str) -> dict:
    name, workload, argv, extra = trace
    with tempfile.TemporaryDirectory() as tmp:
        env = run_env(work, {**extra, "TORCH_TRACE": tmp})
        done = subprocess.run(
            [str(python), workload, *argv], cwd=WORKLOADS, env=env, capture_output=True, timeout=TIMEOUT_S
        )
        target = dest / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        files = sorted(p.name for p in Path(tmp).iterdir() if p.is_file())
        for f in files:
            shutil.copyfile(Path(tmp) / f, target / f)
    meta = {
        "name": name,
        "workload": workload,
        "argv": argv,
        "env": {k: v for k, v in extra.items()},
        "torch_version": torch_version,
        "exit_code": done.returncode,
        "files": {f: (target / f).stat().st_size for f in files},
        "recorded_by": "tools/pytorch/corpus/run_corpus.py (TORCH_TRACE set, TORCH_LOGS unset)",
    }
    (target / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("filters", nargs="*", help="record only runs/traces whose name contains one of these")
    parser.add_argument("--torch", default=make_venv.DEFAULT_TORCH)
    parser.add_argument("--no-traces", action="store_true")
    args = parser.parse_args()
    minor = ".".join(args.torch.split(".")[:2])
    python = make_venv.ensure(args.torch, False, ["numpy"])  # without numpy, torch warns on every import
    torch_version = subprocess.run(
        [str(python), "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    work = make_venv.cache_root() / "corpus" / f"torch-{args.torch}"
    selected = lambda name: not args.filters or any(f in name for f in args.filters)  # noqa: E731
    fixtures = REPO / "test" / "fixtures" / f"corpus-{minor}"
    for run in RUNS:
        if selected(run[0]):
            meta = record_run(python, work, run, torch_version)
            c = meta["counts"]
            print(f"{run[0]}: exit {meta['exit_code']}, {c['truth_records']} records, {c['foreign_lines']} foreign lines, ok={c['ok']}", flush=True)
    node = REPO / "node_modules" / ".bin" / "node"
    subprocess.run(
        [str(node), "--conditions=development", "--no-warnings", "test/ingest/corpus/copy-corpus-fixtures.ts", str(work / "runs"), str(fixtures)],
        cwd=REPO,
        check=True,
    )
    if not args.no_traces:
        dest = REPO / "test" / "fixtures" / f"torch-trace-{minor}"
        for trace in TRACES:
            if selected(trace[0]):
                meta = record_trace(python, work, trace, dest, torch_version)
                print(f"trace {trace[0]}: exit {meta['exit_code']}, files {meta['files']}", flush=True)


if __name__ == "__main__":
    main()
