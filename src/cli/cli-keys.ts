/** `zhongshu keys create | list | revoke`. */
import type { Command } from 'commander';
import type { ApiKeyRecord } from '../core/domain.js';
import { HubError } from '../core/errors.js';
import { systemAdminCaller } from '../governance/admin/admin-caller.js';
import { parseTimeArg, reportCliError, withAdminServices, withStore } from './cli-context.js';

function keyStatus(k: ApiKeyRecord, now: number): string {
  if (k.revokedAt !== undefined) return 'revoked';
  if (k.expiresAt !== undefined && k.expiresAt <= now) return 'expired';
  return 'active';
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage virtual keys');

  keys
    .command('create')
    .description('create a virtual key (the key is printed once and never shown again)')
    .option('--tenant <id>', 'tenant id', 'default')
    .option('--app <id>', 'app id', 'default')
    .requiredOption('--name <name>', 'a label for the key')
    .option('--models <list>', 'comma-separated allowed models (aliases, deployment ids)')
    .option('--expires <time>', 'expiry: ISO date/time')
    .option('--id <id>', 'key id (default: a random UUID)')
    .action(async (opts: { tenant: string; app: string; name: string; models?: string; expires?: string; id?: string }) => {
      try {
        const models = opts.models?.split(',').map((m) => m.trim()).filter((m) => m !== '');
        const created = await withAdminServices(async (admin, store) => {
          const app = (await store.listApps()).find((a) => a.id === opts.app);
          if (app !== undefined && app.tenantId !== opts.tenant) {
            throw new HubError('invalid_request', `app "${opts.app}" belongs to tenant "${app.tenantId}", not "${opts.tenant}"`);
          }
          return admin.keys.create(systemAdminCaller('cli'), {
            appId: opts.app, name: opts.name,
            ...(models !== undefined ? { allowedModels: models } : {}),
            ...(opts.expires !== undefined ? { expiresAt: parseTimeArg(opts.expires) } : {}),
            ...(opts.id !== undefined ? { id: opts.id } : {}),
          });
        });
        process.stdout.write(`id:     ${created.id}\nprefix: ${created.prefix}\nkey:    ${created.key}\n`);
        process.stderr.write('Store this key now: it is shown only once.\n');
      } catch (err) {
        reportCliError(err);
      }
    });

  keys
    .command('list')
    .description('list keys (prefix only, never the key)')
    .option('--tenant <id>', 'only this tenant')
    .option('--json', 'JSON output')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      try {
        const list = (await withStore((store) => store.listApiKeys())).filter((k) => opts.tenant === undefined || k.tenantId === opts.tenant);
        const now = Date.now();
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(list.map(({ hash: _hash, ...k }) => ({ ...k, status: keyStatus({ ...k, hash: '' }, now) })), null, 2)}\n`);
          return;
        }
        for (const k of list) {
          process.stdout.write(`${k.id}\t${k.prefix}…\t${k.tenantId}/${k.appId}\t${keyStatus(k, now)}\t${k.name}${k.allowedModels !== undefined ? `\tmodels=${k.allowedModels.join(',')}` : ''}\n`);
        }
      } catch (err) {
        reportCliError(err);
      }
    });

  keys
    .command('revoke')
    .description('revoke a key by id or display prefix')
    .argument('<id>', 'key id or prefix')
    .action(async (id: string) => {
      try {
        const record = await withAdminServices(async (admin, store) => {
          const key = (await store.listApiKeys()).find((k) => k.id === id || k.prefix === id);
          if (key === undefined) throw new HubError('not_found', `no key with id or prefix "${id}"`);
          return admin.keys.revoke(systemAdminCaller('cli'), key.id);
        });
        process.stdout.write(`revoked ${record.id} (${record.prefix}…)\n`);
      } catch (err) {
        reportCliError(err);
      }
    });
}
