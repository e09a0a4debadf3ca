// Run a TypeScript script (text) in a child Node process with tsx, from the repository root; for tests that
// kill a process in the middle of a load.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './workspace.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runTsChild(source: string, env: Record<string, string>): Promise<ChildResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-child-'));
  const script = path.join(dir, 'child.mts');
  fs.writeFileSync(script, source);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}
