/** `zhongshu usage`: simple totals from the ledger. */
import type { Command } from 'commander';
import type { UsageEvent } from '../core/domain.js';
import { microsToDecimalText } from '../config/config-money.js';
import { parseTimeArg, reportCliError, withStore } from './cli-context.js';

export interface UsageTotals {
  requests: number;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  /** Micro-units per currency. */
  costMicros: Record<string, number>;
  unpricedAttempts: number;
  byModel: Record<string, { attempts: number; inputTokens: number; outputTokens: number; costMicros: Record<string, number> }>;
}

export function totalUsage(rows: UsageEvent[]): UsageTotals {
  const totals: UsageTotals = { requests: new Set(rows.map((r) => r.requestId)).size, attempts: rows.length, inputTokens: 0, outputTokens: 0, costMicros: {}, unpricedAttempts: 0, byModel: {} };
  for (const r of rows) {
    totals.inputTokens += r.inputTokens;
    totals.outputTokens += r.outputTokens;
    totals.costMicros[r.currency] = (totals.costMicros[r.currency] ?? 0) + r.costMicros;
    if (r.unpriced) totals.unpricedAttempts += 1;
    const m = (totals.byModel[r.deploymentId] ??= { attempts: 0, inputTokens: 0, outputTokens: 0, costMicros: {} });
    m.attempts += 1;
    m.inputTokens += r.inputTokens;
    m.outputTokens += r.outputTokens;
    m.costMicros[r.currency] = (m.costMicros[r.currency] ?? 0) + r.costMicros;
  }
  return totals;
}

const money = (c: Record<string, number>) => Object.entries(c).map(([cur, micros]) => `${microsToDecimalText(micros)} ${cur}`).join(' + ') || '0';

export function registerUsageCommand(program: Command): void {
  program
    .command('usage')
    .description('usage and cost totals from the ledger')
    .option('--since <time>', 'from (ISO date, or 24h / 7d / 30m ago)')
    .option('--until <time>', 'until (exclusive)')
    .option('--tenant <id>', 'only this tenant')
    .option('--app <id>', 'only this app')
    .option('--key <id>', 'only this key')
    .option('--json', 'JSON output (costs in integer micro-units)')
    .action(async (opts: { since?: string; until?: string; tenant?: string; app?: string; key?: string; json?: boolean }) => {
      try {
        const rows = await withStore((store) =>
          store.queryUsage({
            ...(opts.since !== undefined ? { from: parseTimeArg(opts.since) } : {}),
            ...(opts.until !== undefined ? { to: parseTimeArg(opts.until) } : {}),
            ...(opts.tenant !== undefined ? { tenantId: opts.tenant } : {}),
            ...(opts.app !== undefined ? { appId: opts.app } : {}),
            ...(opts.key !== undefined ? { keyId: opts.key } : {}),
          }),
        );
        const t = totalUsage(rows);
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
          return;
        }
        process.stdout.write(`requests ${t.requests}, attempts ${t.attempts}, input tokens ${t.inputTokens}, output tokens ${t.outputTokens}\n`);
        process.stdout.write(`cost ${money(t.costMicros)}${t.unpricedAttempts > 0 ? ` (+ ${t.unpricedAttempts} unpriced attempts)` : ''}\n`);
        for (const [deployment, m] of Object.entries(t.byModel).sort()) {
          process.stdout.write(`  ${deployment}\tattempts ${m.attempts}\tin ${m.inputTokens}\tout ${m.outputTokens}\t${money(m.costMicros)}\n`);
        }
      } catch (err) {
        reportCliError(err);
      }
    });
}
