/**
 * The identity of one label tuple of a metric, as a string: the values of the metric's label
 * names in their declared order. An absent (undefined) label counts as absent, as in
 * prom-client's own series hash, so `{ route: undefined }` and `{}` are the same series.
 */
export function seriesKey(names: readonly string[], labels: object): string {
  let key = '';
  for (const name of names) {
    const value: unknown = (labels as Record<string, unknown>)[name];
    key += value === undefined ? '\u0002' : `${String(value)}\u0001`;
  }
  return key;
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
