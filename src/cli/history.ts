// `datawarp history --pub P [--period X] [--json]`: the versions of a publication's periods, with their dates,
// files and diff counts (datawarp.tbl_item_versions, src/load/versions.ts).
import { basename, resolve } from 'node:path';
import { loadConfig, parsePeriod } from '../config/index.js';
import { ensureSchema, listVersions, openDb, type ItemVersion } from '../load/index.js';
import { diffText } from '../pipeline/versions.js';
import { commandArgs } from './args.js';
import type { CliEnv } from '../runtime/index.js';

export const HISTORY_USAGE = `Usage: datawarp history --pub P [--period X] [--json] [--config F]

Lists the versions of each period of publication P (a revision reloads a period as its next version): when
each was loaded, its files (loaded, kept, superseded) and its diff against the version before.
`;

export async function runHistory(
  argv: string[],
  ctx: CliEnv,
  dbOptions: (ctx: CliEnv) => Parameters<typeof openDb>[0],
): Promise<number> {
  const v = commandArgs(
    'history',
    argv,
    {
      pub: { type: 'string' },
      period: { type: 'string' },
      json: { type: 'boolean' },
    },
    HISTORY_USAGE,
    ctx.io,
  );
  if (typeof v === 'number') return v;
  if (!v.pub) {
    ctx.io.err(`datawarp history: --pub is required\n\n${HISTORY_USAGE}`);
    return 2;
  }
  let period = v.period;
  if (period) {
    const config = loadConfig(resolve(ctx.cwd, v.config ?? 'config/publications.yaml'), ctx.env);
    const pr = parsePeriod(period, config.publications.find((p) => p.code === v.pub)?.frequency);
    if (pr.error) {
      ctx.io.err(`datawarp history: --period: ${pr.error}\n`);
      return 2;
    }
    period = pr.period;
  }
  const db = await openDb(dbOptions(ctx));
  let versions: ItemVersion[];
  try {
    await ensureSchema(db);
    versions = await listVersions(db, { pub: v.pub, period });
  } finally {
    await db.close();
  }
  if (v.json) ctx.io.out(JSON.stringify({ pub: v.pub, versions }, null, 2) + '\n');
  else ctx.io.out(renderHistory(v.pub, versions));
  return 0;
}

export function renderHistory(pub: string, versions: ItemVersion[]): string {
  if (!versions.length) return `${pub}: no versions recorded\n`;
  const out: string[] = [];
  let period = '';
  for (const v of versions) {
    if (v.period !== period) out.push(`${pub}/${v.period}`);
    period = v.period;
    const diff = v.version === 1 ? `${v.rows_added.toLocaleString('en-GB')} rows` : diffText(v);
    out.push(
      `  v${v.version}  ${v.loaded_at.slice(0, 16).replace('T', ' ')}  ${diff}${v.reason ? `  (${v.reason})` : ''}`,
    );
    for (const f of v.files)
      out.push(
        `      ${f.change.padEnd(10)} ${decodeURIComponent(basename(new URL(f.url).pathname))}  ${f.rows} rows`,
      );
  }
  return out.join('\n') + '\n';
}
