/**
 * A prom-client Counter that adds up on the request path without prom-client's per-call work.
 *
 * Each label tuple gets a local slot the first time it is incremented (its labels are
 * validated then, and the series is created in prom-client at 0); increments only add to the
 * slot, and the sums are handed to prom-client when the registry reads the metric (`collect`),
 * so `/metrics` and `get()` always see every increment. A caller that increments the same
 * tuple on every request can hold its slot (`series(labels)`) and skip even the label lookup.
 * Same metric name, type, help and labels as a plain Counter; slots live as long as the
 * counter (reset and remove zero them, so held series stay valid).
 */
import client from 'prom-client';
import { labelsFromArgs, SeriesIndex } from './series-index.js';

/** Label tuples accumulated locally per counter; beyond this, increments go to prom-client directly. */
export const MAX_LOCAL_SERIES = 10_000;

/** One label tuple of a LocalCounter. */
export interface CounterSeries {
  /** Adds `value` (default 1); a negative or non-finite value is refused exactly as `inc` refuses it. */
  inc(value?: number): void;
}

export type LocalCounter<T extends string> = client.Counter<T> & {
  /** The series of `labels`, validated and created now (at 0 in prom-client, like a first `inc`). */
  series(labels: client.LabelValues<T>): CounterSeries;
};

type BaseInc<T extends string> = (labels?: client.LabelValues<T> | number, value?: number) => void;

/** Local sum of one label tuple since the last hand-over to prom-client. */
class CounterSlot<T extends string> {
  value = 0;
  /** Incremented since the last hand-over. */
  dirty = false;
  /** The series exists in prom-client (false again after reset or remove, until the next increment). */
  created = true;

  constructor(
    public labels: client.LabelValues<T>,
    private readonly base: BaseInc<T>,
  ) {}

  inc(value = 1): void {
    // Negative, NaN or infinite: prom-client's own path and errors.
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) return this.base(this.labels, value);
    if (!this.created) this.create();
    this.value += value;
    this.dirty = true;
  }

  /** Creates the series at 0 now, so series appear in prom-client in first-increment order. */
  create(): void {
    this.base(this.labels, 0);
    this.created = true;
  }
}

/** Hands over one series beyond MAX_LOCAL_SERIES straight to prom-client. */
function directSeries<T extends string>(labels: client.LabelValues<T>, base: BaseInc<T>): CounterSeries {
  return { inc: (value = 1) => base(labels, value) };
}

export function localCounter<T extends string>(config: client.CounterConfiguration<T>): LocalCounter<T> {
  const names: readonly string[] = config.labelNames ?? [];
  const slots: CounterSlot<T>[] = [];
  const index = new SeriesIndex<CounterSlot<T>>(names);
  const userCollect = config.collect;
  const flush = (): void => {
    for (const slot of slots) {
      if (!slot.dirty) continue;
      const value = slot.value;
      slot.value = 0;
      slot.dirty = false;
      base(slot.labels, value);
    }
  };
  const counter = new client.Counter<T>({
    ...config,
    collect(this: client.Counter<T>) {
      flush();
      return userCollect?.call(this);
    },
  });
  // prom-client's own increment (an instance property set by its constructor).
  const base = counter.inc.bind(counter) as BaseInc<T>;

  /** The slot of `labels`, created on first use; undefined beyond MAX_LOCAL_SERIES. */
  const slotOf = (labels: client.LabelValues<T>): CounterSlot<T> | undefined => {
    let slot = index.get(labels);
    if (slot === undefined) {
      if (slots.length >= MAX_LOCAL_SERIES) return undefined;
      base(labels, 0); // validates the label names and creates the series
      slot = new CounterSlot<T>({ ...labels }, base);
      index.add(labels, slot);
      slots.push(slot);
    }
    return slot;
  };

  const inc = (labels?: client.LabelValues<T> | number, value?: number): void => {
    const v = value ?? 1;
    // No labels, or a value prom-client refuses: its own path and errors.
    if (typeof labels !== 'object' || labels === null || !(v >= 0 && v < Number.POSITIVE_INFINITY)) return base(labels, value);
    const slot = slotOf(labels);
    if (slot === undefined) return base(labels, v);
    if (!slot.created) {
      // A series that reappears after reset or removal takes the caller's labels, as in prom-client.
      slot.labels = { ...labels };
      slot.create();
    }
    slot.value += v;
    slot.dirty = true;
  };
  const baseReset = counter.reset.bind(counter);
  const baseRemove = counter.remove.bind(counter) as (...args: unknown[]) => void;
  return Object.assign(counter, {
    inc,
    series: (labels: client.LabelValues<T>): CounterSeries => {
      const slot = slotOf(labels);
      if (slot === undefined) return directSeries(labels, base);
      const own = { ...labels };
      return {
        inc(value?: number) {
          // A series that reappears after reset or removal takes this holder's labels.
          if (!slot.created) slot.labels = own;
          slot.inc(value);
        },
      };
    },
    reset: () => {
      for (const slot of slots) {
        slot.value = 0;
        slot.dirty = false;
        slot.created = false;
      }
      baseReset();
    },
    remove: (...args: unknown[]) => {
      flush();
      baseRemove(...args);
      // Its slot stays (at 0, held series remain valid); the series reappears on its next increment.
      const slot = index.get(labelsFromArgs(names, args));
      if (slot !== undefined) slot.created = false;
    },
  }) as LocalCounter<T>;
}
