// The catalog's text (src/export/catalog-format.ts): asset download URLs of the form <asset_base>/<release>/<name>
// are left out of the text and put back when it is read; any other URL stays in the text; nothing is lost.
import { describe, expect, it } from 'vitest';
import { parseCatalog, serializeCatalog, type Catalog, type CatalogTable } from '../src/export/index.js';
import { tablesOf } from './support/catalogue.js';

const BASE = 'https://github.com/nhs-data/datawarp/releases/download';

function catalog(tables: CatalogTable[]): Catalog {
  return { generated_at: '2026-12-06T00:00:00.000Z', tables };
}

describe('catalog text', () => {
  it('leaves out the URLs the asset base gives and puts them back when read', () => {
    const c = catalog(tablesOf('pub_a', ['2024-01', '2024-02']));
    for (const t of c.tables) for (const a of t.assets!) a.url = `${BASE}/${a.release}/${a.name}`;
    const text = serializeCatalog(c);
    expect(text).not.toContain('releases/download/datawarp-');
    expect(text.split('\n')[0]).toBe(
      `{"generated_at":"2026-12-06T00:00:00.000Z","asset_base":"${BASE}","tables":[`,
    );
    // one table a line, as before
    expect(text.split('\n').length).toBe(c.tables.length + 3);
    const back = parseCatalog(text);
    expect(back).toEqual(c);
    expect(back).not.toHaveProperty('asset_base');
    // and the text of what was read is the same text
    expect(serializeCatalog(back)).toBe(text);
  });

  it('keeps a URL that is not <asset_base>/<release>/<name>, and the caller’s catalog is not changed', () => {
    const c = catalog(tablesOf('pub_b', ['2024-01', '2024-02', '2024-03']));
    const assets = c.tables[0].assets!;
    for (const t of c.tables) for (const a of t.assets!) a.url = `${BASE}/${a.release}/${a.name}`;
    assets[1].url = `https://github.com/someone/else/releases/download/${assets[1].release}/${assets[1].name}`;
    assets[2].url = `${BASE}/${assets[2].release}/${assets[2].name}?x=1`;
    const before = structuredClone(c);
    const text = serializeCatalog(c);
    expect(c).toEqual(before);
    expect(text).toContain('someone/else');
    expect(text).toContain('?x=1');
    expect(parseCatalog(text)).toEqual(c);
  });

  it('an asset without a URL (a hand-edited file) does not stop the write', () => {
    const c = catalog(tablesOf('pub_d', ['2024-01', '2024-02']));
    const [a, b] = c.tables[0].assets!;
    delete (a as { url?: string }).url;
    b.url = `${BASE}/${b.release}/${b.name}`;
    const back = parseCatalog(serializeCatalog(c));
    expect(back.tables[0].assets![1].url).toBe(b.url);
  });

  it('without GitHub assets the text is as before (no asset_base)', () => {
    const c = catalog(tablesOf('pub_c', ['2024-01']).map(({ assets: _a, ...t }) => t));
    const text = serializeCatalog(c);
    expect(text).not.toContain('asset_base');
    expect(parseCatalog(text)).toEqual(c);
  });

  it('at catalogue scale the text is a quarter smaller', () => {
    const periods = Array.from(
      { length: 120 },
      (_, i) => `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
    );
    const c = catalog(Array.from({ length: 20 }, (_, i) => tablesOf(`pub_${i}`, periods)).flat());
    for (const t of c.tables) for (const a of t.assets!) a.url = `${BASE}/${a.release}/${a.name}`;
    const full = `{"generated_at":"x","tables":[\n${c.tables.map((t) => JSON.stringify(t)).join(',\n')}\n]}\n`;
    const text = serializeCatalog(c);
    expect(text.length / full.length).toBeLessThan(0.75);
    expect(parseCatalog(text)).toEqual(c);
  });
});
