/**
 * Label tuples of a metric → their local slot, without building a key string per lookup: a
 * small tree of Maps, one level per label name in declared order, keyed by the label values.
 * Values compare as prom-client's series hash compares them — as strings (`200` and `'200'`
 * are one series), and an absent (undefined) label counts as absent, so `{ route: undefined }`
 * and `{}` are the same series.
 */
export class SeriesIndex<S> {
  private readonly root = new Map<unknown, unknown>();
  private count = 0;

  constructor(private readonly names: readonly string[]) {}

  get size(): number {
    return this.count;
  }

  get(labels: object): S | undefined {
    let node: Map<unknown, unknown> | undefined = this.root;
    const last = this.names.length - 1;
    if (last < 0) return this.root.get(undefined) as S | undefined;
    for (let i = 0; i < last; i++) {
      node = node.get(valueOf(labels, this.names[i] as string)) as Map<unknown, unknown> | undefined;
      if (node === undefined) return undefined;
    }
    return node.get(valueOf(labels, this.names[last] as string)) as S | undefined;
  }

  /** Adds the slot of a tuple not in the index yet. */
  add(labels: object, slot: S): void {
    let node = this.root;
    const last = this.names.length - 1;
    for (let i = 0; i < last; i++) {
      const value = valueOf(labels, this.names[i] as string);
      let child = node.get(value) as Map<unknown, unknown> | undefined;
      if (child === undefined) {
        child = new Map();
        node.set(value, child);
      }
      node = child;
    }
    node.set(last < 0 ? undefined : valueOf(labels, this.names[last] as string), slot);
    this.count += 1;
  }
}

function valueOf(labels: object, name: string): string | undefined {
  const value: unknown = (labels as Record<string, unknown>)[name];
  return value === undefined || typeof value === 'string' ? value : String(value);
}

/** Label values given positionally (`metric.remove('a', 'b')`) or as one object, as an object. */
export function labelsFromArgs(names: readonly string[], args: readonly unknown[]): object {
  const first = args[0];
  if (typeof first === 'object' && first !== null) return first;
  const labels: Record<string, unknown> = {};
  names.forEach((name, i) => {
    labels[name] = args[i];
  });
  return labels;
}
