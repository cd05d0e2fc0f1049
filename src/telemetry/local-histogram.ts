/**
 * A prom-client Histogram that observes on the request path without prom-client's per-call
 * work (label validation, label hashing, a closure per call).
 *
 * Each label tuple keeps its own bucket counts, sum and count here, validated on the tuple's
 * first observation; the registry reads them through `getForPromString`/`get`, which return
 * exactly what prom-client's Histogram returns for the same observations (same bucket
 * boundaries, cumulative `le` buckets, `+Inf`, `_sum` in observation order, `_count`, series
 * in first-observed order). A caller that observes the same tuple on every request can hold
 * its series (`series(labels)`). Same metric name, type, help, labels and buckets; exemplars
 * are not supported (use prom-client's Histogram for them). Series live as long as the
 * histogram, as in prom-client (reset and remove zero them, so held series stay valid).
 */
import client from 'prom-client';
import { labelsFromArgs, SeriesIndex } from './series-index.js';

/** prom-client's default buckets, used when the configuration gives none. */
const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One label tuple of a LocalHistogram. */
export interface HistogramSeries {
  /** Observes `value`; a non-finite value is refused exactly as `observe` refuses it. */
  observe(value: number): void;
}

type Labels<T extends string> = client.LabelValues<T>;
type BaseObserve<T extends string> = (labels: Labels<T> | number | undefined, value?: number) => void;

/** The export shape prom-client's registry reads (lib/histogram.js `setValuePair`). */
interface ExportedValue<T extends string> {
  labels: Record<string, string | number>;
  sharedLabels: Labels<T>;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

class HistogramSlot<T extends string> {
  /** Observations per bucket (not cumulative); values above the last bound count in `count` only. */
  readonly counts: number[];
  sum = 0;
  count = 0;
  /** Shown in the export: observed or zeroed since creation, reset or removal. */
  present = false;
  /** Export position: when the series (re)appeared, as prom-client appends a new series. */
  order = 0;

  constructor(
    public labels: Labels<T>,
    private readonly bounds: readonly number[],
    private readonly base: BaseObserve<T>,
    private readonly appear: (slot: HistogramSlot<T>) => void,
  ) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return this.base(this.labels, value); // prom-client's TypeError
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
    if (!this.present) this.appear(this);
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.present = false;
  }
}

export class LocalHistogram<T extends string = string> extends client.Histogram<T> {
  private readonly metricName: string;
  private readonly metricHelp: string;
  private readonly metricAggregator: client.Aggregator;
  private readonly bounds: readonly number[];
  private readonly names: readonly string[];
  private readonly userCollect: ((this: client.Histogram<T>) => void | Promise<void>) | undefined;
  /** Every slot, in creation order; exported in the order series (re)appeared. */
  private readonly slots: HistogramSlot<T>[] = [];
  private readonly index: SeriesIndex<HistogramSlot<T>>;
  private readonly baseObserve: BaseObserve<T>;
  private lastOrder = 0;
  private readonly appear = (slot: HistogramSlot<T>): void => {
    slot.present = true;
    this.lastOrder += 1;
    slot.order = this.lastOrder;
  };

  constructor(config: client.HistogramConfiguration<T>) {
    if (config.enableExemplars) throw new Error(`${config.name}: LocalHistogram does not support exemplars`);
    const bounds = config.buckets ?? DEFAULT_BUCKETS;
    bounds.forEach((bound, i) => {
      if (i > 0 && !(bound > (bounds[i - 1] as number))) throw new Error(`${config.name}: histogram buckets must be strictly increasing`);
    });
    super(config);
    this.metricName = config.name;
    this.metricHelp = config.help;
    this.metricAggregator = config.aggregator ?? 'sum';
    this.bounds = Object.freeze([...bounds]);
    this.names = config.labelNames ?? [];
    this.index = new SeriesIndex(this.names);
    this.userCollect = config.collect;
    // prom-client's own observe (an instance property set by its constructor): its errors.
    this.baseObserve = this.observe.bind(this) as BaseObserve<T>;
    this.observe = this.observeLocal as client.Histogram<T>['observe'];
    // An unlabelled histogram exports its (empty) series from the start, as prom-client's does.
    if (this.names.length === 0) this.appear(this.slotOf({}));
  }

