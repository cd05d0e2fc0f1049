/** The positional ledger values of the prepared writes stay in step with `usageToRow`. */
import { describe, expect, it } from 'vitest';
import { USAGE_COLUMNS, usageToRow, usageValues } from '../../src/storage/sql/sql-rows.js';
import { sampleUsage } from '../contract/store-fixtures.js';

describe('usageValues', () => {
  it('lists every column of usageToRow, in USAGE_COLUMNS order, with and without optional fields', () => {
    const full = sampleUsage('r', {
      endUser: 'u', plugin: 'p', promptRef: 'q@1', decision: 'cheapest', bizLevel: 'premium', errorCode: 'x', ttftMs: 7, stream: true, unpriced: true,
    });
    for (const e of [full, sampleUsage('bare')]) {
      const row = usageToRow(e) as Record<string, unknown>;
      expect([...USAGE_COLUMNS].sort()).toEqual(Object.keys(row).sort());
      expect(usageValues(e)).toEqual(USAGE_COLUMNS.map((c) => row[c]));
    }
  });
});
