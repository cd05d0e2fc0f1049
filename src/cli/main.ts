#!/usr/bin/env node
/**
 * The `zhongshu` command: start, migrate, apply, export, keys, usage.
 * Every command reads DATABASE_URL / ZHONGSHU_DATA_DIR from the environment (docs/configuration.md).
 */
import { Command } from 'commander';
import { registerConfigCommands } from './cli-config.js';
import { reportCliError, withStore } from './cli-context.js';
import { registerKeyCommands } from './cli-keys.js';
import { registerUsageCommand } from './cli-usage.js';

function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the hub (embedded default: SQLite under ./data, port 8080)')
    .option('-c, --config <path>', 'hub YAML file applied at start (idempotent)')
    .option('-p, --port <n>', 'port to listen on (overrides PORT)')
    .action(async (opts: { config?: string; port?: string }) => {
      try {
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port: expected an integer 0–65535`);
        // Loaded lazily: the admin commands never pull in the HTTP stack and providers.
        const { startHub } = await import('../main.js');
        const starting = startHub({ env: process.env, ...(opts.config !== undefined ? { configFile: opts.config } : {}), ...(port !== undefined ? { port } : {}) });
        // Handlers go in before the hub listens, so a signal during start still closes it cleanly.
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) {
            process.stderr.write(`${signal} again: exiting immediately\n`);
            process.exit(1);
          }
          stopping = true;
          starting
            .then((hub) => hub.close())
            .then(
              () => process.exit(0),
              (err: unknown) => {
                reportCliError(err);
                process.exit(1);
              },
            );
        };
        process.on('SIGTERM', () => stop('SIGTERM'));
        process.on('SIGINT', () => stop('SIGINT'));
        await starting;
      } catch (err) {
        reportCliError(err);
        process.exit(process.exitCode ?? 1);
      }
    });
}

function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('run pending database migrations (also done by start)')
    .action(async () => {
      try {
        const applied = await withStore((store) => store.appliedMigrations());
        process.stdout.write(`database is at migration ${applied.at(-1) ?? '(none)'} (${applied.length} applied)\n`);
      } catch (err) {
        reportCliError(err);
      }
    });
}

export function buildCli(): Command {
  const program = new Command('zhongshu').description('Zhongshu (中枢) — enterprise AI hub').version('0.1.0');
  registerStartCommand(program);
  registerMigrateCommand(program);
  registerConfigCommands(program);
  registerKeyCommands(program);
  registerUsageCommand(program);
  return program;
}

await buildCli().parseAsync(process.argv);