  /** The series of `labels`, validated now; observations through it skip the label lookup. */
  series(labels: Labels<T>): HistogramSeries {
    const slot = this.slotOf(labels);
    const own = { ...labels };
    return {
      observe(value: number) {
        // A series that reappears after reset or removal takes this holder's labels.
        if (!slot.present) slot.labels = own;
        slot.observe(value);
      },
    };
  }

  private readonly observeLocal = (labels: Labels<T> | number | undefined, value?: number): void => {
    if (typeof labels === 'object' && labels !== null) {
      const slot = this.slotOf(labels);
      // A series that reappears after reset or removal takes the caller's labels, as in prom-client.
      if (!slot.present) slot.labels = { ...labels };
      slot.observe(value as number);
      return;
    }
    // prom-client's unlabelled forms: observe(value), observe(0), observe(undefined, value).
    const v = labels === 0 ? 0 : labels || value;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.baseObserve(labels, value);
    this.slotOf({}).observe(v);
  };

  private slotOf(labels: Labels<T>): HistogramSlot<T> {
    let slot = this.index.get(labels);
    if (slot === undefined) {
      super.labels(labels); // validates the label names (prom-client's error)
      slot = new HistogramSlot<T>({ ...labels }, this.bounds, this.baseObserve, this.appear);
      this.index.add(labels, slot);
      this.slots.push(slot);
    }
    return slot;
  }

  /** What prom-client's registry serialises (same values and order as prom-client's Histogram). */
  async getForPromString(): Promise<client.MetricObjectWithValues<client.MetricValueWithName<T>>> {
    if (this.userCollect) await this.userCollect.call(this);
    const bucketName = `${this.metricName}_bucket`;
    const values: ExportedValue<T>[] = [];
    const shown = this.slots.filter((slot) => slot.present).sort((a, b) => a.order - b.order);
    for (const slot of shown) {
      const shared = slot.labels;
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += slot.counts[i] as number;
        values.push({ labels: { le: bound }, sharedLabels: shared, value: cumulative, metricName: bucketName, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: shared, value: slot.count, metricName: bucketName, exemplar: null },
        { labels: {}, sharedLabels: shared, value: slot.sum, metricName: `${this.metricName}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: shared, value: slot.count, metricName: `${this.metricName}_count`, exemplar: undefined },
      );
    }
    // prom-client's typings declare `type` as an enum; at run time it is the string 'histogram'.
    const exported = { name: this.metricName, help: this.metricHelp, type: 'histogram', values, aggregator: this.metricAggregator };
    return exported as unknown as client.MetricObjectWithValues<client.MetricValueWithName<T>>;
  }

  override reset(): void {
    super.reset();
    // Also called by prom-client's constructor, before this class's fields exist.
    if (this.slots === undefined) return;
    for (const slot of this.slots) slot.clear();
  }

  override zero(labels: Labels<T>): void {
    const slot = this.slotOf(labels);
    const present = slot.present;
    slot.clear();
    slot.labels = { ...labels };
    // prom-client overwrites an existing series in place, or appends a new one.
    if (present) slot.present = true;
    else this.appear(slot);
  }

  override remove(...args: unknown[]): void {
    (super.remove as (...a: unknown[]) => void)(...args); // validates (prom-client's errors)
    this.index.get(labelsFromArgs(this.names, args))?.clear();
  }

  override labels(...args: unknown[]): client.Histogram.Internal<T> {
    const internal = (super.labels as (...a: unknown[]) => client.Histogram.Internal<T>)(...args);
    const slot = this.slotOf(labelsFromArgs(this.names, args) as Labels<T>);
    // prom-client's startTimer ends through `this.observe`, i.e. the local path.
    return { observe: (value: number) => slot.observe(value), startTimer: internal.startTimer };
  }
}
