// CLI entry: `datawarp <command>`. First the restart that sets V8's young generation (src/runtime/restart.ts),
// then the CLI itself, imported only afterwards so that a restart does not load it twice.
import { restartForMemory } from '../runtime/restart.js';

restartForMemory();
const { runCli } = await import('./main.js');
const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  io: {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
  },
});
process.exitCode = code;
