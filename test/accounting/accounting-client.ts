/**
 * Raw-HTTP client of the accounting suite: OpenAI-format chat calls to the hub (any upstream
 * kind sits behind the same ingress), reading the hub's `x-request-id` so a test can find its
 * own ledger rows, plus the admin calls needed for budgets.
 */
import { ADMIN_PASSWORD, type TestHub } from '../e2e/harness.js';

/** One user message; the hub's estimate adds 3 (reply priming) + 4 (per message) tokens. */
export const PROMPT = 'Count the apples in the basket and explain the result to me';
export const PROMPT_FRAMING_TOKENS = 7;

export interface ChatResult {
  status: number;
  requestId: string;
  body: { error?: { code?: string; type?: string }; choices?: unknown[] };
}

export interface StreamResult {
  status: number;
  requestId: string;
  /** Text of the content deltas received. */
  text: string;
  /** `data:` payloads received (parsed JSON or the raw text). */
  events: unknown[];
}

function requestBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    max_tokens: 256,
    messages: [{ role: 'user', content: PROMPT }],
  });
}

function headers(key: string): Record<string, string> {
  return { 'content-type': 'application/json', authorization: `Bearer ${key}` };
}

export async function chat(hub: TestHub, model: string, key = hub.key): Promise<ChatResult> {
  const res = await fetch(`${hub.url}/v1/chat/completions`, { method: 'POST', headers: headers(key), body: requestBody(model, false) });
  return { status: res.status, requestId: res.headers.get('x-request-id') ?? '', body: (await res.json()) as ChatResult['body'] };
}

function contentOf(payload: unknown): string {
  const choices = (payload as { choices?: { delta?: { content?: unknown } }[] } | null)?.choices;
  const content = choices?.[0]?.delta?.content;
  return typeof content === 'string' ? content : '';
}

/** Splits complete SSE events out of `buffer`; returns the payloads and the rest. */
function takeEvents(buffer: string): { payloads: unknown[]; rest: string } {
  const payloads: unknown[] = [];
  let rest = buffer;
  for (let end = rest.indexOf('\n\n'); end >= 0; end = rest.indexOf('\n\n')) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    for (const line of block.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      try {
        payloads.push(JSON.parse(data));
      } catch {
        payloads.push(data);
      }
    }
  }
  return { payloads, rest };
}

/**
 * Streams a chat answer. With `abortAfterTextEvents`, aborts the request once that many
 * content deltas arrived (the client goes away mid-stream).
 */
export async function stream(hub: TestHub, model: string, abortAfterTextEvents?: number): Promise<StreamResult> {
  const controller = new AbortController();
  const res = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST', headers: headers(hub.key), body: requestBody(model, true), signal: controller.signal,
  });
  const out: StreamResult = { status: res.status, requestId: res.headers.get('x-request-id') ?? '', text: '', events: [] };
  if (!res.body) return out;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let textEvents = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const { payloads, rest } = takeEvents(buffer + decoder.decode(value, { stream: true }));
      buffer = rest;
      for (const p of payloads) {
        out.events.push(p);
        const piece = contentOf(p);
        if (piece !== '') textEvents += 1;
        out.text += piece;
      }
      if (abortAfterTextEvents !== undefined && textEvents >= abortAfterTextEvents) {
        controller.abort();
        break;
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  return out;
}

async function admin<T>(hub: TestHub, token: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${hub.url}/admin/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Creates a virtual key with a hard total budget of `limitMicros` USD; returns the key's secret. */
export async function keyWithBudget(hub: TestHub, name: string, limitMicros: number): Promise<{ id: string; key: string }> {
  const { token } = await admin<{ token: string }>(hub, undefined, 'POST', '/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  const key = await admin<{ id: string; key: string }>(hub, token, 'POST', '/keys', { appId: 'default', name });
  await admin(hub, token, 'POST', '/budgets', { scope: `key:${key.id}`, period: 'total', limitMicros, currency: 'USD', mode: 'hard' });
  return key;
}

/** The value of a Prometheus counter sample (0 when absent). */
export async function metricValue(hub: TestHub, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
