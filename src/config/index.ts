// publications.yaml -> validated, typed publications and periods.
// Every problem names file:line:column and what to write instead.
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isSeq, LineCounter, parseDocument, visit, type Node as YamlNode } from 'yaml';
import { fastYaml } from './fast.js';
import { resolveLimits, type Limits } from './limits.js';
import { FREQUENCIES, parsePeriod, type Frequency } from './periods.js';
import { allowedKeys, CODE, parseUrl, schema } from './schema.js';

export { parsePeriod, periodLabels, periodStart, FREQUENCIES, type Frequency } from './periods.js';
export { addUrls, type UrlAddition } from './write.js';
export { hasCredentials } from './schema.js';
export {
  DEFAULT_LIMITS,
  envName,
  formatSize,
  parseSize,
  resolveLimits,
  LIMIT_KEYS,
  type LimitKey,
  type Limits,
} from './limits.js';

export const DEFAULT_ALLOWED_HOSTS = ['digital.nhs.uk', 'files.digital.nhs.uk', 'www.england.nhs.uk'];

export interface PublicationUrl {
  period: string;
  /** as written in the config */
  periodWritten: string;
  url: string;
  line: number;
}

export interface Publication {
  code: string;
  name: string;
  frequency: Frequency;
  landingPage?: string;
  referenceManifest?: string;
  /** the gov.uk release calendar entry that announces this publication (freshness) */
  calendar?: { organisation: string; title: string };
  /** processed periods the monitor re-checks for revisions (most recent first); default 3 */
  recheckPeriods?: number;
  /** most new releases one discover run adds for this publication (the newest first); default 120 */
  maxNewReleases?: number;
  /** a first load that gives no data rows is accepted (default: it fails the item) */
  allowEmpty?: boolean;
  urls: PublicationUrl[];
}

export const DEFAULT_RECHECK_PERIODS = 3;
export const DEFAULT_MAX_NEW_RELEASES = 120;

export interface Config {
  file: string;
  /** lower case */
  allowedHosts: string[];
  publications: Publication[];
  /** the `limits:` block over the defaults, with DATAWARP_* environment variables applied */
  limits: Limits;
}

export interface ConfigProblem {
  /** the config file, or "environment" for a DATAWARP_* variable */
  file: string;
  /** 0 when the problem has no position (an environment variable) */
  line: number;
  column: number;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** Most aliases a config may expand (`yaml`'s own guard against "billion laughs" alias bombs). */
const MAX_ALIAS_COUNT = 100;

/** `env` supplies DATAWARP_* limit overrides (default: this process's environment). */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([
      { file, line: 1, column: 1, message: `cannot read the config: ${(e as Error).message}` },
    ]);
  }
  return parseConfig(text, file, env);
}

type Position = { line: number; column: number };
type ParsedConfig = ReturnType<typeof schema.safeParse>;

/** What the per-publication checks share: where problems go and how to find a path's position. */
interface CheckContext {
  file: string;
  problems: ConfigProblem[];
  posOf: (path: PropertyKey[]) => Position;
  /** the line of `publications.<code>.urls[i].period` (every URL's line: pull-request annotations) */
  lineOf: (code: string, i: number) => number;
  allowedHosts: string[];
}

/**
 * `env` supplies DATAWARP_* limit overrides (default: this process's environment). The fast read (fast.ts) first;
 * the `yaml` document with positions only when the fast read refuses the text or finds a problem: every problem is
 * reported from the document, with its line.
 */
export function parseConfig(
  text: string,
  file = 'config/publications.yaml',
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const fast = fastYaml(text);
  if (fast) {
    const noPosition = () => ({ line: 0, column: 0 });
    const lineOf = (code: string, i: number) => fast.periodLines.get(code)?.[i] ?? 0;
    const r = checkConfig(
      fast.data,
      { file, problems: [], posOf: noPosition, lineOf, allowedHosts: [] },
      env,
    );
    if (!r.problems.length) return r.config;
  }
  return parseConfigDocument(text, file, env);
}

