import { describe } from 'vitest';
import { createMemoryBudgetLedger } from '../../src/gateway/limits/budget-memory.js';
import { describeBudgetLedgerContract } from './budget-ledger-contract.js';

describeBudgetLedgerContract('memory', (fixture) => createMemoryBudgetLedger(fixture));

describe.todo('memory budget ledger specifics');
