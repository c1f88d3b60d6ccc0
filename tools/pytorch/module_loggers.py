"""Which loggers each torch module logs through, read statically from an installed torch with ``ast``.

A line PyTorch prints shows the call site's path, not the logger's name: ingest takes the module of the path
for the logger (``torch/_dynamo/pgo.py`` -> ``torch._dynamo.pgo``), which holds for ``getLogger(__name__)``
only. This finds every logging call whose logger is another one:

- module-level and local loggers named after another module: ``logging.getLogger("torch._dynamo")``,
  ``torch._logging.getArtifactLogger("torch._dynamo.symbolic_convert", "graph_breaks")``;
- loggers imported from other modules (``from torch._dynamo.utils import log``, ``from .compile_fx import
  log``, re-exports followed), or reached through a module (``torch._dynamo.utils.log.info``);
- ``getLogger(...)`` called in place (``logging.getLogger("torch._inductor").info(...)``).

``scan(root)`` returns, per module with such calls, whether the module (also) logs through its own name
(``getLogger(__name__)``, or a logging call on a receiver it cannot resolve whose name says logger), and for
each other logger the source lines of its calls (a call's whole span: Python prints the line of the call's
method name, which may not be its first). Only loggers under ``torch`` count: torch's handlers are attached
to torch's loggers, so a record of another logger is never printed in torch's formats; ``torch.__trace``
writes TORCH_TRACE, not the console. Logging calls with ``stacklevel`` > 1 print their caller's path; they
are returned apart for a reader to check (2.15: two warnings of torch._dynamo.symbolic_convert and one
INFO of torch.distributed.tensor._dispatch).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
TRACE_LOGGER = "torch.__trace"


@dataclass
class Module:
    name: str
    package: str
    tree: ast.Module
    path: Path
    # name -> logger name, for module-level bindings made here
    loggers: dict[str, str] = field(default_factory=dict)
    # name -> ("module", dotted) | ("attr", module, attr): what an import bound
    imports: dict[str, tuple] = field(default_factory=dict)
    # module-level names bound to a string constant (a logger name kept in a variable)
    strings: dict[str, str] = field(default_factory=dict)


@dataclass
class ModuleLoggers:
    own: bool = False
    # logger name -> source lines of its calls
    loggers: dict[str, set[int]] = field(default_factory=dict)


def module_name(root: Path, path: Path) -> tuple[str, str]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def load(root: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        name, package = module_name(root, path)
        modules[name] = Module(name, package, tree, path)
    return modules


def absolute(module: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.package.split(".")
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def top_level(body: list[ast.stmt]):
    """Module-level statements, through ``if``/``try``/``with`` blocks (``if TYPE_CHECKING``, fallbacks)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from top_level(stmt.body)
            yield from top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, stmt.orelse, stmt.finalbody, *(h.body for h in stmt.handlers)):
                yield from top_level(block)
        elif isinstance(stmt, ast.With):
            yield from top_level(stmt.body)


