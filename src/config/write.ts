// Adding release URLs to publications.yaml without disturbing it: the `yaml` Document API keeps comments,
// key order, quoting and blank lines; new entries go in period order within their publication's `urls`.
import { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { parsePeriod, periodStart, type Frequency } from './periods.js';

export interface UrlAddition {
  pub: string;
  /** canonical period */
  period: string;
  url: string;
}

/** The config text with `additions` added (the text itself when there is nothing to add). */
export function addUrls(text: string, additions: UrlAddition[]): string {
  if (!additions.length) return text;
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) throw new Error(`cannot edit the config: ${doc.errors[0].message.split('\n')[0]}`);
  const pubs = doc.get('publications');
  if (!isMap(pubs)) throw new Error('cannot edit the config: it has no `publications:` mapping');
  for (const a of additions) {
    const pub = pubs.get(a.pub);
    if (!isMap(pub)) throw new Error(`cannot edit the config: no publication ${a.pub}`);
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
