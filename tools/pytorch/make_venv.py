#!/usr/bin/env python3
"""Make (or reuse) a virtual environment with a pinned torch, outside the repository.

    python3 tools/pytorch/make_venv.py                      # torch 2.15.0
    python3 tools/pytorch/make_venv.py --torch 2.14.1
    python3 tools/pytorch/make_venv.py --torch 2.13.0 --cpu # the CPU wheel (if its index is reachable)
    python3 tools/pytorch/make_venv.py --pip tlparse==0.4.3 # add packages to the 2.15.0 venv
    python3 tools/pytorch/make_venv.py --no-torch --pip tlparse==0.4.3  # a small venv without torch

The venv lives in ``${TORCH_LOGS_OTEL_CACHE:-$HOME/.cache/torch-logs-otel}/venvs/torch-<version>``: torch is
several GB, and every worktree and clone of the repository shares it. A venv whose torch already has the
asked version is reused as it is (only ``--pip`` packages not yet installed are added). The last line printed
on stdout is the venv's python, so other tools can call ``$(python3 tools/pytorch/make_venv.py | tail -1)``.

``--no-torch`` makes (or reuses) ``venvs/no-torch`` instead, holding only the ``--pip`` packages: for a tool that
needs no torch (the tlparse differential test on a machine without the torch venv, as CI).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import venv
from pathlib import Path

DEFAULT_TORCH = "2.15.0"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def cache_root() -> Path:
    root = os.environ.get("TORCH_LOGS_OTEL_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "torch-logs-otel"


def venv_dir(version: str) -> Path:
    return cache_root() / "venvs" / f"torch-{version}"


def venv_python(version: str) -> Path:
    return venv_dir(version) / "bin" / "python"


NO_TORCH = "no-torch"


def ensure_without_torch(extra: list[str]) -> Path:
    """The venv without torch (created when missing), with the ``--pip`` packages not yet there added."""
    directory = cache_root() / "venvs" / NO_TORCH
    python = directory / "bin" / "python"
    if not python.exists():
        print(f"creating {directory}", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(directory)
    missing = [spec for spec in extra if not has_package(python, spec)]
    if missing:
        pip(python, missing)
    return python


def installed_version(python: Path, package: str) -> str | None:
    """The version pip metadata gives for ``package`` in that venv, without importing it (fast)."""
    if not python.exists():
        return None
    code = (
        "import importlib.metadata as m, sys\n"
        "try: print(m.version(sys.argv[1]))\n"
        "except m.PackageNotFoundError: pass\n"
    )
    out = subprocess.run([str(python), "-c", code, package], capture_output=True, text=True, check=False)
    return out.stdout.strip() or None


def same_version(have: str | None, want: str) -> bool:
    # "2.13.0+cpu" satisfies "2.13.0"; a local tag asked for must match exactly.
    return have is not None and (have == want or have.split("+")[0] == want)


def pip(python: Path, args: list[str]) -> None:
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True)


def cpu_index_reachable() -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(CPU_INDEX + "/torch/", timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


def ensure(version: str, cpu: bool, extra: list[str]) -> Path:
    python = venv_python(version)
    if not same_version(installed_version(python, "torch"), version):
        if not python.exists():
            print(f"creating {venv_dir(version)}", file=sys.stderr, flush=True)
            venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir(version))
        index: list[str] = []
        if cpu:
            if cpu_index_reachable():
                index = ["--index-url", CPU_INDEX, "--extra-index-url", "https://pypi.org/simple"]
            else:
                print(f"{CPU_INDEX} is not reachable: installing the default wheel", file=sys.stderr)
        pip(python, [*index, f"torch=={version}"])
    missing = [spec for spec in extra if not has_package(python, spec)]
    if missing:
        pip(python, missing)
    return python


def has_package(python: Path, spec: str) -> bool:
    """``name==version`` is there in that version; a bare name (or other specifier) once installed is kept."""
    name, _, version = spec.partition("==")
    have = installed_version(python, name.split("[")[0].strip())
    return same_version(have, version.strip()) if version else have is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--torch", default=DEFAULT_TORCH, help=f"torch version (default {DEFAULT_TORCH})")
    parser.add_argument("--cpu", action="store_true", help="install the +cpu wheel when its index is reachable")
    parser.add_argument("--pip", action="append", default=[], metavar="SPEC", help="extra package (repeatable)")
    parser.add_argument("--no-torch", action="store_true", help=f"the venv '{NO_TORCH}': only the --pip packages")
    args = parser.parse_args()
    python = ensure_without_torch(args.pip) if args.no_torch else ensure(args.torch, args.cpu, args.pip)
    print(python)


if __name__ == "__main__":
    main()
