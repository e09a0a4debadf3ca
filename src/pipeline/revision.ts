// Which files make an item's next version (pure: the item's current files from the ledger, the files found now).
// Files whose bytes are unchanged keep their rows; a `-revised`/`REVISED`/`v2` twin replaces the file whose link
// title or file name (less the revision tokens) it matches, else it is a new file of the period; the same bytes
// at a new URL are not loaded again; a current file no longer present is removed.
import { basename } from 'node:path';

export interface FileAt {
  url: string;
  sha256: string;
  /** link title (from the manifest of the current version, for current files) */
  title?: string;
}

export interface RevisionPlan {
  /** URL of a file to load -> the current files it replaces (their rows go to history in its transaction) */
  supersede: Map<string, { fileUrl: string; sha256: string }[]>;
  /** files found but not loaded, with why */
  skipped: { url: string; reason: string }[];
  /** current files that nothing of the new version keeps or replaces */
  removed: { fileUrl: string; sha256: string }[];
  /** the new set of files differs from the current one */
  changes: boolean;
}

const SEP = String.raw`[\s_.\-()[\],]`;
const TOKEN = new RegExp(
  String.raw`(^|${SEP}+)(revised|revision|rev|updated|corrected|amended|v(\d{1,2}))(?=$|${SEP})`,
  'gi',
);
const EXT = /\.(xlsx|xlsm|xls|csv|zip|ods)$/i;

/** A name or title less its revision tokens, and how revised it says it is (`v3` counts 2, `revised` 1). */
export function revisionStem(text: string): { stem: string; rank: number } {
  let rank = 0;
  const stem = text
    .toLowerCase()
    .replace(TOKEN, (_m, _sep, _t, n: string | undefined) => {
      rank += n ? Math.max(Number(n) - 1, 0) : 1;
      return ' ';
    })
    .replace(new RegExp(`${SEP}+`, 'g'), ' ')
    .trim();
  return { stem, rank };
}

function fileName(url: string): string {
  try {
    return decodeURIComponent(basename(new URL(url).pathname));
  } catch {
    return basename(url);
  }
}

interface Keyed extends FileAt {
  name: string;
  title: string;
  rank: number;
}

function keyed(f: FileAt): Keyed {
  const file = fileName(f.url);
  const ext = (EXT.exec(file)?.[1] ?? '').toLowerCase();
  const n = revisionStem(file.replace(EXT, ''));
  const t = f.title ? revisionStem(f.title) : undefined;
  return {
    ...f,
    name: `${ext}:${n.stem}`,
    title: t?.stem ? `${ext}:${t.stem}` : '',
    rank: Math.max(n.rank, t?.rank ?? 0),
  };
}

const twins = (a: Keyed, b: Keyed) => a.name === b.name || (a.title !== '' && a.title === b.title);

export function planRevision(current: FileAt[], found: FileAt[]): RevisionPlan {
  const cur = current.map(keyed);
  const all = found.map(keyed);
  const plan: RevisionPlan = { supersede: new Map(), skipped: [], removed: [], changes: false };
  const kept = new Set<Keyed>();
  const load: Keyed[] = [];
  for (const f of all) {
    const newer = all.find((g) => g !== f && g.rank > f.rank && twins(f, g));
    if (newer) {
      plan.skipped.push({ url: f.url, reason: `replaced by its revision ${fileName(newer.url)}` });
      continue;
    }
    const sameBytes = cur.find((c) => c.sha256 === f.sha256);
    if (sameBytes && sameBytes.url !== f.url) {
      plan.skipped.push({ url: f.url, reason: `the same bytes as ${sameBytes.url}, already loaded` });
      kept.add(sameBytes);
      continue;
    }
    load.push(f);
  }
  for (const c of cur) {
    if (kept.has(c)) continue;
    if (load.some((f) => f.url === c.url)) {
      if (!load.some((f) => f.url === c.url && f.sha256 === c.sha256)) plan.changes = true;
      continue; // same URL: unchanged bytes keep their rows; new bytes replace them in the file's transaction
    }
    const twin = load.find((f) => twins(f, c) && !cur.some((x) => x.url === f.url));
    const ref = { fileUrl: c.url, sha256: c.sha256 };
    if (twin) plan.supersede.set(twin.url, [...(plan.supersede.get(twin.url) ?? []), ref]);
    else plan.removed.push(ref);
    plan.changes = true;
  }
  if (load.some((f) => !cur.some((c) => c.url === f.url))) plan.changes = true;
  return plan;
}
