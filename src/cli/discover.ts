// `datawarp discover [--pub P] [--write] [--json] [--max-checks N] [--time-budget-minutes M] [--gap-seconds S]`:
// new releases on the landing pages, upcoming dates, revisions of recent periods and freshness. --write adds the
// new releases to the config (comments, order and formatting kept) and records what was learned in
// state/monitor.json. A landing page that cannot be read is an error naming it (exit 1); the other pages are
// still read and written. Pages over --max-checks or the time budget are deferred to the next run, named.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { MonitorStateError, runDiscover, type DiscoverRun } from '../monitor/index.js';
import { clockFrom, httpClientFor, type CliEnv } from '../runtime/index.js';

export const DISCOVER_USAGE = `Usage: datawarp discover [--pub P] [--write] [--json] [--max-checks N] [--time-budget-minutes M] [--gap-seconds S] [--config F] [--state F]
  --max-checks N           read at most N landing pages, least recently checked first; the rest next run
  --time-budget-minutes M  start no page check after M minutes; the rest next run
  --gap-seconds S          least time between two requests to one host (default limits.discover_gap_seconds, 1)
`;

/** --max-checks, --time-budget-minutes and --gap-seconds as run options; a bad value throws. */
function paceFlags(v: Record<string, string | boolean | undefined>) {
  const num = (flag: string, ok: (n: number) => boolean, what: string) => {
    const raw = v[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !ok(n)) throw new Error(`--${flag} ${raw}: ${what}`);
    return n;
  };
  const maxChecks = num(
    'max-checks',
    (n) => Number.isInteger(n) && n >= 1,
    'not a whole number of pages (1 or more)',
  );
  const minutes = num('time-budget-minutes', (n) => n > 0, 'not a number of minutes (more than 0)');
  const gap = num('gap-seconds', (n) => n >= 0, 'not a number of seconds (0 or more)');
  return {
    ...(maxChecks !== undefined ? { maxChecks } : {}),
    ...(minutes !== undefined ? { timeBudgetMs: minutes * 60_000 } : {}),
    ...(gap !== undefined ? { gapMs: gap * 1000 } : {}),
  };
}

export function renderDiscovery(r: DiscoverRun, write: boolean, configFile: string): string {
  const lines: string[] = [];
  for (const p of r.result.publications) {
    lines.push(`${p.pub}  ${p.landing_page}`);
    if (p.error) {
      lines.push(`  ✗ ${p.error}`);
      continue;
    }
    if (p.not_modified) lines.push('  page unchanged since the last check (304 Not Modified)');
    for (const n of p.new)
      lines.push(
        `  new ${n.period}  ${n.title}${n.published ? ` (published ${n.published})` : ''}  ${n.url}`,
      );
    if (!p.new.length) lines.push('  no new release');
    for (const u of p.upcoming)
      lines.push(`  upcoming ${u.date}${u.precision === 'month' ? ' (month)' : ''}  ${u.title}`);
    for (const v of p.revised) lines.push(`  revised ${v.period}: ${v.reason}`);
    const f = p.freshness;
    lines.push(
      `  next expected ${f.next_expected ?? 'unknown'}${f.next_expected_precision ? ` (${f.next_expected_precision})` : ''}: ${f.state}`,
    );
    for (const w of p.warnings) lines.push(`  ! ${w}`);
    for (const x of p.refused) lines.push(`  ✗ refused ${x}`);
  }
  const refused = r.result.publications.reduce((s, p) => s + p.refused.length, 0);
  if (refused)
    lines.push(
      `${refused} release link(s) refused: their host is not in allowed_hosts (add the host to allowed_hosts if it is a real home of the publication).`,
    );
  const n = r.result.publications.reduce((s, p) => s + p.new.length, 0);
  lines.push(...deferredLines(r));
  if (r.errors.length)
    lines.push(
      `${r.errors.length} landing page(s) could not be read: nothing was learned from them${write ? '; what the other pages gave was written' : ''}.`,
    );
  if (write)
    lines.push(n ? `Added ${n} release(s) to ${configFile}.` : `Nothing new: ${configFile} unchanged.`);
  else if (n) lines.push(`${n} new release(s): run with --write to add them to ${configFile}.`);
  return lines.join('\n') + '\n';
}

