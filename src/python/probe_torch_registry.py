"""Reads the TORCH_LOGS registry of the torch installed in this interpreter (torch-logs-otel).

    python probe_torch_registry.py OUT_FILE [MODULE ...]

Imports torch (device backends may register names then), then each MODULE (user code that calls
``torch._logging.register_log`` / ``register_artifact`` before TORCH_LOGS is parsed), and writes one JSON object
to OUT_FILE: the aliases with their qualified names, the artifacts (description, visible, off by default,
log format) in registration order, the ``set_logs`` keywords in the order ``set_logs`` applies them, and the
help text's examples. The answer goes to a file of its own, never to stdout or stderr: packages that print on
import cannot break it. TORCH_LOGS is removed from the environment first, so a bad value cannot stop the import.
Used by the CLI's ``--python`` and by tools/pytorch/generate_registry.py.
"""

import ast
import importlib
import inspect
import json
import os
import sys
import textwrap


def set_logs_keywords(internal):
    """The keywords in ``set_logs``' inner ``_set_logs(...)`` call order (``torch=all`` gives ``all``)."""
    source = textwrap.dedent(inspect.getsource(internal.set_logs))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_set_logs":
            names = [k.value.id for k in node.keywords if isinstance(k.value, ast.Name)]
            if names:
                return names
    # No inner call (an older or newer shape): the signature order, without `modules`.
    params = inspect.signature(internal.set_logs).parameters
    return [name for name in params if name != "modules"]


def help_examples(internal):
    """The examples block of ``help_message()``: the text between the title and the names heading."""
    text = internal.help_message(verbose=False)
    title = "\n%s Info\n" % getattr(internal, "LOG_ENV_VAR", "TORCH_LOGS")
    start = text.index(title) + len(title)
    end = text.index("\n\nVisible registered names", start)
    return text[start:end]


def read_registry():
    import torch
    import torch._logging._internal as internal

    registry = internal.log_registry
    formatters = registry.artifact_log_formatters
    artifacts = []
    # artifact_descriptions is a dict: registration order (artifact_names is a set).
    for name, description in registry.artifact_descriptions.items():
        artifact = {
            "name": name,
            "description": description,
            "visible": name in registry.visible_artifacts,
            "offByDefault": name in registry.off_by_default_artifact_names,
        }
        if name in formatters:
            # logging.Formatter("") keeps "%(message)s": the format Python actually uses.
            artifact["logFormat"] = formatters[name]._fmt
        artifacts.append(artifact)
    components = [
        {"alias": alias, "qualifiedNames": list(names)}
        for alias, names in registry.log_alias_to_log_qnames.items()
    ]
    return {
        "torchVersion": torch.__version__,
        "gitVersion": getattr(torch.version, "git_version", None),
        "python": sys.version.split()[0],
        "envVar": getattr(internal, "LOG_ENV_VAR", "TORCH_LOGS"),
        "components": components,
        "artifacts": artifacts,
        "setLogsKeywords": set_logs_keywords(internal),
        "helpExamples": help_examples(internal),
    }


def main():
    out_path = sys.argv[1]
    os.environ.pop("TORCH_LOGS", None)
    try:
        for module in sys.argv[2:]:
            importlib.import_module(module)
        answer = read_registry()
    except BaseException as error:  # noqa: BLE001 - every failure is reported on the channel
        answer = {"error": "%s: %s" % (type(error).__name__, error)}
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(answer, out)


if __name__ == "__main__":
    main()
