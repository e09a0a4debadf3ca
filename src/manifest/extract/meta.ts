// Title blocks: `Key:` metadata, titles and notes.
import type { MetaEntry } from './detect.js';
import { serialToIso } from './types.js';

const DATE_KEY = /publish|revis|date|updated|period/i;

export function metaKey(key: string): string {
  return (
    key
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'value'
  );
}

/** Key/value record; Excel serial dates in date-like keys become ISO dates. */
export function metaRecord(entries: MetaEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    let v = e.value;
    if (DATE_KEY.test(e.key)) v = v.replace(/\b([2-6]\d{4})(\.\d+)?\b/g, (m, d) => serialToIso(+d) ?? m);
    const k = metaKey(e.key);
    if (v || !(k in out)) out[k] = v;
  }
  return out;
}

const NOT_TITLE =
  /^(notes?\b|return to contents|contents$|back to contents|source\b|copyright|©|this worksheet|figures may|please note)/i;

/** Pick a title among the text lines above a table; the rest are notes. */
export function splitTitle(lines: string[]): { title?: string; notes: string[] } {
  let idx = lines.findIndex((l) => /^table\s*[a-z0-9.]+\s*[:.\-–—]/i.test(l));
  if (idx < 0) {
    for (let k = 0; k < lines.length; k++) {
      if (
        lines[k].length <= 200 &&
        !NOT_TITLE.test(lines[k]) &&
        /[A-Za-z]{3}/.test(lines[k]) &&
        !/^([czx]|\W)\s/.test(lines[k])
      ) {
        idx = k;
        break;
      }
    }
  }
  const notes = lines.filter((l, k) => k !== idx && !/^(return to contents|contents)$/i.test(l));
  return { title: idx >= 0 ? lines[idx] : undefined, notes };
}