/** The checked / unchanged / deferred counts, and the deferred pages named. */
export function deferredLines(r: DiscoverRun): string[] {
  const pubs = r.result.publications;
  const unchanged = pubs.filter((p) => p.not_modified).length;
  const d = r.result.deferred;
  const out = [
    `Checked ${pubs.length} landing page(s) (${unchanged} unchanged since the last run, ${r.errors.length} failed); ${d.length} deferred to the next run.`,
  ];
  for (const x of d)
    out.push(
      `  deferred ${x.pub}  ${x.landing_page}  (${x.reason === 'max-checks' ? 'over --max-checks' : 'time budget spent'}; last checked ${x.last_checked ?? 'never'})`,
    );
  return out;
}

export function discoveryJson(r: DiscoverRun): unknown {
  return {
    checked: r.result.publications.length,
    deferred: r.result.deferred,
    publications: r.result.publications.map((p) => ({
      pub: p.pub,
      landing_page: p.landing_page,
      new: p.new,
      upcoming: p.upcoming,
      revised: p.revised,
      freshness: p.freshness,
      ...(p.not_modified ? { not_modified: true } : {}),
      ...(p.error ? { error: p.error } : {}),
      ...(p.warnings.length ? { warnings: p.warnings } : {}),
      ...(p.refused.length ? { refused: p.refused } : {}),
    })),
  };
}

export async function runDiscoverCommand(argv: string[], ctx: CliEnv): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        state: { type: 'string' },
        pub: { type: 'string' },
        write: { type: 'boolean' },
        json: { type: 'boolean' },
        'max-checks': { type: 'string' },
        'time-budget-minutes': { type: 'string' },
        'gap-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    ctx.io.err(`datawarp discover: ${(e as Error).message}\n`);
    return 2;
  }
  if (v.help) {
    ctx.io.out(DISCOVER_USAGE);
    return 0;
  }
  let pace;
  try {
    pace = paceFlags(v);
  } catch (e) {
    ctx.io.err(`datawarp discover: ${(e as Error).message}\n\n${DISCOVER_USAGE}`);
    return 2;
  }
  const config = loadConfig(resolve(ctx.cwd, v.config ?? 'config/publications.yaml'), ctx.env);
  const statePath = resolve(ctx.cwd, v.state ?? 'state/state.json');
  let now;
  try {
    now = clockFrom(ctx.env);
  } catch (e) {
    ctx.io.err(`datawarp discover: ${(e as Error).message}\n`);
    return 2;
  }
  const pub = v.pub ? config.publications.find((p) => p.code === v.pub) : undefined;
  if (v.pub && !pub?.landingPage) {
    ctx.io.err(
      `datawarp discover: --pub ${v.pub}: ${pub ? 'has no landing_page in the config' : `no such publication in ${config.file}`}\n`,
    );
    return 2;
  }
  const http = httpClientFor(config);
  let run: DiscoverRun;
  try {
    run = await runDiscover({
      config,
      statePath,
      cwd: ctx.cwd,
      http,
      now,
      write: Boolean(v.write),
      pub: v.pub,
      ...pace,
    });
  } catch (e) {
    if (!(e instanceof MonitorStateError)) throw e;
    ctx.io.err(`datawarp discover: ${e.message}\n`);
    return 2;
  }
  ctx.io.out(
    v.json
      ? JSON.stringify(discoveryJson(run), null, 2) + '\n'
      : renderDiscovery(run, Boolean(v.write), config.file),
  );
  for (const p of run.errors) ctx.io.err(`datawarp discover: ${p.error}\n`);
  for (const p of run.result.publications)
    for (const x of p.refused) ctx.io.err(`datawarp discover: ${p.pub}: refused ${x}\n`);
  return run.errors.length || run.result.publications.some((p) => p.refused.length) ? 1 : 0;
}
