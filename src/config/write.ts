// Adding release URLs to publications.yaml without disturbing it. Where a publication has a block list
// `urls:`, the new entries are inserted as text lines in period order, in the list's own indentation: no other
// line changes (comments, quoting, spacing before a comment all kept). A publication without such a list
// (`urls: []` or no `urls`) is edited through the `yaml` Document API, which keeps comments, key order and
// quoting but may re-space that document. Work is linear in the entries (a binary search per addition).
import { isMap, isSeq, parseDocument, stringify, YAMLMap, YAMLSeq, type Document } from 'yaml';
import { parsePeriod, periodStart, type Frequency } from './periods.js';

export interface UrlAddition {
  pub: string;
  /** canonical period */
  period: string;
  url: string;
}

const scalar = (v: string) => stringify(v, { lineWidth: 0 }).trimEnd();

/** The config text with `additions` added (the text itself when there is nothing to add). */
export function addUrls(text: string, additions: UrlAddition[]): string {
  if (!additions.length) return text;
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) throw new Error(`cannot edit the config: ${doc.errors[0].message.split('\n')[0]}`);
  const pubs = doc.get('publications');
  if (!isMap(pubs)) throw new Error('cannot edit the config: it has no `publications:` mapping');
  const byPub = new Map<string, UrlAddition[]>();
  for (const a of additions) byPub.set(a.pub, [...(byPub.get(a.pub) ?? []), a]);
  const inserts: Insert[] = [];
  const viaDocument: UrlAddition[] = [];
  for (const [code, adds] of byPub) {
    const pub = pubs.get(code);
    if (!isMap(pub)) throw new Error(`cannot edit the config: no publication ${code}`);
    const urls = pub.get('urls');
    if (isSeq(urls) && !urls.flow && urls.items.length && urls.items.every((n) => isMap(n) && n.range))
      inserts.push(...textInserts(text, urls, String(pub.get('frequency') ?? '') as Frequency, adds));
    else if (isSeq(urls) && urls.flow && !urls.items.length && urls.range) {
      // `urls: []` becomes a block list in place
      const keyAt = (
        pub.items.find((x) => (x.key as { value?: unknown })?.value === 'urls')?.key as {
          range?: number[];
        }
      )?.range?.[0];
      const col = keyAt === undefined ? 4 : keyAt - lineStart(text, keyAt);
      const pad = ' '.repeat(col + 2);
      const lines = [...adds]
        .sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)))
        .map((a) => `\n${pad}- period: ${scalar(a.period)}\n${pad}  url: ${scalar(a.url)}`);
      let at = urls.range[0];
      while (text[at - 1] === ' ') at--;
      inserts.push({ at, text: lines.join(''), cut: urls.range[1] - at });
    } else viaDocument.push(...adds);
  }
  const edited = applyInserts(text, inserts);
  if (!viaDocument.length) return edited;
  const doc2 = inserts.length ? parseDocument(edited, { keepSourceTokens: false }) : doc;
  return addViaDocument(doc2, doc2.get('publications') as YAMLMap, viaDocument);
}

/** Text put in at an offset (replacing `cut` characters there). */
interface Insert {
  at: number;
  text: string;
  cut?: number;
}

function applyInserts(text: string, inserts: Insert[]): string {
  let out = '';
  let from = 0;
  for (const ins of [...inserts].sort((a, b) => a.at - b.at)) {
    out += text.slice(from, ins.at) + ins.text;
    from = ins.at + (ins.cut ?? 0);
  }
  return out + text.slice(from);
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;

function textInserts(
  text: string,
  seq: YAMLSeq,
  frequency: Frequency,
  adds: UrlAddition[],
): { at: number; text: string }[] {
  const items = seq.items as YAMLMap[];
  // the running maximum of the written periods: "the first entry later than p" is a binary search on it
  let max = '';
  const runningMax = items.map((node) => {
    const written = node.get('period');
    const p = written === undefined ? undefined : parsePeriod(String(written), frequency).period;
    if (p !== undefined && periodStart(p) > max) max = periodStart(p);
    return max;
  });
  const first = items[0].range![0];
  const dash = text.slice(lineStart(text, first), first); // "      - "
  const indent = ' '.repeat(dash.length);
  const lastEnd = items.at(-1)!.range![1];
  const nl = text.indexOf('\n', Math.max(lastEnd - 1, 0));
  const end = nl < 0 ? text.length : nl + 1;
  const endText = nl < 0 ? '\n' : '';
  const out: { at: number; text: string }[] = [];
  const sorted = [...adds].sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)));
  for (const a of sorted) {
    const s = periodStart(a.period);
    let lo = 0;
    let hi = runningMax.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runningMax[mid] > s) hi = mid;
      else lo = mid + 1;
    }
    const entry = `${dash}period: ${scalar(a.period)}\n${indent}url: ${scalar(a.url)}\n`;
    if (lo < items.length) out.push({ at: lineStart(text, items[lo].range![0]), text: entry });
    else out.push({ at: end, text: (out.some((o) => o.at === end) ? '' : endText) + entry });
  }
  return out;
}

function addViaDocument(doc: Document, pubs: YAMLMap, additions: UrlAddition[]): string {
  for (const a of additions) {
    const pub = pubs.get(a.pub) as YAMLMap;
    const frequency = String(pub.get('frequency') ?? '') as Frequency;
    let urls = pub.get('urls');
    if (!isSeq(urls)) {
      urls = new YAMLSeq();
      pub.set('urls', urls);
    }
    const seq = urls as YAMLSeq;
    const item = doc.createNode({ period: a.period, url: a.url }) as YAMLMap;
    const start = periodStart(a.period);
    const at = seq.items.findIndex((node) => {
      const written = isMap(node) ? node.get('period') : undefined;
      const p = written === undefined ? undefined : parsePeriod(String(written), frequency).period;
      return p !== undefined && periodStart(p) > start;
    });
    if (at < 0) seq.items.push(item);
    else seq.items.splice(at, 0, item);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
