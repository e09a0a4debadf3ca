// `command: discover` (the daily schedule, before the backfill): `datawarp discover --write` in the workspace,
// then one pull request on the fixed branch `datawarp/discover` adding the new URLs to the config and
// committing state/monitor.json (opened once, updated by later runs), and one issue per late or missing
// publication (label + hidden marker; closed when the release arrives). A PR opened with GITHUB_TOKEN starts no
// workflow: the next scheduled backfill loads what it added once it is merged. When the base already has
// everything discover would propose, an open pull request is stale and is closed.
// At catalogue scale: inputs max-checks (least recently checked pages first), time-budget-minutes and
// discover-gap-seconds; the pages not read are deferred (named in the summary, output pages-deferred). The
// branch's monitor.json is carried into the next run (see src/monitor/carry.ts), so the rotation goes on and a
// deferred page keeps its proposal even while the pull request is not merged. A page that fails is reported and
// fails the step, after what the other pages gave was proposed.
import { relative, resolve } from 'node:path';
import { runDiscover, type DiscoverRun, type MonitorState } from '../monitor/index.js';
import { clockFrom } from '../runtime/index.js';
import { monitorPathFor, parseMonitor, type PubDiscovery } from '../monitor/index.js';
import { branchFile, pushBranch } from './discover-git.js';
import { httpClientFor, type ActionEnv } from './env.js';
import { InputError } from './context.js';
import type { IssueTracker } from '../github/issues.js';

export const DISCOVER_BRANCH = 'datawarp/discover';
export const LATE_LABEL = 'datawarp-late';
export const lateMarker = (pub: string) => `<!-- datawarp:late pub=${pub} -->`;

export function discoverMarkdown(run: DiscoverRun): string {
  const out = ['## DataWarp discover', ''];
  for (const p of run.result.publications) {
    out.push(`### ${p.pub}`, '');
    if (p.error) {
      out.push(`:x: ${p.error}`, '');
      continue;
    }
    if (p.not_modified) out.push('- page unchanged since the last check (304)');
    for (const n of p.new)
      out.push(
        `- new **${n.period}**: [${n.title}](${n.url})${n.published ? ` (published ${n.published})` : ''}`,
      );
    for (const u of p.upcoming)
      out.push(`- upcoming ${u.date}${u.precision === 'month' ? ' (month only)' : ''}: ${u.title}`);
    for (const r of p.revised) out.push(`- revised **${r.period}**: ${r.reason}`);
    const f = p.freshness;
    out.push(
      `- next expected: ${f.next_expected ?? 'unknown'}${f.next_expected_precision ? ` (${f.next_expected_precision})` : ''}: **${f.state}**`,
    );
    for (const w of p.warnings) out.push(`- :warning: ${w}`);
    for (const x of p.refused) out.push(`- :x: refused ${x}`);
    out.push('');
  }
  out.push(...checkedMarkdown(run));
  return out.join('\n');
}

/** How many pages were read, unchanged, failed; the deferred ones named. */
function checkedMarkdown(run: DiscoverRun): string[] {
  const pubs = run.result.publications;
  const d = run.result.deferred;
  const out = [
    `Checked ${pubs.length} landing page(s): ${pubs.filter((p) => p.not_modified).length} unchanged (304), ${run.errors.length} failed; **${d.length} deferred** to the next run.`,
  ];
  if (d.length) out.push('');
  for (const x of d)
    out.push(
      `- deferred \`${x.pub}\` ${x.landing_page} (${x.reason === 'max-checks' ? 'over max-checks' : 'time budget spent'}; last checked ${x.last_checked ?? 'never'})`,
    );
  for (const c of run.carried)
    out.push(`- kept from an earlier run: new **${c.period}** of \`${c.pub}\` ([${c.title}](${c.url}))`);
  return out;
}

function pullRequestBody(run: DiscoverRun, configRel: string): string {
  return [
    `DataWarp found new releases or revisions on the publications' landing pages. This pull request adds the new release URLs to \`${configRel}\` and records what the monitor learned in \`state/monitor.json\`.`,
    '',
    'Merging it lets the next scheduled backfill load them (a pull request opened with `GITHUB_TOKEN` starts no workflow run, so nothing runs before then). Each daily run updates this pull request.',
    '',
    discoverMarkdown(run),
  ].join('\n');
}