/** parseConfig through the `yaml` document with positions only (the fast read's check: test/config.fast.test.ts). */
export function parseConfigDocument(
  text: string,
  file = 'config/publications.yaml',
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const { doc, at, data } = readYaml(text, file);
  const posOf = (path: PropertyKey[]) =>
    at((nodeAt(doc, path) as { range?: number[] } | undefined)?.range?.[0]);
  const lineOf = (code: string, i: number) => posOf(['publications', code, 'urls', i, 'period']).line;
  const { config, problems } = checkConfig(
    data,
    { file, problems: [], posOf, lineOf, allowedHosts: [] },
    env,
  );
  if (problems.length) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ConfigError(problems);
  }
  return config;
}

/** The schema and the checks it cannot make over the plain data; `ctx.allowedHosts` is set here. */
function checkConfig(
  data: unknown,
  ctx: CheckContext,
  env: NodeJS.ProcessEnv,
): { config: Config; problems: ConfigProblem[] } {
  const { file, problems, posOf } = ctx;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.length ? ` (${issue.path.join('.')})` : '';
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}: allowed here are ${allowedKeys(issue.path)}`;
      }
      problems.push({ file, ...posOf(issue.path), message: `${message}${where}` });
    }
  }

  // Period, host and duplicate checks run even when the shape is wrong elsewhere, so every problem is printed.
  const raw = (data as { allowed_hosts?: unknown; publications?: unknown }) ?? {};
  ctx.allowedHosts = parsed.success
    ? (parsed.data.allowed_hosts ?? DEFAULT_ALLOWED_HOSTS)
    : Array.isArray(raw.allowed_hosts)
      ? raw.allowed_hosts.map((h) => String(h).toLowerCase())
      : DEFAULT_ALLOWED_HOSTS;
  const { limits, problems: envProblems } = resolveLimits(
    parsed.success ? parsed.data.limits : undefined,
    env,
  );
  for (const message of envProblems) problems.push({ file: 'environment', line: 0, column: 0, message });
  const rawPubs =
    raw.publications && typeof raw.publications === 'object' ? (raw.publications as Record<string, any>) : {};
  const publications: Publication[] = [];
  for (const [code, p] of Object.entries(rawPubs)) {
    const publication = checkPublication(ctx, code, p, parsed);
    if (publication) publications.push(publication);
  }
  return { config: { file, allowedHosts: ctx.allowedHosts, publications, limits }, problems };
}

/** Parse the YAML text into a document and plain data; YAML errors (and alias bombs) throw a ConfigError. */
function readYaml(text: string, file: string) {
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined): Position => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, keepSourceTokens: false, uniqueKeys: true });
  } catch (e) {
    // the parser reports its own errors in doc.errors; anything thrown is still the config's problem
    throw new ConfigError([{ file, line: 1, column: 1, message: `YAML: ${firstLine(e)}` }]);
  }
  const problems: ConfigProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    problems.push({ file, ...at(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` });
  }
  if (problems.length) throw new ConfigError(problems);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    let firstAlias: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (isAlias(node)) firstAlias = node.range?.[0];
        return visit.BREAK;
      },
    });
    const aliasBomb = /alias/i.test(firstLine(e));
    throw new ConfigError([
      {
        file,
        ...at(aliasBomb ? firstAlias : 0),
        message: aliasBomb
          ? `YAML: the aliases (*name) here expand to too many values (more than ${MAX_ALIAS_COUNT} alias expansions; an "alias bomb"): write the values out instead`
          : `YAML: ${firstLine(e)}`,
      },
    ]);
  }
  return { doc, at, data };
}

/** The deepest node of `doc` along `path` (the closest one that exists). */
function nodeAt(doc: ReturnType<typeof parseDocument>, path: PropertyKey[]): YamlNode | undefined {
  let node: unknown = doc.contents;
  let last: unknown = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      node = pair?.value ?? pair?.key;
    } else if (isSeq(node)) node = node.items[Number(key)];
    else break;
    if (node) last = node;
  }
  return last as YamlNode | undefined;
}

