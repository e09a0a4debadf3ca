// `datawarp site` as a command (arguments, defaults, exit codes) and the Pages workflow's shape: it deploys
// after the backfill with least-privilege permissions and pinned actions.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { REPO } from './support/workspace.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'dw-site-cli-'));
  dirs.push(cwd);
  let out = '';
  let err = '';
  const code = await runCli(args, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
  });
  return { code, out, err, cwd };
}

describe('datawarp site', () => {
  it('writes site/ by default, links release assets of $GITHUB_REPOSITORY, needs no database', async () => {
    const r = await run(['site'], { GITHUB_REPOSITORY: 'acme/data' });
    expect(r.code, r.err).toBe(0);
    for (const f of ['index.html', 'style.css', 'datapackage.json', '.nojekyll'])
      expect(existsSync(join(r.cwd, 'site', f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(r.cwd, 'site', 'datapackage.json'), 'utf8')).homepage).toBe(
      'https://github.com/acme/data',
    );
    expect(r.out).toContain('no database reachable');
  });

  it('--out elsewhere; a malformed --repo or an unknown option is a usage error (exit 2)', async () => {
    const ok = await run(['site', '--out', 'public/catalog']);
    expect(ok.code, ok.err).toBe(0);
    expect(existsSync(join(ok.cwd, 'public', 'catalog', 'index.html'))).toBe(true);
    const bad = await run(['site', '--repo', 'not a repo']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--repo not a repo: expected OWNER\/NAME/);
    const unknown = await run(['site', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/bogus/);
  });
});

describe('.github/workflows/pages.yml', () => {
  const wf = YAML.parse(readFileSync(join(REPO, '.github', 'workflows', 'pages.yml'), 'utf8'));
  const steps = (job: string) =>
    wf.jobs[job].steps as { uses?: string; run?: string; with?: Record<string, string> }[];

  it('runs after the backfill workflow and on demand', () => {
    const backfill = YAML.parse(readFileSync(join(REPO, '.github', 'workflows', 'backfill.yml'), 'utf8'));
    expect(wf.on.workflow_run).toEqual({ workflows: [backfill.name], types: ['completed'] });
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  it('least privilege: read-only by default, pages and id-token written only by the deploy job', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.build.permissions).toBeUndefined();
    expect(wf.jobs.deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(wf.jobs.deploy.environment.name).toBe('github-pages');
  });

  it('builds with the bundled CLI, uploads site/ and deploys it, every action pinned to a commit', () => {
    const build = steps('build');
    expect(build.some((s) => s.run?.includes('node bin/datawarp.js site --out site'))).toBe(true);
    const upload = build.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload?.with?.path).toBe('site');
    expect(steps('deploy').some((s) => s.uses?.startsWith('actions/deploy-pages@'))).toBe(true);
    for (const s of [...build, ...steps('deploy')].filter((x) => x.uses))
      expect(s.uses, s.uses).toMatch(/@[0-9a-f]{40}$/);
  });
});
