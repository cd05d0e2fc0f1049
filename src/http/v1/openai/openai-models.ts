/**
 * `GET /v1/models` codec: the OpenAI model list plus a `zhongshu` extension object per model
 * (tier, capabilities, context window, prices per 1M tokens as exact decimal strings).
 */
import type { Currency, Price, Tier } from '../../../core/domain.js';

/** One model the calling key may use, as the route computed it from the catalog. */
export interface ModelListEntry {
  /** Alias name or deployment id, exactly what the client sends as `model`. */
  id: string;
  /** `owned_by`: the provider id for a deployment, `zhongshu` for an alias. */
  ownedBy: string;
  /** Unix seconds; defaults to 0. */
  created?: number;
  kind: 'alias' | 'deployment';
  /** For an alias: the tier of its (first) member deployments. */
  tier?: Tier;
  capabilities: string[];
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Undefined: unpriced (shown as `prices: null`). */
  price?: Price;
}

export interface ModelPricesJson {
  currency: Currency;
  /** Decimal strings, per 1M tokens. */
  input_per_1m: string;
  output_per_1m: string;
  cached_input_per_1m: string;
}

export interface OpenAiModelJson {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  zhongshu: {
    kind: 'alias' | 'deployment';
    tier: Tier | null;
    capabilities: string[];
    context_window: number | null;
    max_output_tokens: number | null;
    prices: ModelPricesJson | null;
  };
}

/** Integer micro-units → exact decimal string: 2_500_000 → "2.5", 150_000 → "0.15". */
export function microsToDecimal(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(micros));
  const whole = Math.floor(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac === '' ? '' : `.${frac}`}`;
}

function toPricesJson(price: Price | undefined): ModelPricesJson | null {
  if (price === undefined) return null;
  return {
    currency: price.currency,
    input_per_1m: microsToDecimal(price.inputPerMTok),
    output_per_1m: microsToDecimal(price.outputPerMTok),
    cached_input_per_1m: microsToDecimal(price.cachedInputPerMTok ?? price.inputPerMTok),
  };
}

export function encodeOpenAiModel(e: ModelListEntry): OpenAiModelJson {
  return {
    id: e.id,
    object: 'model',
    created: e.created ?? 0,
    owned_by: e.ownedBy,
    zhongshu: {
      kind: e.kind,
      tier: e.tier ?? null,
      capabilities: [...e.capabilities],
      context_window: e.contextWindow ?? null,
      max_output_tokens: e.maxOutputTokens ?? null,
      prices: toPricesJson(e.price),
    },
  };
}

export function encodeOpenAiModelList(entries: readonly ModelListEntry[]): { object: 'list'; data: OpenAiModelJson[] } {
  return { object: 'list', data: entries.map(encodeOpenAiModel) };
}
