"""One conformance vector through real PyTorch, in a fresh process (run by record_conformance.py).

    TORCH_LOGS=... python worker.py torch_logs OUT_FILE BASELINE_JSON
    python worker.py set_logs OUT_FILE BASELINE_JSON CALLS_JSON
    python worker.py modules OUT_FILE NAMES_JSON

``torch_logs``: ``import torch`` with TORCH_LOGS as given (unset when absent), then the state PyTorch built:
effective levels, the explicit LogState, enabled artifacts, open registrations, and probe records sent through
the real loggers (a probe is emitted when it reaches a handler torch installed). ``set_logs``: ``import
torch`` then each ``torch._logging.set_logs(**call)`` in turn. ``modules``: what ``importlib.util.find_spec``
(and the package walk PyTorch does) says for each name, with TORCH_LOGS unset. BASELINE_JSON names the aliases
and qualified names registered before TORCH_LOGS was parsed. The answer goes to OUT_FILE as JSON.
"""

import importlib
import importlib.util
import json
import logging
import os
import pkgutil
import sys

LEVEL_NAMES = {0: "NOTSET", 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}

# The probe set of ../shared/conformance (torch-logs-semantics.md §11.1), in its order.
LOGGER_PROBES = [
    ("torch", ["DEBUG", "INFO", "WARNING"]),
    ("torch._dynamo", ["DEBUG", "INFO", "WARNING", "ERROR"]),
    ("torch._dynamo.guards", ["DEBUG", "INFO"]),
    ("torch._inductor", ["DEBUG", "INFO"]),
    ("torch._inductor.scheduler", ["DEBUG"]),
    ("torch._functorch.aot_autograd", ["INFO"]),
    ("torch.fx.experimental.symbolic_shapes", ["DEBUG", "INFO"]),
    ("torch.utils", ["INFO", "WARNING"]),
    ("some.unrelated.logger", ["WARNING"]),
]
ARTIFACT_PROBES = [
    ("guards", "torch._dynamo.guards", ["DEBUG", "INFO"]),
    ("recompiles", "torch._dynamo.guards", ["DEBUG"]),
    ("graph_breaks", "torch._dynamo.symbolic_convert", ["DEBUG"]),
    ("graph_code", "torch._dynamo.output_graph", ["DEBUG"]),
    ("bytecode", "torch._dynamo.convert_frame", ["DEBUG"]),
    ("aot_graphs", "torch._functorch._aot_autograd.graph_compile", ["DEBUG"]),
    ("output_code", "torch._inductor.graph", ["DEBUG"]),
    ("schedule", "torch._inductor.scheduler", ["DEBUG"]),
    ("post_grad_graphs", "torch._inductor.compile_fx", ["DEBUG"]),
]
MAX_LISTED = 12  # open registrations above this are listed in part (as ../shared/conformance does)
MAX_EXPANDED = 6


def level_name(level):
    return LEVEL_NAMES.get(level, logging.getLevelName(level))


def probe_emits(internal):
    """Each probe record through the real logger; emitted = it reached a handler torch installed."""
    reached = []
    original = logging.Handler.handle

    def handle(self, record):
        if internal._is_torch_handler(self) and self is not internal.LOG_TRACE_HANDLER:
            reached.append(record)
            return True
        return original(self, record)

    logging.Handler.handle = handle
    try:
        results = []

        def send(logger, level):
            reached.clear()
            logger.log(getattr(logging, level), "conformance probe")
            return bool(reached)

        for name, levels in LOGGER_PROBES:
            for level in levels:
                results.append({"logger": name, "level": level, "emitted": send(logging.getLogger(name), level)})
        for artifact, module, levels in ARTIFACT_PROBES:
            if artifact not in internal.log_registry.artifact_names:
                continue
            logger = internal.getArtifactLogger(module, artifact)
            for level in levels:
                results.append({"artifact": artifact, "module": module, "level": level, "emitted": send(logger, level)})
        return results
    finally:
        logging.Handler.handle = original


