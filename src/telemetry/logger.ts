/**
 * The hub's logger: pino, JSON lines to stdout. Redaction paths make sure credentials that
 * might sit in a logged object never reach the output (defence in depth: code never logs them).
 */
import { pino } from 'pino';
import type { Logger } from '../core/ports.js';

export interface LoggerOptions {
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: NodeJS.WritableStream;
}

const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

export function createLogger(options: LoggerOptions = {}): Logger & { pino: pino.Logger } {
  const instance = pino(
    {
      level: options.level ?? 'info',
      base: { svc: 'zhongshu' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
  return wrap(instance);
}

function wrap(instance: pino.Logger): Logger & { pino: pino.Logger } {
  return {
    pino: instance,
    debug: (obj, msg) => instance.debug(obj, msg),
    info: (obj, msg) => instance.info(obj, msg),
    warn: (obj, msg) => instance.warn(obj, msg),
    error: (obj, msg) => instance.error(obj, msg),
    child: (bindings) => wrap(instance.child(bindings)),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
