/**
 * What a V8 heap snapshot (.heapsnapshot, written after a full collection) retains, counted by constructor, and
 * two of them compared: the soak's leak check (soak.ts).
 */
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapCensus {
  /** JavaScript objects and closures. */
  objects: number;
  /** Every node's own size: the whole retained heap. */
  bytes: number;
  /** Objects and closures by constructor (or function) name. */
  byConstructor: Map<string, { count: number; bytes: number }>;
}

/** Counts the JavaScript objects and closures a snapshot holds, by constructor name, and its size. */
export function heapCensus(file: string): HeapCensus {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const counted = new Set(['object', 'closure'].map((t) => types.indexOf(t)));
  const byConstructor = new Map<string, { count: number; bytes: number }>();
  let objects = 0;
  let bytes = 0;
  for (let i = 0; i < raw.nodes.length; i += fields.length) {
    const size = raw.nodes[i + sizeAt];
    bytes += size;
    if (!counted.has(raw.nodes[i + typeAt])) continue;
    const name = raw.strings[raw.nodes[i + nameAt]];
    const entry = byConstructor.get(name) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += size;
    byConstructor.set(name, entry);
    objects += 1;
  }
  return { objects, bytes, byConstructor };
}

export interface CensusGrowth {
  constructor: string;
  start: number;
  end: number;
  growth: number;
}

/** The constructors whose retained object count grew most from `start` to `end`. */
export function topGrowth(start: HeapCensus, end: HeapCensus, limit = 10): CensusGrowth[] {
  const names = new Set([...start.byConstructor.keys(), ...end.byConstructor.keys()]);
  return [...names]
    .map((name) => {
      const a = start.byConstructor.get(name)?.count ?? 0;
      const b = end.byConstructor.get(name)?.count ?? 0;
      return { constructor: name, start: a, end: b, growth: b - a };
    })
    .sort((x, y) => y.growth - x.growth)
    .slice(0, limit);
}
