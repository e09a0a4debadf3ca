// A local fake of the GitHub REST API. Every request is validated against GitHub's OpenAPI description
// (@octokit/openapi, served with openapi-backend); an invalid request gets GitHub's 422 and is recorded.
// Releases, assets (renamed by PATCH), issues, comments, pull requests and workflow enables are kept in memory.
// Failures can be injected per operation (e.g. 403 + Retry-After, 422 already_exists). Responses are checked
// against the description too (recorded in `responseErrors`). Uploads go to the `upload_url` it returns (its own
// origin).
// GitHub's rate limits, off unless asked (`limits`): every response carries x-ratelimit-limit/remaining/used/reset/
// resource; a spent primary budget answers 403 "API rate limit exceeded" with x-ratelimit-remaining: 0; more
// content-creating requests (POST, PATCH, PUT, DELETE) in a window than allowed answer 403 (or 429) with retry-after
// and GitHub's secondary-rate-limit message. Every request (API and uploads) is recorded in `requests`.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { OpenAPIBackend, type Context, type Document } from 'openapi-backend';

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  body?: unknown;
}

export interface FakeAsset {
  id: number;
  name: string;
  label: string | null;
  size: number;
  data: Buffer;
}
export interface FakeRelease {
  id: number;
  tag_name: string;
  name: string;
  body: string;
  assets: FakeAsset[];
}
export interface FakeComment {
  id: number;
  body: string;
}
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  comments: FakeComment[];
  pull_request?: boolean;
}

export interface Injection {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** runs before the injected answer (e.g. make the asset exist, as if another run uploaded it) */
  before?(fake: FakeGitHub, c: Context): void;
}

export interface FakeLimits {
  /** the primary budget: `limit` requests per `windowSeconds` (GitHub: 1,000 an hour for GITHUB_TOKEN) */
  primary?: { limit: number; windowSeconds?: number };
  /** content-creating requests allowed per `windowSeconds` (GitHub: 80 a minute), answered with `status` */
  secondary?: { limit: number; windowSeconds?: number; status?: 403 | 429 };
}

export const PRIMARY_LIMIT_BODY = (who = 'installation ID 1') => ({
  message: `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID FAKE:0000:0000.`,
  documentation_url:
    'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
});
export const SECONDARY_LIMIT_BODY = {
  message:
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE:0000:0000.',
  documentation_url:
    'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
};

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  requests: RecordedRequest[];
  /** requests that failed validation against the OpenAPI description */
  invalid: { method: string; path: string; errors: unknown }[];
  /** responses that do not match the OpenAPI description */
  responseErrors: { operationId: string; errors: unknown }[];
  releases: FakeRelease[];
  issues: FakeIssue[];
  enabledWorkflows: string[];
  pulls: {
    number: number;
    head: string;
    base: string;
    title: string;
    body?: string;
    state?: 'open' | 'closed';
  }[];
  /** answer the next `times` calls of `operationId` with this instead */
  inject(operationId: string, injection: Injection, times?: number): void;
  calls(operationId: string): RecordedRequest[];
  /** enforce (or, with {}, stop enforcing) rate limits; a new primary window starts at the next request */
  setLimits(limits: FakeLimits): void;
  /** the primary window now: requests used and left, its reset (epoch seconds) */
  rateLimit(): { limit: number; used: number; remaining: number; reset: number };
  /** requests answered with a primary (403) or secondary (403/429) limit */
  limited: { primary: number; secondary: number };
  reset(): void;
  close(): Promise<void>;
}

let definitionCache: Document | undefined;

/** GitHub's description, with `nullable` removed where a schema has no `type` (Ajv throws on those). */
function loadDefinition(): Document {
  if (definitionCache) return definitionCache;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if ('nullable' in o && !('type' in o)) delete o.nullable;
      for (const v of Object.values(o)) walk(v);
    }
  };
  walk(doc);
  definitionCache = doc as Document;
  return definitionCache;
}

const now = () => new Date().toISOString();

