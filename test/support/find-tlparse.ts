// The real tlparse, in the pinned version: `$TLPARSE` if set, else installed with tools/pytorch/make_venv.py into
// the PyTorch tools' venv (torch 2.15's, when it exists) or into their small venv without torch (CI). Throws,
// saying why and what to run, when it cannot be had: the differential test then fails, it is never skipped.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export const TLPARSE_VERSION = "0.4.3";

const REPO = join(import.meta.dirname, "..", "..");
const TOOLS = join(REPO, "tools", "pytorch");
/** pip may download the wheel (2.5 MB) or, without the torch venv, make a venv first. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

export interface Tlparse {
  readonly path: string;
  /** How it was found: `$TLPARSE`, or the venv. */
  readonly how: string;
}

function versionOf(path: string): string {
  try {
    return execFileSync(path, ["--version"], { encoding: "utf8", timeout: 30_000 }).trim();
  } catch (error) {
    throw new Error(`${path} --version failed: ${(error as Error).message}`);
  }
}

function python(code: string): string {
  return execFileSync("python3", ["-c", code], { cwd: TOOLS, encoding: "utf8", timeout: 60_000 }).trim();
}

export function findTlparse(env: NodeJS.ProcessEnv = process.env): Tlparse {
  const wanted = `tlparse ${TLPARSE_VERSION}`;
  const given = env.TLPARSE?.trim();
  if (given) {
    const version = versionOf(given);
    if (version !== wanted)
      throw new Error(`TLPARSE=${given} is ${version}; the differential test needs ${wanted}`);
    return { path: given, how: "$TLPARSE" };
  }
  let torchVenv: string;
  try {
    torchVenv = python("import make_venv; print(make_venv.venv_python(make_venv.DEFAULT_TORCH))");
  } catch (error) {
    throw new Error(
      `cannot run python3 (needed to install tlparse ${TLPARSE_VERSION}): ${(error as Error).message}`,
    );
  }
  const args = existsSync(torchVenv) ? [] : ["--no-torch"];
  let venvPython: string;
  try {
    const out = execFileSync(
      "python3",
      [join(TOOLS, "make_venv.py"), ...args, "--pip", `tlparse==${TLPARSE_VERSION}`],
      { encoding: "utf8", timeout: INSTALL_TIMEOUT_MS, stdio: ["ignore", "pipe", "inherit"] },
    );
    venvPython = out.trim().split("\n").pop() ?? "";
  } catch (error) {
    throw new Error(
      `could not install tlparse ${TLPARSE_VERSION} (python3 tools/pytorch/make_venv.py ${[...args, "--pip", `tlparse==${TLPARSE_VERSION}`].join(" ")}): ${(error as Error).message}. ` +
        "It needs PyPI (or a wheel in pip's find-links); or set TLPARSE to a tlparse 0.4.3 binary.",
    );
  }
  const path = join(dirname(venvPython), "tlparse");
  const version = versionOf(path);
  if (version !== wanted) throw new Error(`${path} is ${version}, not ${wanted}`);
  return { path, how: `${dirname(dirname(venvPython))} (make_venv.py ${args.join(" ")})`.replace(" )", ")") };
}