/** Report `url` when its host is not in allowed_hosts. */
function checkHost(ctx: CheckContext, url: string, path: PropertyKey[], what: string): void {
  const host = httpHost(url);
  if (host !== undefined && !ctx.allowedHosts.includes(host))
    ctx.problems.push({
      file: ctx.file,
      ...ctx.posOf(path),
      message: `${what ? `${what}: ` : ''}host ${host} is not in allowed_hosts (${ctx.allowedHosts.join(', ')}): add it to allowed_hosts or use a digital.nhs.uk / england.nhs.uk URL`,
    });
}

/**
 * The checks of one publication the schema cannot make (key, hosts, periods, duplicates, calendar host);
 * the typed publication when the whole config passed the schema.
 */
function checkPublication(
  ctx: CheckContext,
  code: string,
  p: any,
  parsed: ParsedConfig,
): Publication | undefined {
  const { file, problems, posOf, allowedHosts } = ctx;
  if (!CODE.test(code)) {
    // zod's record does not see every such key (a YAML `__proto__:` key): refused here, by the same rule
    const zodSaid = problems.findIndex((x) => x.message.endsWith(`(publications.${code})`));
    if (zodSaid >= 0) problems.splice(zodSaid, 1);
    problems.push({
      file,
      ...posOf(['publications', code]),
      message: `publication key ${JSON.stringify(code)} cannot be a table name: a publication key is lower-case letters, digits and _ starting with a letter (e.g. gp_appointments), at most 40 characters`,
    });
    return undefined;
  }
  if (typeof p?.landing_page === 'string')
    checkHost(ctx, p.landing_page, ['publications', code, 'landing_page'], `landing_page of ${code}`);
  const urls = checkUrls(ctx, code, p);
  if (p?.calendar && !allowedHosts.includes('www.gov.uk')) {
    problems.push({
      file,
      ...posOf(['publications', code, 'calendar']),
      message: `calendar of ${code} reads the gov.uk release calendar: add www.gov.uk to allowed_hosts`,
    });
  }
  if (!parsed.success) return undefined;
  const q = parsed.data.publications[code];
  return {
    code,
    name: q.name,
    frequency: q.frequency,
    landingPage: q.landing_page,
    referenceManifest: q.reference_manifest,
    ...(q.calendar ? { calendar: q.calendar } : {}),
    recheckPeriods: q.recheck_periods ?? DEFAULT_RECHECK_PERIODS,
    maxNewReleases: q.max_new_releases ?? DEFAULT_MAX_NEW_RELEASES,
    ...(q.allow_empty ? { allowEmpty: true } : {}),
    urls,
  };
}

/** The publication's urls with their periods parsed; bad periods, hosts and repeated periods reported. */
function checkUrls(ctx: CheckContext, code: string, p: any): PublicationUrl[] {
  const { file, problems, posOf } = ctx;
  const frequency = FREQUENCIES.includes(p?.frequency) ? (p.frequency as Frequency) : undefined;
  const seen = new Map<string, number>();
  const urls: PublicationUrl[] = [];
  (Array.isArray(p?.urls) ? p.urls : []).forEach((u: any, i: number) => {
    const path = ['publications', code, 'urls', i];
    if (u?.period === undefined || u?.period === null || typeof u?.url !== 'string' || !parseUrl(u.url))
      return;
    const pr = parsePeriod(u.period, frequency);
    const line = ctx.lineOf(code, i);
    if (pr.error) {
      problems.push({ file, ...posOf([...path, 'period']), message: pr.error });
      return;
    }
    checkHost(ctx, u.url, [...path, 'url'], '');
    const dup = seen.get(pr.period!);
    if (dup !== undefined) {
      problems.push({
        file,
        ...posOf([...path, 'period']),
        message: `period ${pr.period} of ${code} is listed twice (also at line ${dup}): keep one entry per period`,
      });
    }
    seen.set(pr.period!, line);
    urls.push({ period: pr.period!, periodWritten: String(u.period), url: u.url, line });
  });
  return urls;
}

/** The host of an absolute http(s) URL (lower case); undefined for anything else (the schema reports it). */
function httpHost(url: string): string | undefined {
  const u = parseUrl(url);
  if (!u) return undefined;
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.toLowerCase() : undefined;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