/** The primary window and the content-creation log behind the limits. */
function rateLimiter(initial: FakeLimits) {
  let limits = initial;
  let windowStart = 0;
  let used = 0;
  const created: number[] = [];
  const limitOf = () => limits.primary?.limit ?? 5000;
  const windowMs = () => (limits.primary?.windowSeconds ?? 3600) * 1000;
  const roll = (now: number) => {
    if (!windowStart || now >= windowStart + windowMs()) {
      windowStart = now;
      used = 0;
    }
  };
  const headers = () => ({
    'x-ratelimit-limit': String(limitOf()),
    'x-ratelimit-remaining': String(Math.max(0, limitOf() - used)),
    'x-ratelimit-used': String(used),
    'x-ratelimit-reset': String(Math.ceil((windowStart + windowMs()) / 1000)),
    'x-ratelimit-resource': 'core',
  });
  return {
    set(l: FakeLimits) {
      limits = l;
      windowStart = 0;
      created.length = 0;
    },
    state() {
      roll(Date.now());
      const h = headers();
      return {
        limit: limitOf(),
        used,
        remaining: Number(h['x-ratelimit-remaining']),
        reset: Number(h['x-ratelimit-reset']),
      };
    },
    /** Count a request: its rate-limit headers, and a refusal when a limit is met. */
    take(method: string): { headers: Record<string, string>; refuse?: 'primary' | 'secondary' } {
      const now = Date.now();
      roll(now);
      if (limits.primary && used >= limitOf()) return { headers: headers(), refuse: 'primary' };
      used++;
      const sec = limits.secondary;
      if (sec && !['GET', 'HEAD', 'OPTIONS'].includes(method)) {
        const win = (sec.windowSeconds ?? 60) * 1000;
        while (created.length && created[0] <= now - win) created.shift();
        if (created.length >= sec.limit) {
          const retryAfter = Math.max(1, Math.ceil((created[0] + win - now) / 1000));
          return { headers: { ...headers(), 'retry-after': String(retryAfter) }, refuse: 'secondary' };
        }
        created.push(now);
      }
      return { headers: headers() };
    },
    secondaryStatus: () => limits.secondary?.status ?? 403,
  };
}