def string_of(node: ast.AST, module: Module) -> str | None:
    """The value of a logger-name expression: literals, ``__name__``, ``__package__``, ``+`` and f-strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        if node.id == "__name__":
            return module.name
        if node.id == "__package__":
            return module.package
        return module.strings.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = string_of(node.left, module), string_of(node.right, module)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            inner = value.value if isinstance(value, ast.FormattedValue) else value
            text = string_of(inner, module)
            if text is None:
                return None
            parts.append(text)
        return "".join(parts)
    return None


def call_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def made_logger(node: ast.AST, module: Module) -> str | None:
    """The logger name a ``getLogger(...)`` / ``getArtifactLogger(...)`` call makes, if it can be read."""
    if not isinstance(node, ast.Call):
        return None
    name = call_name(node.func)
    if name == "getLogger" and node.args:
        return string_of(node.args[0], module)
    if name == "getArtifactLogger" and len(node.args) >= 2:
        qname, artifact = string_of(node.args[0], module), string_of(node.args[1], module)
        return None if qname is None or artifact is None else f"{qname}.__{artifact}"
    return None


class Resolver:
    def __init__(self, modules: dict[str, Module]):
        self.modules = modules
        for module in modules.values():
            self.bind_module(module)
        # Imported loggers, followed through re-exports until nothing changes.
        changed = True
        while changed:
            changed = False
            for module in modules.values():
                for local, target in module.imports.items():
                    if local in module.loggers or target[0] != "attr":
                        continue
                    logger = self.attribute(target[1], target[2])
                    if logger is not None:
                        module.loggers[local] = logger
                        changed = True

    def bind_module(self, module: Module) -> None:
        for stmt in top_level(module.tree.body):
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        module.imports[alias.asname] = ("module", alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        module.imports[top] = ("module", top)
            elif isinstance(stmt, ast.ImportFrom):
                source = absolute(module, stmt)
                for alias in stmt.names:
                    local = alias.asname or alias.name
                    dotted = f"{source}.{alias.name}"
                    module.imports[local] = ("module", dotted) if dotted in self.modules else ("attr", source, alias.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if not isinstance(target, ast.Name):
                        continue
                    if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                        module.strings[target.id] = stmt.value.value
                    logger = made_logger(stmt.value, module)
                    if logger is not None:
                        module.loggers[target.id] = logger

    def attribute(self, module_name: str, attr: str) -> str | None:
        module = self.modules.get(module_name)
        return None if module is None else module.loggers.get(attr)

    def module_of(self, node: ast.AST, module: Module) -> str | None:
        """The module an expression names: an imported name or a dotted chain below one."""
        if isinstance(node, ast.Name):
            target = module.imports.get(node.id)
            return target[1] if target is not None and target[0] == "module" else None
        if isinstance(node, ast.Attribute):
            base = self.module_of(node.value, module)
            if base is None:
                return None
            dotted = f"{base}.{node.attr}"
            return dotted if dotted in self.modules else None
        return None


def dotted_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_text(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


class CallFinder(ast.NodeVisitor):
    """Logging calls of one module, each with the logger it goes through (None when it cannot be read)."""

    def __init__(self, resolver: Resolver, module: Module, attributes: dict[str, str]):
        self.resolver = resolver
        self.module = module
        self.attributes = attributes  # "self.logger" -> logger name, anywhere in the file
        self.scopes: list[dict[str, str]] = []
        self.calls: list[tuple[str | None, ast.Call, str]] = []

    def visit_FunctionDef(self, node):  # noqa: N802
        local: dict[str, str] = {}
        for inner in ast.walk(node):
            if isinstance(inner, ast.Assign):
                logger = self.logger_of(inner.value)
                if logger is not None:
                    for target in inner.targets:
                        if isinstance(target, ast.Name):
                            local[target.id] = logger
        self.scopes.append(local)
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def logger_of(self, node: ast.AST) -> str | None:
        made = made_logger(node, self.module)
        if made is not None:
            return made
        if isinstance(node, ast.Name):
            for scope in reversed(self.scopes):
                if node.id in scope:
                    return scope[node.id]
            return self.module.loggers.get(node.id)
        if isinstance(node, ast.Attribute):
            text = dotted_text(node)
            if text is not None and text in self.attributes:
                return self.attributes[text]
            owner = self.resolver.module_of(node.value, self.module)
            if owner is not None:
                return self.resolver.attribute(owner, node.attr)
        return None

    def visit_Call(self, node):  # noqa: N802
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in LOG_METHODS:
            receiver = dotted_text(func.value) or ""
            self.calls.append((self.logger_of(func.value), node, receiver))
        self.generic_visit(node)


def self_attributes(module: Module) -> dict[str, str]:
    """``self.logger = logging.getLogger("…")`` anywhere in the file, keyed by its text."""
    found: dict[str, str] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Assign):
            logger = made_logger(node.value, module)
            if logger is None:
                continue
            for target in node.targets:
                text = dotted_text(target) if isinstance(target, ast.Attribute) else None
                if text is not None:
                    found[text] = logger
    return found


def stacklevel(call: ast.Call) -> int:
    for keyword in call.keywords:
        if keyword.arg == "stacklevel":
            return keyword.value.value if isinstance(keyword.value, ast.Constant) else 99
    return 1


def is_torch_logger(name: str) -> bool:
    return (name == "torch" or name.startswith("torch.")) and name != TRACE_LOGGER


def own_logger(logger: str, module: str) -> bool:
    return logger == module or logger.startswith(f"{module}.__")


def scan(root: Path) -> tuple[dict[str, ModuleLoggers], list[str]]:
    """Modules that log through another module's logger, and the logging calls with a stacklevel."""
    modules = load(root)
    resolver = Resolver(modules)
    result: dict[str, ModuleLoggers] = {}
    stacked: list[str] = []
    for module in modules.values():
        finder = CallFinder(resolver, module, self_attributes(module))
        finder.visit(module.tree)
        entry = ModuleLoggers()
        own_made = any(own_logger(logger, module.name) for logger in module.loggers.values())
        entry.own = own_made
        for logger, call, receiver in finder.calls:
            if stacklevel(call) > 1 and logger is not None and is_torch_logger(logger):
                stacked.append(f"{module.name}:{call.lineno} {receiver} -> {logger}")
            if logger is None:
                # An unread receiver whose name says logger (`self.log`, a `logger` argument) may be its own.
                entry.own = entry.own or "log" in receiver.lower()
            elif own_logger(logger, module.name):
                entry.own = True
            elif is_torch_logger(logger):
                lines = set(range(call.lineno, (call.end_lineno or call.lineno) + 1))
                entry.loggers.setdefault(logger, set()).update(lines)
        if entry.loggers:
            result[module.name] = entry
    return result, stacked
