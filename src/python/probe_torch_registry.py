"""Asks this interpreter what PyTorch would (torch-logs-otel): its torch's TORCH_LOGS registry, and module names.

    python probe_torch_registry.py OUT_FILE [< REQUEST_JSON]

REQUEST_JSON (stdin, optional): ``{"imports": [MODULE, ...], "modules": [NAME, ...]}``. Imports torch (device
backends may register names then), then each MODULE (user code that calls ``torch._logging.register_log`` /
``register_artifact`` before TORCH_LOGS is parsed), and reads the registry: the aliases with their qualified
names, the artifacts (description, visible, off by default, log format) in registration order, the ``set_logs``
keywords in the order ``set_logs`` applies them, and the help text's examples. Then, for each NAME, what
``importlib.util.find_spec`` says and, for a package, the submodules ``pkgutil.walk_packages`` finds: what
PyTorch's TORCH_LOGS parser asks (torch-logs-semantics.md §2.4, §2.5).

The answer is one JSON object written to OUT_FILE, a channel of its own, never stdout or stderr: packages that
print on import cannot break it. TORCH_LOGS is removed from the environment first, so a bad value cannot stop
the import. Without torch, the registry is replaced by ``registryError`` and the names are still resolved.
Used by the CLI's ``--python``, ``readTorchRegistry`` and tools/pytorch/generate_registry.py.
"""

import ast
import importlib
import importlib.util
import inspect
import json
import os
import pkgutil
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


def module_spec(name):
    """PyTorch's _is_valid_module and _get_module_and_submodules, as a ModuleSpec."""
    try:
        spec = importlib.util.find_spec(name)
    except Exception as error:  # noqa: BLE001 - find_spec raises for impossible names
        return {"found": False, "error": str(error)}
    if spec is None:
        return {"found": False}
    modules = [name]
    if spec.submodule_search_locations is not None:
        try:
            package = importlib.import_module(name)
            for info in pkgutil.walk_packages(package.__path__, name + ".", onerror=lambda _: None):
                modules.append(info.name)
        except Exception:  # noqa: BLE001 - PyTorch's walk swallows import errors too
            pass
    return {"found": True, "modules": modules}


def main():
    out_path = sys.argv[1]
    os.environ.pop("TORCH_LOGS", None)
    request = {}
    if not sys.stdin.isatty():
        text = sys.stdin.read()
        request = json.loads(text) if text.strip() else {}
    answer = {}
    try:
        for module in request.get("imports", []):
            importlib.import_module(module)
        answer["registry"] = read_registry()
    except BaseException as error:  # noqa: BLE001 - every failure is reported on the channel
        answer["registryError"] = "%s: %s" % (type(error).__name__, error)
    answer["modules"] = {name: module_spec(name) for name in request.get("modules", [])}
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(answer, out)


if __name__ == "__main__":
    main()