export async function startGitHubFake(
  opts: { owner?: string; repo?: string; limits?: FakeLimits } = {},
): Promise<FakeGitHub> {
  const limiter = rateLimiter(opts.limits ?? {});
  const owner = opts.owner ?? 'nhs-data';
  const repo = opts.repo ?? 'datawarp';
  let nextId = 1000;
  const injections = new Map<string, { inj: Injection; left: number }[]>();
  let base = '';
  const apiRepo = () => `${base}/repos/${owner}/${repo}`;
  const html = `https://github.com/${owner}/${repo}`;

  const user = {
    login: 'github-actions[bot]',
    id: 41898282,
    node_id: 'MDM6Qm90NDE4OTgyODI=',
    avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
    gravatar_id: '',
    url: `${base}/users/github-actions%5Bbot%5D`,
    html_url: 'https://github.com/apps/github-actions',
    followers_url: 'https://api.github.com/users/github-actions%5Bbot%5D/followers',
    following_url: 'https://api.github.com/users/github-actions%5Bbot%5D/following{/other_user}',
    gists_url: 'https://api.github.com/users/github-actions%5Bbot%5D/gists{/gist_id}',
    starred_url: 'https://api.github.com/users/github-actions%5Bbot%5D/starred{/owner}{/repo}',
    subscriptions_url: 'https://api.github.com/users/github-actions%5Bbot%5D/subscriptions',
    organizations_url: 'https://api.github.com/users/github-actions%5Bbot%5D/orgs',
    repos_url: 'https://api.github.com/users/github-actions%5Bbot%5D/repos',
    events_url: 'https://api.github.com/users/github-actions%5Bbot%5D/events{/privacy}',
    received_events_url: 'https://api.github.com/users/github-actions%5Bbot%5D/received_events',
    type: 'Bot',
    site_admin: false,
  };
  const assetJson = (a: FakeAsset) => ({
    url: `${apiRepo()}/releases/assets/${a.id}`,
    browser_download_url: `${html}/releases/download/x/${a.name}`,
    id: a.id,
    node_id: `RA_${a.id}`,
    name: a.name,
    label: a.label,
    state: 'uploaded',
    content_type: 'application/octet-stream',
    size: a.size,
    digest: null,
    download_count: 0,
    created_at: now(),
    updated_at: now(),
    uploader: user,
  });
  const releaseJson = (r: FakeRelease) => ({
    url: `${apiRepo()}/releases/${r.id}`,
    html_url: `${html}/releases/tag/${r.tag_name}`,
    assets_url: `${apiRepo()}/releases/${r.id}/assets`,
    upload_url: `${apiRepo()}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${apiRepo()}/tarball/${r.tag_name}`,
    zipball_url: `${apiRepo()}/zipball/${r.tag_name}`,
    id: r.id,
    node_id: `RE_${r.id}`,
    tag_name: r.tag_name,
    target_commitish: 'main',
    name: r.name,
    body: r.body,
    draft: false,
    prerelease: false,
    immutable: false,
    created_at: now(),
    published_at: now(),
    updated_at: now(),
    author: user,
    assets: r.assets.map(assetJson),
  });
  const labelJson = (name: string) => ({
    id: 1,
    node_id: 'LA_1',
    url: `${apiRepo()}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  });
  const issueJson = (i: FakeIssue) => ({
    id: i.number,
    node_id: `I_${i.number}`,
    url: `${apiRepo()}/issues/${i.number}`,
    repository_url: apiRepo(),
    labels_url: `${apiRepo()}/issues/${i.number}/labels{/name}`,
    comments_url: `${apiRepo()}/issues/${i.number}/comments`,
    events_url: `${apiRepo()}/issues/${i.number}/events`,
    html_url: `${html}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    ...(i.state === 'closed' ? { state_reason: 'completed' } : {}),
    title: i.title,
    body: i.body,
    user,
    labels: i.labels.map(labelJson),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: i.comments.length,
    closed_at: i.state === 'closed' ? now() : null,
    created_at: now(),
    updated_at: now(),
    author_association: 'NONE',
    ...(i.pull_request ? { pull_request: { url: '', html_url: '', diff_url: '', patch_url: '' } } : {}),
  });
  const pullJson = (p: FakeGitHub['pulls'][number]) => ({
    number: p.number,
    html_url: `${html}/pull/${p.number}`,
    state: p.state ?? 'open',
    title: p.title,
    body: p.body ?? null,
    head: { ref: p.head },
    base: { ref: p.base },
  });
  const commentJson = (i: FakeIssue, c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${apiRepo()}/issues/comments/${c.id}`,
    html_url: `${html}/issues/${i.number}#issuecomment-${c.id}`,
    issue_url: `${apiRepo()}/issues/${i.number}`,
    body: c.body,
    user,
    created_at: now(),
    updated_at: now(),
    author_association: 'NONE',
  });

  const notFound = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };
  /** `raw`: bytes sent as application/octet-stream (an asset download) instead of the JSON `body` */
  type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: Buffer };
  const params = (c: Context) => c.request.params as Record<string, string>;
  const releaseById = (id: string | number) => fake.releases.find((r) => r.id === Number(id));
  const issueByNumber = (n: string | number) => fake.issues.find((i) => i.number === Number(n));

  const handlers: Record<string, (c: Context, raw: Buffer) => Reply> = {
    'repos/list-releases': (c) => {
      const q = c.request.query as Record<string, string>;
      const per = Number(q.per_page ?? 30);
      const page = Number(q.page ?? 1);
      const headers: Record<string, string> = {};
      if (page * per < fake.releases.length)
        headers.link = `<${apiRepo()}/releases?per_page=${per}&page=${page + 1}>; rel="next"`;
      return {
        status: 200,
        body: fake.releases.slice((page - 1) * per, page * per).map(releaseJson),
        headers,
      };
    },
    'repos/get-release-asset': (c) => {
      const a = fake.releases.flatMap((r) => r.assets).find((x) => x.id === Number(params(c).asset_id));
      if (!a) return { status: 404, body: notFound };
      // GitHub answers Accept: application/octet-stream with the bytes (after a redirect to storage)
      if (String(c.request.headers.accept ?? '').includes('application/octet-stream'))
        return { status: 200, raw: a.data };
      return { status: 200, body: assetJson(a) };
    },
    'repos/get-release-by-tag': (c) => {
      const r = fake.releases.find((x) => x.tag_name === params(c).tag);
      return r ? { status: 200, body: releaseJson(r) } : { status: 404, body: notFound };
    },
    'repos/create-release': (c) => {
      const b = c.request.requestBody as { tag_name: string; name?: string; body?: string };
      if (fake.releases.some((x) => x.tag_name === b.tag_name))
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
            documentation_url: 'https://docs.github.com/rest/releases/releases#create-a-release',
          },
        };
      const r: FakeRelease = {
        id: nextId++,
        tag_name: b.tag_name,
        name: b.name ?? b.tag_name,
        body: b.body ?? '',
        assets: [],
      };
      fake.releases.push(r);
      return { status: 201, body: releaseJson(r) };
    },
    'repos/list-release-assets': (c) => {
      const r = releaseById(params(c).release_id);
      if (!r) return { status: 404, body: notFound };
      const q = c.request.query as Record<string, string>;
      const per = Number(q.per_page ?? 30);
      const page = Number(q.page ?? 1);
      const slice = r.assets.slice((page - 1) * per, page * per);
      const headers: Record<string, string> = {};
      if (page * per < r.assets.length)
        headers.link = `<${apiRepo()}/releases/${r.id}/assets?per_page=${per}&page=${page + 1}>; rel="next"`;
      return { status: 200, body: slice.map(assetJson), headers };
    },
    'repos/upload-release-asset': (c, raw) => {
      const r = releaseById(params(c).release_id);
      if (!r) return { status: 404, body: notFound };
      const q = c.request.query as Record<string, string>;
      if (r.assets.some((a) => a.name === q.name))
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            request_id: 'fake',
            documentation_url: 'https://docs.github.com/rest',
            errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
          },
        };
      const a: FakeAsset = {
        id: nextId++,
        name: q.name,
        label: q.label ?? null,
        size: raw.length,
        data: raw,
      };
      r.assets.push(a);
      return { status: 201, body: assetJson(a) };
    },
    'repos/update-release-asset': (c) => {
      const b = (c.request.requestBody ?? {}) as { name?: string; label?: string };
      for (const r of fake.releases) {
        const a = r.assets.find((x) => x.id === Number(params(c).asset_id));
        if (!a) continue;
        if (b.name !== undefined && r.assets.some((x) => x !== a && x.name === b.name))
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              documentation_url: 'https://docs.github.com/rest',
              errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
            },
          };
        if (b.name !== undefined) a.name = b.name;
        if (b.label !== undefined) a.label = b.label;
        return { status: 200, body: assetJson(a) };
      }
      return { status: 404, body: notFound };
    },
    'repos/delete-release-asset': (c) => {
      for (const r of fake.releases) {
        const i = r.assets.findIndex((a) => a.id === Number(params(c).asset_id));
        if (i >= 0) {
          r.assets.splice(i, 1);
          return { status: 204 };
        }
      }
      return { status: 404, body: notFound };
    },
    'issues/list-for-repo': (c) => {
      const q = c.request.query as Record<string, string>;
      const labels = (q.labels ?? '').split(',').filter(Boolean);
      const state = q.state ?? 'open';
      const all = fake.issues
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => state === 'all' || i.state === state)
        .sort((a, b) => b.number - a.number);
      const per = Number(q.per_page ?? 30);
      const page = Number(q.page ?? 1);
      const headers: Record<string, string> = {};
      if (page * per < all.length)
        headers.link = `<${apiRepo()}/issues?labels=${encodeURIComponent(q.labels ?? '')}&state=${state}&per_page=${per}&page=${page + 1}>; rel="next"`;
      return { status: 200, body: all.slice((page - 1) * per, page * per).map(issueJson), headers };
    },
    'issues/create': (c) => {
      const b = c.request.requestBody as {
        title: string;
        body?: string;
        labels?: (string | { name: string })[];
      };
      const i: FakeIssue = {
        number: fake.issues.length + fake.pulls.length + 1,
        title: String(b.title),
        body: b.body ?? '',
        state: 'open',
        labels: (b.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name)),
        comments: [],
      };
      fake.issues.push(i);
      return { status: 201, body: issueJson(i) };
    },
    'issues/update': (c) => {
      const i = issueByNumber(params(c).issue_number);
      if (!i) return { status: 404, body: notFound };
      const b = c.request.requestBody as Partial<{ state: 'open' | 'closed'; body: string; title: string }>;
      if (b.state) i.state = b.state;
      if (b.body !== undefined) i.body = b.body;
      if (b.title !== undefined) i.title = b.title;
      return { status: 200, body: issueJson(i) };
    },
    'issues/create-comment': (c) => {
      const i = issueByNumber(params(c).issue_number);
      if (!i) return { status: 404, body: notFound };
      const cm = { id: nextId++, body: String((c.request.requestBody as { body: string }).body) };
      i.comments.push(cm);
      return { status: 201, body: commentJson(i, cm) };
    },
    'issues/list-comments': (c) => {
      const i = issueByNumber(params(c).issue_number);
      if (!i) return { status: 404, body: notFound };
      return { status: 200, body: i.comments.map((cm) => commentJson(i, cm)) };
    },
    'issues/update-comment': (c) => {
      for (const i of fake.issues) {
        const cm = i.comments.find((x) => x.id === Number(params(c).comment_id));
        if (cm) {
          cm.body = String((c.request.requestBody as { body: string }).body);
          return { status: 200, body: commentJson(i, cm) };
        }
      }
      return { status: 404, body: notFound };
    },
    'actions/enable-workflow': (c) => {
      fake.enabledWorkflows.push(String(params(c).workflow_id));
      return { status: 204 };
    },
    // pull requests: kept in `pulls` (a minimal body: not checked against the description's full schema)
    'pulls/list': (c) => {
      const q = c.request.query as Record<string, string>;
      const head = (q.head ?? '').split(':').pop();
      const list = fake.pulls.filter(
        (p) =>
          (!head || p.head === head) &&
          (!q.base || p.base === q.base) &&
          ((q.state ?? 'open') === 'all' || (p.state ?? 'open') === (q.state ?? 'open')),
      );
      return { status: 200, body: list.map(pullJson) };
    },
    'pulls/create': (c) => {
      const b = c.request.requestBody as { head: string; base: string; title: string; body?: string };
      const pr = {
        number: fake.issues.length + fake.pulls.length + 1,
        head: b.head,
        base: b.base,
        title: b.title,
        body: b.body,
        state: 'open' as const,
      };
      fake.pulls.push(pr);
      return { status: 201, body: pullJson(pr) };
    },
    'pulls/update': (c) => {
      const pr = fake.pulls.find((p) => p.number === Number(params(c).pull_number));
      if (!pr) return { status: 404, body: notFound };
      Object.assign(pr, c.request.requestBody as object);
      return { status: 200, body: pullJson(pr) };
    },
  };

  const api = new OpenAPIBackend({
    definition: loadDefinition(),
    quick: true,
    validate: true,
    strict: false,
    ajvOpts: { logger: false, validateFormats: false } as never,
  });
  api.register({
    validationFail: (c: Context) => {
      fake.invalid.push({ method: c.request.method, path: c.request.path, errors: c.validation.errors });
      return {
        status: 422,
        body: {
          message: 'Invalid request',
          errors: c.validation.errors,
          documentation_url: 'https://docs.github.com/rest',
        },
      };
    },
    notFound: () => ({ status: 404, body: notFound }),
    notImplemented: (c: Context) => ({
      status: 501,
      body: { message: `the fake does not implement ${c.operation?.operationId}`, documentation_url: '' },
    }),
  });
  for (const [op, fn] of Object.entries(handlers)) {
    api.register(op, (c: Context, raw: Buffer) => {
      const list = injections.get(op);
      const inj = list?.[0];
      if (inj) {
        if (--inj.left <= 0) list!.shift();
        inj.inj.before?.(fake, c);
        return { status: inj.inj.status, body: inj.inj.body, headers: inj.inj.headers };
      }
      const reply = fn(c, raw);
      if (reply.status < 300 && reply.body !== undefined && !reply.raw) {
        const v = api.validateResponse(reply.body, c.operation!, reply.status);
        if (v.errors?.length) fake.responseErrors.push({ operationId: op, errors: v.errors });
      }
      return reply;
    });
  }
  await api.init();

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const ch of req) chunks.push(ch as Buffer);
    const raw = Buffer.concat(chunks);
    const u = new URL(req.url ?? '/', base);
    const type = String(req.headers['content-type'] ?? '');
    let body: unknown = undefined;
    if (raw.length && type.includes('json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    } else if (raw.length) body = 'binary';
    let reply: Reply;
    let operationId: string | undefined;
    const counted = limiter.take(req.method ?? 'GET');
    try {
      if (counted.refuse) {
        fake.limited[counted.refuse]++;
        const op = api.matchOperation({
          method: req.method ?? 'GET',
          path: u.pathname,
          headers: {},
        } as never);
        operationId = op?.operationId;
        throw counted.refuse;
      }
      const op = api.matchOperation({ method: req.method ?? 'GET', path: u.pathname, headers: {} } as never);
      operationId = op?.operationId;
      reply = (await api.handleRequest(
        {
          method: req.method ?? 'GET',
          path: u.pathname,
          query: Object.fromEntries(u.searchParams),
          headers: req.headers as Record<string, string>,
          body,
        },
        raw,
      )) as Reply;
    } catch (e) {
      if (e === 'primary')
        reply = { status: 403, body: PRIMARY_LIMIT_BODY(), headers: { 'x-ratelimit-remaining': '0' } };
      else if (e === 'secondary') reply = { status: limiter.secondaryStatus(), body: SECONDARY_LIMIT_BODY };
      else reply = { status: 500, body: { message: String(e) } };
    }
    reply.headers = { ...counted.headers, ...(reply.headers ?? {}) };
    fake.requests.push({
      method: req.method ?? 'GET',
      path: u.pathname + u.search,
      operationId,
      status: reply.status,
      body,
    });
    if (reply.raw) {
      res.writeHead(reply.status, { 'content-type': 'application/octet-stream', ...(reply.headers ?? {}) });
      res.end(reply.raw);
      return;
    }
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      ...(reply.headers ?? {}),
    });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  user.url = `${base}/users/github-actions%5Bbot%5D`;

  const fake: FakeGitHub = {
    url: base,
    owner,
    repo,
    requests: [],
    invalid: [],
    responseErrors: [],
    releases: [],
    issues: [],
    enabledWorkflows: [],
    pulls: [],
    inject(operationId, injection, times = 1) {
      const list = injections.get(operationId) ?? [];
      list.push({ inj: injection, left: times });
      injections.set(operationId, list);
    },
    calls(operationId) {
      return fake.requests.filter((r) => r.operationId === operationId);
    },
    setLimits: (l) => limiter.set(l),
    rateLimit: () => limiter.state(),
    limited: { primary: 0, secondary: 0 },
    reset() {
      fake.limited.primary = 0;
      fake.limited.secondary = 0;
      fake.requests.length = 0;
      fake.invalid.length = 0;
      fake.responseErrors.length = 0;
      fake.releases.length = 0;
      fake.issues.length = 0;
      fake.enabledWorkflows.length = 0;
      fake.pulls.length = 0;
      injections.clear();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return fake;
}
