/** `zhongshu apply` and `zhongshu export`. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readHubFile } from '../config/hub-file.js';
import { applyHubFile, knownRecords } from '../governance/apply.js';
import { applyAuditor, AuditLog } from '../governance/admin/admin-audit.js';
import { createAdminStore } from '../storage/sql/admin-store.js';
import { exportHubFile } from '../governance/export.js';
import { reportCliError, withStore } from './cli-context.js';

/** Meta key bumped by every apply that changed something (a running hub may poll it). */
import { CONFIG_CHANGED_META } from '../governance/apply.js';

export { CONFIG_CHANGED_META };

export function registerConfigCommands(program: Command): void {
  program
    .command('apply')
    .description('apply a hub YAML file (idempotent upsert; nothing is deleted)')
    .requiredOption('-f, --file <path>', 'hub file to apply')
    .option('--dry-run', 'show what would change without writing')
    .action(async (opts: { file: string; dryRun?: boolean }) => {
      try {
        await withStore(async (store) => {
          const file = await readHubFile(opts.file, await knownRecords(store));
          const audit = new AuditLog(createAdminStore(store), Date.now);
          const summary = await applyHubFile(store, file, { env: process.env, dryRun: opts.dryRun === true, onChange: applyAuditor(audit, 'cli') });
          for (const c of summary.changes) process.stdout.write(`${summary.dryRun ? 'would ' : ''}${c.action} ${c.kind} ${c.id}\n`);
          if (!summary.dryRun && summary.changes.length > 0) await store.setMeta(CONFIG_CHANGED_META, String(Date.now()));
          const verb = summary.dryRun ? 'would change' : 'changed';
          process.stdout.write(`${verb} ${summary.changes.length}, unchanged ${summary.unchanged}\n`);
        });
      } catch (err) {
        reportCliError(err);
      }
    });

  program
    .command('export')
    .description('write the configuration as a hub YAML file (no secrets)')
    .option('-o, --output <path>', 'file to write (default: stdout)')
    .action(async (opts: { output?: string }) => {
      try {
        const text = await withStore((store) => exportHubFile(store));
        if (opts.output === undefined) process.stdout.write(text);
        else await writeFile(opts.output, text, 'utf8');
      } catch (err) {
        reportCliError(err);
      }
    });
}