async function syncLateIssues(
  tracker: IssueTracker,
  pubs: PubDiscovery[],
  runUrl?: string,
): Promise<{ opened: number[]; closed: number[] }> {
  const res = { opened: [] as number[], closed: [] as number[] };
  const existing = await tracker.listByLabel(LATE_LABEL);
  const run = runUrl ? ` ([run](${runUrl}))` : '';
  for (const p of pubs.filter((x) => !x.error)) {
    const mine = existing.filter((i) => i.body.includes(lateMarker(p.pub)));
    const open = mine.find((i) => i.state === 'open');
    const f = p.freshness;
    const late = f.state === 'late' || f.state === 'missing';
    const body = [
      lateMarker(p.pub),
      `The next release of **${p.pub}** was expected by **${f.next_expected}** (${f.next_expected_precision}, from the ${f.source}) and is **${f.state}**: ${f.working_days_late} working day(s) past, and not yet on ${p.landing_page}.${run}`,
      '',
      'DataWarp closes this issue when the release appears.',
    ].join('\n');
    if (late && !open) {
      const closed = mine.sort((a, b) => b.number - a.number)[0];
      if (closed) {
        await tracker.update(closed.number, {
          state: 'open',
          body,
          title: `DataWarp: ${p.pub} release is ${f.state}`,
        });
        res.opened.push(closed.number);
      } else {
        const created = await tracker.create(`DataWarp: ${p.pub} release is ${f.state}`, body, [LATE_LABEL]);
        existing.push(created);
        res.opened.push(created.number);
      }
    } else if (late && open) {
      if (open.body !== body)
        await tracker.update(open.number, { body, title: `DataWarp: ${p.pub} release is ${f.state}` });
    } else if (open) {
      await tracker.comment(
        open.number,
        `The release arrived${run}; next expected ${f.next_expected ?? 'unknown'}. Closing.`,
      );
      await tracker.update(open.number, { state: 'closed' });
      res.closed.push(open.number);
    }
  }
  return res;
}

/** max-checks and discover-gap-seconds (read here: only discover takes them). */
function paceInputs(e: ActionEnv): { maxChecks?: number; gapMs?: number } {
  const raw = (name: string) => e.core.getInput(name).trim();
  const out: { maxChecks?: number; gapMs?: number } = {};
  const max = raw('max-checks');
  if (max && max !== '0') {
    const n = Number(max);
    if (!Number.isInteger(n) || n < 1)
      throw new InputError(`input max-checks: "${max}" is not a whole number of pages (0 = all)`);
    out.maxChecks = n;
  }
  const gap = raw('discover-gap-seconds');
  if (gap) {
    const n = Number(gap);
    if (!Number.isFinite(n) || n < 0)
      throw new InputError(`input discover-gap-seconds: "${gap}" is not a number of seconds (0 or more)`);
    out.gapMs = n * 1000;
  }
  return out;
}

/** The monitor.json of the discover branch (an earlier run's proposal), when there is one that parses. */
async function carriedMonitor(e: ActionEnv, monitorRel: string): Promise<MonitorState | undefined> {
  if (!e.ctx.branch) return undefined;
  const text = await branchFile(e.cwd, DISCOVER_BRANCH, monitorRel);
  if (text === undefined) return undefined;
  try {
    return parseMonitor(text, `${DISCOVER_BRANCH}:${monitorRel}`);
  } catch (err) {
    e.core.warning(`${(err as Error).message}: not carried into this run`);
    return undefined;
  }
}

