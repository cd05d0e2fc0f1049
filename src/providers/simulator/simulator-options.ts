/**
 * Simulator settings, read from the deployment's provider `options` (YAML or env may give
 * numbers as strings). Every option has a default, so an empty `options` works.
 */

export interface SimulatorOptions {
  /** Time to first token (streams) / added before the answer (non-stream). Default 150. */
  latencyMs: number;
  /** Generation speed; 0 or less = no pacing. Default 80. */
  tokensPerSecond: number;
  /** Target answer length in tokens (whole sentences, may overshoot a little). Default 60. */
  outputTokens: number;
  /** Also produce reasoning (reasoning deltas, `reasoningTokens` in usage). Default false. */
  reasoning: boolean;
  /** Target reasoning length in tokens when `reasoning` is on. Default 40. */
  reasoningTokens: number;
  /** Fail every k-th call (per deployment) with `upstream_error`; 0 = never. Default 0. */
  failEvery: number;
  /** With `failEvery`: streams fail half-way through instead of before the first event. Default false. */
  failMidStream: boolean;
  /** Embedding size when the request gives no `dimensions`. Default 256. */
  dimensions: number;
}

export const SIMULATOR_DEFAULTS: Readonly<SimulatorOptions> = Object.freeze({
  latencyMs: 150,
  tokensPerSecond: 80,
  outputTokens: 60,
  reasoning: false,
  reasoningTokens: 40,
  failEvery: 0,
  failMidStream: false,
  dimensions: 256,
});

type RawOptions = Record<string, string | number | boolean>;

function numberOption(raw: RawOptions, key: string, fallback: number, min: number): number {
  const value = raw[key];
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? Math.max(min, n) : fallback;
}

function booleanOption(raw: RawOptions, key: string, fallback: boolean): boolean {
  const value = raw[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1 || value === '1') return true;
  if (value === 'false' || value === 0 || value === '0') return false;
  return fallback;
}

export function readSimulatorOptions(raw: RawOptions): SimulatorOptions {
  const d = SIMULATOR_DEFAULTS;
  return {
    latencyMs: numberOption(raw, 'latencyMs', d.latencyMs, 0),
    tokensPerSecond: numberOption(raw, 'tokensPerSecond', d.tokensPerSecond, 0),
    outputTokens: Math.floor(numberOption(raw, 'outputTokens', d.outputTokens, 1)),
    reasoning: booleanOption(raw, 'reasoning', d.reasoning),
    reasoningTokens: Math.floor(numberOption(raw, 'reasoningTokens', d.reasoningTokens, 1)),
    failEvery: Math.floor(numberOption(raw, 'failEvery', d.failEvery, 0)),
    failMidStream: booleanOption(raw, 'failMidStream', d.failMidStream),
    dimensions: Math.floor(numberOption(raw, 'dimensions', d.dimensions, 1)),
  };
}
