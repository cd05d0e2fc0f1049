/**
 * The reservations a memory ledger has settled or released, remembered for a while so that a
 * repeated settle or release is recognised (BudgetLedger contract 3).
 *
 * A busy ledger remembers many: at 1,000 requests/s and the default 10-minute TTL, 600,000.
 * Kept as id strings in a Map, they cost a retained string and a boxed number each and
 * dominated the ledger's CPU (mostly garbage collection). The ledger's own ids end in
 * `#<sequence>`, so they are kept as sequence numbers instead: a Set of small integers and a
 * forgetting queue of plain number arrays. Ids in any other form (not from this ledger) are
 * kept as strings. Ids are forgotten in the order they were added, once their time has come.
 */
export class FinishedReservations {
  private readonly sequences = new Set<number>();
  private readonly otherIds = new Map<string, number>();
  /** Forgetting queue of sequence numbers: `queueSeq[i]` is forgotten from `queueAt[i]` on. */
  private queueSeq: number[] = [];
  private queueAt: number[] = [];
  private head = 0;

  /** `lastSequence`: the highest sequence the ledger has handed out so far. */
  constructor(private readonly lastSequence: () => number) {}

  has(id: string): boolean {
    const sequence = this.sequenceOf(id);
    return sequence === undefined ? this.otherIds.has(id) : this.sequences.has(sequence);
  }

  /** Remembers `id` until `forgetAt`; `sequence` when the caller already knows it. */
  add(id: string, forgetAt: number, sequence: number | undefined = this.sequenceOf(id)): void {
    if (sequence === undefined) {
      this.otherIds.set(id, forgetAt);
      return;
    }
    this.sequences.add(sequence);
    this.queueSeq.push(sequence);
    this.queueAt.push(forgetAt);
  }

  /**
   * Forgets every id whose time has come. Times are added in increasing order (now + a fixed
   * TTL), so this stops at the first id still kept; after a clock step back an id may be kept
   * a little longer, never shorter.
   */
  forget(now: number): void {
    while (this.head < this.queueSeq.length && (this.queueAt[this.head] as number) <= now) {
      this.sequences.delete(this.queueSeq[this.head] as number);
      this.head += 1;
    }
    if (this.head >= 1_024 && this.head * 2 >= this.queueSeq.length) {
      this.queueSeq = this.queueSeq.slice(this.head);
      this.queueAt = this.queueAt.slice(this.head);
      this.head = 0;
    }
    for (const [id, forgetAt] of this.otherIds) {
      if (forgetAt > now) break;
      this.otherIds.delete(id);
    }
  }

  /** Ids remembered (tests). */
  size(): number {
    return this.sequences.size + this.otherIds.size;
  }

  /** The sequence of an id of the form `<anything>#<sequence>` handed out by this ledger. */
  private sequenceOf(id: string): number | undefined {
    const start = id.lastIndexOf('#') + 1;
    if (start === 0 || start === id.length || id.charCodeAt(start) === 48 /* no leading 0 */) return undefined;
    const last = this.lastSequence();
    let sequence = 0;
    for (let i = start; i < id.length; i++) {
      const digit = id.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      sequence = sequence * 10 + digit;
      if (sequence > last) return undefined;
    }
    return sequence;
  }
}