def state(internal, baseline):
    """The fields of ``expect`` that describe the state after parsing or set_logs."""
    registry = internal.log_registry
    aliases = registry.log_alias_to_log_qnames
    levels, mixed = {}, {}
    for alias, names in aliases.items():  # open registration's new aliases too (../shared/conformance does)
        per_name = {q: level_name(logging.getLogger(q).getEffectiveLevel()) for q in names}
        if len(set(per_name.values())) == 1:
            levels[alias] = next(iter(per_name.values()))
        else:
            mixed[alias] = per_name
    added_aliases = [a for a in aliases if a not in baseline["aliases"]]
    # PyTorch also lists a registered qualified name named as a module (torch._dynamo) among its child logs;
    # the shared vectors list only the names below it, as here.
    children = sorted(set(registry.child_log_qnames) - set(baseline["qualified_names"]))
    qnames = sorted(set(baseline["qualified_names"]))
    added_names = [*added_aliases, *children]
    if len(added_names) <= MAX_LISTED:
        qnames = sorted(set(qnames) | set(added_names))
    explicit = {q: level_name(v) for q, v in internal.log_state.log_qname_to_level.items()}
    out = {"levels": levels}
    if mixed:
        out["alias_levels_by_qname"] = mixed
    out["qname_levels"] = {q: level_name(logging.getLogger(q).getEffectiveLevel()) for q in qnames}
    if len(explicit) <= MAX_LISTED:
        out["explicit"] = explicit
    else:
        out["explicit_includes"] = dict(list(explicit.items())[:MAX_EXPANDED])
        out["explicit_count_note"] = (
            f"{len(explicit)} entries with torch {__import__('torch').__version__}'s module tree: the named "
            "package plus every submodule found by pkgutil.walk_packages"
        )
    enabled = sorted(internal.log_state.artifact_names)
    out["artifacts_enabled"] = enabled
    out["artifacts_disabled"] = sorted(set(registry.artifact_names) - set(enabled))
    if added_aliases:
        out["registered_aliases_added"] = added_aliases
    if children:
        listed = list(dict.fromkeys(q for q in internal.log_state.log_qname_to_level if q in children))
        out["child_logs_added"] = listed if len(listed) <= MAX_LISTED else [*listed[:MAX_EXPANDED], "..."]
    out["emits"] = probe_emits(internal)
    return out


def error_fields(error):
    message = str(error.args[0]) if isinstance(error, ValueError) and error.args else str(error)
    if isinstance(error, ValueError) and "TORCH_LOGS Info" in message:
        kind = "help"
    elif isinstance(error, ValueError) and "Invalid log settings" in message:
        kind = "invalid_settings"
    elif isinstance(error, ImportError):
        kind = "python_import_machinery"
    else:
        kind = "crash"
    first_line = message[: message.index("\n", 1) + 1] if "\n" in message[1:] else message
    return {
        "error": True,
        "error_type": type(error).__name__,
        "kind": kind,
        "message_starts_with": first_line,
        "message_exact": message,
    }


def run_torch_logs(baseline):
    try:
        import torch  # noqa: F401  TORCH_LOGS is parsed here
    except Exception as error:  # noqa: BLE001
        return error_fields(error)
    import torch._logging._internal as internal

    return {"error": False, **state(internal, baseline)}


def run_set_logs(baseline, calls):
    import torch
    import torch._logging._internal as internal

    results = []
    for call in calls:
        try:
            torch._logging.set_logs(**call)
            results.append("ok")
        except Exception as error:  # noqa: BLE001
            results.append({"error": True, "error_type": type(error).__name__, "message": str(error)})
    out = state(internal, baseline)
    expect = {"call_results": results, "levels": out["levels"]}
    for key in ("alias_levels_by_qname", "qname_levels"):
        if key in out:
            expect[key] = out[key]
    if "explicit" in out:
        expect["state_explicit"] = out["explicit"]
    else:
        expect["state_explicit_includes"] = out["explicit_includes"]
        expect["state_explicit_count_note"] = out["explicit_count_note"]
    for key in ("artifacts_enabled", "registered_aliases_added", "emits"):
        if key in out:
            expect[key] = out[key]
    return expect


def run_modules(names):
    """find_spec and the package walk, as PyTorch's _is_valid_module / _get_module_and_submodules do."""
    os.environ.pop("TORCH_LOGS", None)
    import torch  # noqa: F401  names below torch resolve against this torch

    out = {}
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except Exception as error:  # noqa: BLE001
            out[name] = {"found": False, "error": str(error)}
            continue
        if spec is None:
            out[name] = {"found": False}
            continue
        modules = [name]
        if spec.submodule_search_locations is not None:
            package = importlib.import_module(name)
            if hasattr(package, "__path__"):
                for info in pkgutil.walk_packages(package.__path__, name + ".", onerror=lambda _: None):
                    modules.append(info.name)
        out[name] = {"found": True, "modules": modules}
    return out


def main():
    mode, out_path = sys.argv[1], sys.argv[2]
    if mode == "modules":
        answer = run_modules(json.loads(sys.argv[3]))
    else:
        baseline = json.loads(sys.argv[3])
        answer = run_torch_logs(baseline) if mode == "torch_logs" else run_set_logs(baseline, json.loads(sys.argv[4]))
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(answer, out)


if __name__ == "__main__":
    main()