export async function runDiscoverAction(e: ActionEnv): Promise<void> {
  const { core, inputs } = e;
  const statePath = resolve(e.cwd, inputs.state);
  const watched = e.config.publications.filter((p) => p.landingPage).map((p) => p.code);
  if (inputs.pub && !watched.includes(inputs.pub))
    throw new InputError(
      `input pub: "${inputs.pub}" is not a publication with a landing_page in ${inputs.config} (have: ${watched.join(', ') || 'none'})`,
    );
  const pace = paceInputs(e);
  const configRel = relative(e.cwd, e.config.file);
  const monitorRel = relative(e.cwd, monitorPathFor(statePath));
  const run = await runDiscover({
    config: e.config,
    statePath,
    cwd: e.cwd,
    http: httpClientFor(e),
    now: clockFrom(e.env),
    write: !inputs.dryRun,
    pub: inputs.pub || undefined,
    log: e.log.info,
    ...pace,
    ...(inputs.timeBudgetMinutes > 0 ? { timeBudgetMs: inputs.timeBudgetMinutes * 60_000 } : {}),
    carried: await carriedMonitor(e, monitorRel),
  });
  const md = e.redact(discoverMarkdown(run));
  core.info(md);
  await core.summary.addRaw(md, true).write();
  const found = run.result.publications.reduce((s, p) => s + p.new.length, 0) + run.carried.length;
  const revised = run.result.publications.reduce((s, p) => s + p.revised.length, 0);
  core.setOutput('new-releases', String(found));
  core.setOutput('revisions', String(revised));
  core.setOutput('pages-checked', String(run.result.publications.length));
  core.setOutput('pages-deferred', String(run.result.deferred.length));
  for (const p of run.errors) core.error(e.redact(p.error!), { title: `${p.pub}: landing page` });
  for (const p of run.result.publications)
    for (const x of p.refused) core.warning(e.redact(`${p.pub}: refused ${x}`));
  if (e.github && inputs.openIssues) {
    const r = await syncLateIssues(e.github.issues, run.result.publications, e.ctx.runUrl);
    if (r.opened.length || r.closed.length)
      e.log.info(
        `late-release issues: opened ${r.opened.join(', ') || 'none'}, closed ${r.closed.join(', ') || 'none'}`,
      );
  }
  if (!inputs.dryRun && inputs.commitState && e.ctx.branch)
    await propose(e, run, { configRel, monitorRel, found, revised });
  if (run.errors.length)
    core.setFailed(
      `${run.errors.length} landing page(s) could not be read (named above): nothing was learned from them; the other pages were read`,
    );
}

async function propose(
  e: ActionEnv,
  run: DiscoverRun,
  o: { configRel: string; monitorRel: string; found: number; revised: number },
): Promise<void> {
  const base = e.ctx.branch!;
  // pushed whenever the files differ from the base, "checked at" times too: the next run carries them
  const pushed = await pushBranch(
    e.cwd,
    DISCOVER_BRANCH,
    [o.configRel, o.monitorRel],
    `DataWarp discover: ${o.found} new release(s), ${o.revised} revision(s)`,
  );
  if (!pushed || !run.findingsChanged) {
    e.log.info(
      pushed
        ? `discover: nothing new to propose ("checked at" times kept on ${DISCOVER_BRANCH} for the next run)`
        : 'discover: nothing new to propose',
    );
    // an open pull request proposes what the base has by now (merged by hand, or the URLs added another way)
    const runLink = e.ctx.runUrl ? ` ([run](${e.ctx.runUrl}))` : '';
    const closed = await e.github?.repo.closePullRequest(
      DISCOVER_BRANCH,
      base,
      `Closed by DataWarp: \`${base}\` already has everything discover proposes${runLink}. A later run opens a new pull request when it finds something new.`,
    );
    if (closed) e.log.info(`discover pull request #${closed} closed: nothing left to propose`);
    return;
  }
  if (!e.github) return;
  const pr = await e.github.repo.ensurePullRequest(
    DISCOVER_BRANCH,
    base,
    `DataWarp: ${o.found} new release(s)${o.revised ? `, ${o.revised} revision(s)` : ''}`,
    e.redact(pullRequestBody(run, o.configRel)),
  );
  e.core.setOutput('pull-request', String(pr.number));
  e.log.info(`discover pull request #${pr.number} ${pr.created ? 'opened' : 'updated'}`);
}
