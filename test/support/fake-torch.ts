// A fake, minimal `torch` package in a temp dir, shaped like the real one where the registry probe reads it
// (torch.__version__, torch.version.git_version, torch._logging._internal's log_registry, set_logs with its
// inner _set_logs call, help_message, LOG_ENV_VAR). Tests of `--python` / readTorchRegistry run the machine's
// python3 on it, so they need no real torch (several GB, not installed by `npm ci`): the probe's reading of
// the real wheels is what tools/pytorch/generate_registry.py does, and its output is committed.
// It prints on import, to stdout and stderr, as real packages do: the answer must not depend on those streams.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FILES: Readonly<Record<string, string>> = {
  "torch/__init__.py": `
import sys
print('{"not": "the answer"} noise printed by torch on import')
print("more noise on stderr", file=sys.stderr)
__version__ = "9.9.0a0+fake"
from . import version
from ._logging._internal import register_artifact, register_log
register_log("dynamo", ["torch._dynamo", "torch.fx.experimental.symbolic_shapes"])
register_log("torch", "torch")
register_artifact("guards", "Prints the guards.", visible=True)
register_artifact("output_code", "Prints the code.", visible=True, off_by_default=True)
# What a device backend's autoload registers while torch is imported:
register_log("mydevice", "torch_mydevice")
register_artifact("mydevice_kernels", "Kernels of mydevice.", off_by_default=True, log_format="%(message)s")
`,
  "torch/version.py": `git_version = "0123456789abcdef"\n`,
  "torch/_logging/__init__.py": "",
  "torch/_logging/_internal.py": `
import logging
LOG_ENV_VAR = "TORCH_LOGS"

class LogRegistry:
    def __init__(self):
        self.log_alias_to_log_qnames = {}
        self.artifact_names = set()
        self.visible_artifacts = set()
        self.artifact_descriptions = {}
        self.off_by_default_artifact_names = set()
        self.artifact_log_formatters = {}

log_registry = LogRegistry()

def register_log(alias, names):
    log_registry.log_alias_to_log_qnames[alias] = [names] if isinstance(names, str) else list(names)

def register_artifact(name, description, visible=False, off_by_default=False, log_format=None):
    log_registry.artifact_names.add(name)
    log_registry.artifact_descriptions[name] = description
    if visible:
        log_registry.visible_artifacts.add(name)
    if off_by_default:
        log_registry.off_by_default_artifact_names.add(name)
    if log_format is not None:
        log_registry.artifact_log_formatters[name] = logging.Formatter(log_format)

def set_logs(*, all=None, dynamo=None, mydevice=None, guards=False, output_code=False, modules=None):
    def _set_logs(**kwargs):
        pass

    _set_logs(torch=all, mydevice=mydevice, dynamo=dynamo, output_code=output_code, guards=guards)

def help_message(verbose=False):
    return "\\nTORCH_LOGS Info\\n\\nExamples:\\n  a fake example\\n\\n\\nVisible registered names (...)\\n  all\\n"
`,
  // User code that registers a name before TORCH_LOGS is parsed (--python-import userreg).
  "userreg.py": `
import torch._logging._internal as internal
internal.register_artifact("my_artifact", "Mine.", visible=True)
`,
};

export interface FakeTorch {
  /** The folder to put on PYTHONPATH. */
  readonly dir: string;
  readonly remove: () => void;
}

export function makeFakeTorch(): FakeTorch {
  const dir = mkdtempSync(join(tmpdir(), "fake-torch-"));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
