import type { Clock } from '../../src/core/ports.js';

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  set(epochMs: number): void;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2026, 0, 15, 4, 0, 0)): ManualClock {
  let now = start;
  return {
    now: () => now,
    set: (epochMs) => {
      now = epochMs;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
