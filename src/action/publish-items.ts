// Release layout `item`: one asset per (publication, period), a zip `<pub>-<period>.zip` holding each table's
// Parquet as `<table>.parquet` (src/action/item-zip.ts), so a first backfill makes one content-creating request
// per item instead of one per table (GitHub allows 500 an hour). A re-upload replaces the whole zip, so a table
// the item did not export this time (a revision that changed another file, a file refused for holding fewer rows
// than the ledger) is carried over from the released zip. A new version n > 1 keeps the zip it replaces as
// `<pub>-<period>__v<n-1>.zip`; a table it no longer has stays only there.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { periodStart } from '../config/index.js';
import {
  assetName,
  isVersionAssetName,
  itemAssetName,
  itemVersionAssetName,
  memberName,
  versionAssetName,
} from '../github/release-names.js';
import type { ItemOutcome } from '../pipeline/backfill.js';
import { zipMembers } from '../restore/zip-members.js';
import { writeItemZip } from './item-zip.js';
import {
  knownReleaseOf,
  placementKey,
  retire,
  spread,
  type ItemFile,
  type ItemUpload,
  type MemberFile,
  type Run,
} from './publish-run.js';

const yearOf = (period: string) => periodStart(period).slice(0, 4);

/** One zip of the item: its name, period, members and the name the asset it replaces is kept under. */
interface ZipPlan {
  name: string;
  period: string;
  members: MemberFile[];
  keepPreviousAs?: string;
}

/** Members of the released zip `name` of `period` that this upload must carry over: written into `dir`. */
async function carryOver(
  s: Run,
  pub: string,
  period: string,
  name: string,
  tables: string[],
  dir: string,
): Promise<MemberFile[]> {
  if (!tables.length) return [];
  const rel = await knownReleaseOf(s, pub, yearOf(period), name);
  const old = (await s.releaser.listAssets(rel)).find((a) => a.name === name);
  const bytes = old && s.releaser.downloadAsset ? await s.releaser.downloadAsset(old.id) : undefined;
  const members = bytes ? await zipMembers(bytes) : [];
  const out: MemberFile[] = [];
  mkdirSync(dir, { recursive: true });
  for (const table of tables) {
    const m = members.find((x) => x.name === memberName(table));
    if (!m) {
      s.opts.log.warning(
        `${rel.tag}/${name}: no member ${memberName(table)} to carry over; ${table} leaves it`,
      );
      s.removed.set(placementKey(name, table), { table, period, name });
      continue;
    }
    const path = join(dir, memberName(table));
    writeFileSync(path, await m.read());
    out.push({ table, member: m.name, path });
  }
  return out;
}

/** The current zip of one period: the fresh files, and the released zip's other tables carried over. */
async function currentZip(
  s: Run,
  o: ItemOutcome,
  period: string,
  files: ItemFile[],
  v: number | undefined,
  dir: string,
): Promise<ZipPlan | undefined> {
  const name = itemAssetName(o.pub, period);
  const fresh = files.filter(
    (f) => f.ledgerRows === undefined || f.rows === undefined || f.rows >= f.ledgerRows,
  );
  const known = new Set((s.opts.knownMembers?.(name) ?? []).map((m) => m.table));
  for (const f of files.filter((x) => !fresh.includes(x))) {
    const reason = `the file holds ${f.rows} rows but the ledger records ${f.ledgerRows}`;
    const kept = known.has(f.table) ? '; the released member is kept' : '; left out of the zip';
    s.refused.push(`${name}/${memberName(f.table)}: ${reason}${kept}`);
    s.opts.log.warning(`${name}/${memberName(f.table)} not zipped: ${reason}${kept}`);
  }
  // a table a new version no longer has is not carried over: it stays in the kept zip only
  const exported = new Set(files.map((f) => f.table));
  const retired = new Set(
    period === o.period && v
      ? (o.version?.diff ?? []).map((d) => d.table).filter((t) => !exported.has(t))
      : [],
  );
  for (const t of retired) s.removed.set(placementKey(name, t), { table: t, period, name });
  if (!fresh.length && !retired.size) return undefined;
  const have = new Set(fresh.map((f) => f.table));
  const carry = [...known].filter((t) => !have.has(t) && !retired.has(t));
  const members = [
    ...fresh.map((f) => ({ table: f.table, member: memberName(f.table), path: f.path })),
    ...(await carryOver(s, o.pub, period, name, carry, join(dir, `carry-${period}`))),
  ].sort((a, b) => a.member.localeCompare(b.member));
  if (!members.length) return undefined;
  const keep = period === o.period && v ? { keepPreviousAs: itemVersionAssetName(o.pub, period, v - 1) } : {};
  return { name, period, members, ...keep };
}

