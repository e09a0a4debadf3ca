// Rows per period as an inline SVG bar chart, with a text alternative (aria-label, a <title> per bar, and a
// table of the same numbers).
import { esc, fmt } from './html.js';

export interface Bar {
  period: string;
  rows: number;
}

const describe = (bars: Bar[]) =>
  bars.length
    ? `Rows per period: ${bars.map((b) => `${b.period} ${fmt(b.rows)}`).join('; ')}`
    : 'No periods loaded';

/** A full-width chart with period labels under the bars (every label when they fit, else first and last). */
export function barChart(bars: Bar[], opts: { spark?: boolean } = {}): string {
  const spark = opts.spark ?? false;
  const pad = spark ? { l: 1, r: 1, t: 2, b: 2 } : { l: 8, r: 8, t: 18, b: 34 };
  // a few periods make a narrow chart (slots of at most 12 / 72 units), many share 160 / 640
  const w = spark
    ? Math.min(160, Math.max(12, bars.length * 12) + pad.l + pad.r)
    : Math.min(640, Math.max(240, bars.length * 72 + pad.l + pad.r));
  const h = spark ? 32 : 200;
  const max = Math.max(1, ...bars.map((b) => b.rows));
  const slot = bars.length ? (w - pad.l - pad.r) / bars.length : 0;
  const bw = Math.max(1, slot * (spark ? 0.75 : 0.7));
  const plotH = h - pad.t - pad.b;
  const labelAll = !spark && bars.length <= 10;
  const parts = bars.map((b, i) => {
    const bh = b.rows > 0 ? Math.max(1, (b.rows / max) * plotH) : 0;
    const x = pad.l + i * slot + (slot - bw) / 2;
    const y = pad.t + plotH - bh;
    const cx = (x + bw / 2).toFixed(1);
    let s = `<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" data-period="${esc(b.period)}" data-rows="${b.rows}"><title>${esc(b.period)}: ${fmt(b.rows)} rows</title></rect>`;
    if (!spark && (labelAll || i === 0 || i === bars.length - 1)) {
      // without a label under every bar, the first and last align with the chart's edges (never clipped)
      const [lx, anchor] = labelAll
        ? [cx, 'middle']
        : i === 0
          ? [x.toFixed(1), 'start']
          : [(x + bw).toFixed(1), 'end'];
      s += `<text x="${lx}" y="${h - pad.b + 14}" text-anchor="${anchor}">${esc(b.period)}</text>`;
    }
    if (!spark && labelAll && bars.length <= 8)
      s += `<text x="${cx}" y="${Math.max(11, y - 4).toFixed(1)}" text-anchor="middle">${fmt(b.rows)}</text>`;
    return s;
  });
  const axis = spark
    ? ''
    : `<line x1="${pad.l}" y1="${pad.t + plotH}" x2="${w - pad.r}" y2="${pad.t + plotH}" stroke="#b8c0cc"/>`;
  const label = describe(bars);
  const size = spark ? `style="width:${w}px;height:${h}px"` : `style="max-width:${w}px"`;
  return `<svg class="chart${spark ? ' spark' : ''}" viewBox="0 0 ${w} ${h}" ${size} role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg"><title>${esc(label)}</title>${axis}${parts.join('')}</svg>`;
}

/** The chart's numbers as a table (the text alternative people can read and copy). */
export function barTable(bars: Bar[]): string {
  const rows = bars
    .map((b) => `<tr><td>${esc(b.period)}</td><td class="num">${fmt(b.rows)}</td></tr>`)
    .join('');
  return `<details><summary>Rows per period as a table</summary><div class="tablewrap"><table class="data"><thead><tr><th>Period</th><th>Rows</th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}
