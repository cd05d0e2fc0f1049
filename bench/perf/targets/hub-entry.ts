/**
 * Starts the hub in-process through the `startHub()` contract (src/main.ts) and prints
 * `READY <port>`. Used by targets/hub.ts so the benchmark does not depend on CLI flags.
 *
 * Run: `node --import tsx bench/perf/targets/hub-entry.ts <config.yaml> <dataDir> [port]`
 */
import { startHub } from '../../../src/main.js';

const [configFile, dataDir, portArg] = process.argv.slice(2);
if (!configFile || !dataDir) throw new Error('hub-entry: pass <config.yaml> <dataDir>');

const hub = await startHub({ configFile, dataDir, host: '127.0.0.1', port: Number(portArg ?? 0) });
process.stdout.write(`READY ${hub.port}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(0), 5000);
  force.unref();
  await hub.close().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
