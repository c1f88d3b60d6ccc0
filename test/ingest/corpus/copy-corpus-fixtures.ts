// Copies the shared corpus runs into test/fixtures/corpus in the slim layout load-corpus-run.ts reads: the raw
// stderr byte for byte, the meta (TORCH_LOGS and the rest), and the truth reduced to the fields the harness
// scores with the stderr line range of each record folded in (the message lines are read from stderr).
//   npx node --conditions=development test/ingest/corpus/copy-corpus-fixtures.ts [SRC] [DEST]
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listCorpusRuns, loadCorpusRun } from "./load-corpus-run.ts";
import { FIXTURE_CORPUS, SHARED_CORPUS } from "./score-corpus.ts";

const src = process.argv[2] ?? SHARED_CORPUS;
const dest = process.argv[3] ?? FIXTURE_CORPUS;
mkdirSync(dest, { recursive: true });
for (const name of listCorpusRuns(src)) {
  const run = loadCorpusRun(src, name);
  copyFileSync(join(src, `${name}.stderr.log`), join(dest, `${name}.stderr.log`));
  copyFileSync(join(src, `${name}.meta.json`), join(dest, `${name}.meta.json`));
  writeFileSync(join(dest, `${name}.truth.jsonl`), run.truth.map((r) => `${JSON.stringify(r)}\n`).join(""));
}
