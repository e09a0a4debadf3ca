// The fast read of publications.yaml (js-yaml's event parser: ~5x the `yaml` library's document, which a
// 36,000-URL catalogue config takes 1.5-2 s to build): the plain data and the line of every URL's period, nothing
// else. parseConfig (index.ts) takes it first and builds the `yaml` document with positions only when the fast read
// refuses the text or the config has a problem to report with its line. Refused here (the document decides):
// anything js-yaml cannot parse, aliases, anchors, tags, directives, more than one document, a key that is not a
// scalar, and a `__proto__` key, so the two readers agree on every text the fast one accepts (test/config.fast.test.ts).
import { constructFromEvents, CORE_SCHEMA, EVENT_ID, getScalarValue, parseEvents, type Event } from 'js-yaml';

export interface FastYaml {
  data: unknown;
  /** publication key -> the line (1-based) of each `urls[i].period` value, by index */
  periodLines: Map<string, number[]>;
}

interface Frame {
  map: boolean;
  /** the key of the value being read (a map) or its index (a sequence) */
  key: string | number;
  /** a map waiting for its next key */
  wantKey: boolean;
}

/** The data and URL period lines of `text`, or undefined when the `yaml` document must decide. */
export function fastYaml(text: string): FastYaml | undefined {
  let events: Event[];
  let docs: unknown[];
  try {
    events = parseEvents(text, {});
    if (!plain(events)) return undefined;
    docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  if (docs.length > 1) return undefined;
  const periodLines = periodLinesOf(text, events);
  return periodLines && { data: docs[0] ?? {}, periodLines };
}

/** No aliases, anchors, tags or directives, at most one document. */
function plain(events: Event[]): boolean {
  let documents = 0;
  for (const e of events) {
    if (e.type === EVENT_ID.ALIAS) return false;
    if (e.type === EVENT_ID.DOCUMENT) {
      if (++documents > 1 || e.directives.length) return false;
    } else if (e.type !== EVENT_ID.POP && (e.anchorStart !== -1 || e.tagStart !== -1)) return false;
  }
  return true;
}

/**
 * Walk the events keeping the path of each node; the lines of `publications.<key>.urls[i].period` values
 * (undefined on a non-scalar or `__proto__` key: the document decides).
 */
function periodLinesOf(text: string, events: Event[]): Map<string, number[]> | undefined {
  const out = new Map<string, number[]>();
  const stack: Frame[] = [];
  let line = 1;
  let upTo = 0; // offsets before upTo are counted into line
  const lineAt = (offset: number) => {
    for (let nl = text.indexOf('\n', upTo); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
      line++;
      upTo = nl + 1;
    }
    return line;
  };
  const done = () => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (top.map) top.wantKey = true;
    else (top.key as number)++;
  };
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) continue;
    const top = stack[stack.length - 1];
    if (e.type === EVENT_ID.POP) {
      if (stack.pop()) done();
      continue;
    }
    if (top?.map && top.wantKey) {
      if (e.type !== EVENT_ID.SCALAR) return undefined;
      const key = getScalarValue(text, e);
      if (key === '__proto__') return undefined;
      top.key = key;
      top.wantKey = false;
      continue;
    }
    if (e.type === EVENT_ID.SCALAR) {
      // publications.<key>.urls.<i>.period
      if (
        stack.length === 5 &&
        stack[4].key === 'period' &&
        stack[2].key === 'urls' &&
        stack[0].key === 'publications' &&
        stack[3].map === false
      ) {
        const lines = out.get(String(stack[1].key)) ?? [];
        lines[stack[3].key as number] = lineAt(e.valueStart === -1 ? 0 : e.valueStart);
        out.set(String(stack[1].key), lines);
      }
      done();
    } else if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE)
      stack.push({ map: e.type === EVENT_ID.MAPPING, key: 0, wantKey: e.type === EVENT_ID.MAPPING });
  }
  return out;
}