/** The zips of an item: earlier versions' Parquet (kept beside), then the current zip of each period. */
async function zipPlans(s: Run, o: ItemOutcome, files: ItemFile[], v: number | undefined, dir: string) {
  const plans: ZipPlan[] = [];
  const earlier = new Map<string, ZipPlan>();
  for (const f of (o.exported ?? []).filter((x) => x.version)) {
    const name = itemVersionAssetName(o.pub, f.period, f.version!);
    const p = earlier.get(name) ?? { name, period: f.period, members: [] };
    p.members.push({ table: f.table, member: memberName(f.table), path: f.path });
    earlier.set(name, p);
  }
  plans.push(...earlier.values());
  const current = files.filter((f) => f.name === assetName(f.table, f.period));
  const periods = new Set([o.period, ...current.map((f) => f.period)]);
  for (const period of periods) {
    const p = await currentZip(
      s,
      o,
      period,
      current.filter((f) => f.period === period),
      v,
      dir,
    );
    if (p) plans.push(p);
  }
  return plans;
}

/** Write each planned zip into `dir`: the files to upload. */
async function writeZips(plans: ZipPlan[], dir: string): Promise<ItemFile[]> {
  const out: ItemFile[] = [];
  for (const p of plans) {
    const path = join(dir, p.name);
    await writeItemZip(
      path,
      p.members.map((m) => ({ name: m.member, path: m.path })),
    );
    out.push({
      name: p.name,
      path,
      table: p.members[0]!.table,
      period: p.period,
      members: p.members,
      ...(p.keepPreviousAs ? { keepPreviousAs: p.keepPreviousAs } : {}),
    });
  }
  return out;
}

/**
 * A repository that switched from layout `table`: the per-table assets of the tables a current zip now holds are
 * kept as the version before (a new version) or deleted, so no (table, period) has two current assets.
 */
async function retireTableAssets(s: Run, o: ItemOutcome, zips: ItemFile[], v: number | undefined) {
  for (const z of zips.filter((x) => !isVersionAssetName(x.name)))
    for (const m of z.members ?? [])
      if (s.opts.knownAsset?.(assetName(m.table, z.period))) {
        const to = v && z.period === o.period ? versionAssetName(m.table, z.period, v - 1) : undefined;
        await retire(s, o.pub, yearOf(z.period), m.table, z.period, to);
      }
}

/**
 * Upload a processed item as zips (layout `item`): `files` are its exported Parquet files as the table layout
 * names them (their ledger counts checked). One upload per zip; the zips are written to a temp folder and removed.
 */
export async function uploadItemZips(
  s: Run,
  o: ItemOutcome,
  files: ItemFile[],
  v: number | undefined,
): Promise<ItemUpload> {
  const dir = mkdtempSync(join(tmpdir(), 'datawarp-item-'));
  let zips: ItemFile[] = [];
  try {
    zips = await writeZips(await zipPlans(s, o, files, v, dir), dir);
    const years = new Map<string, ItemFile[]>();
    for (const z of zips) years.set(yearOf(z.period), [...(years.get(yearOf(z.period)) ?? []), z]);
    for (const [y, list] of years) await spread(s, o.pub, y, list);
    await retireTableAssets(s, o, zips, v);
  } catch (e) {
    const error = (e as Error).message;
    s.opts.log.warning(`uploading the Parquet zip of ${o.key} failed: ${error}; the item stays pending`);
    return { files: Math.max(1, zips.length), error };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { files: zips.length };
}
