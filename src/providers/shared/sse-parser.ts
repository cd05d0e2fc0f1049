/**
 * Server-sent events parser shared by every streaming adapter.
 *
 * Tolerates every framing quirk upstreams produce: `event:` lines (Anthropic), comment lines
 * such as `: keep-alive` (DeepSeek), CRLF or LF line ends, blank lines between events,
 * multi-line `data:`, and chunks split anywhere (even inside a UTF-8 sequence).
 * At a clean end of input, a last line without its newline and a last event without its blank
 * line are still delivered (some servers end with `data: [DONE]` and no newline); a cut-off
 * JSON payload then fails to parse in the adapter, which reports it. A broken connection is
 * not a clean end: the body iterator throws, and so does this parser.
 * Lines end with LF or CRLF (a lone CR is not treated as a line end). A UTF-8 byte order mark
 * at the very start is skipped.
 *
 * Lines are cut on the bytes (LF never occurs inside a UTF-8 sequence) and each complete line
 * is decoded on its own, so no streaming TextDecoder (about 1 KB of native converter state per
 * open stream) is needed; an unfinished line is kept as a copy of its bytes until its LF comes.
 */

export interface SseEvent {
  /** The `event:` name, when the server sent one. */
  event?: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

const LF = 10;
const CR = 13;
const BOM = [0xef, 0xbb, 0xbf];

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A copy of `bytes` from `start` in its own memory (not a slice of a shared pool or chunk). */
function copyFrom(bytes: Buffer, start: number): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length - start);
  bytes.copy(copy, 0, start);
  return copy;
}

/** True when `bytes` starts with (the first bytes of) a UTF-8 BOM: a BOM may arrive split. */
function startsWithBomPrefix(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, BOM.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== BOM[i]) return false;
  return true;
}

/** The events of a body one at a time. */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  for await (const batch of parseSseBatches(body)) yield* batch;
}

/**
 * The events of a body, as batches: every event completed by one chunk of the body (one
 * network read) comes in one array, never empty. A reader that handles a whole batch before
 * it awaits the next pays one asynchronous step per read instead of one per event.
 */
export async function* parseSseBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent[]> {
  /** Bytes of an unfinished line (a copy: the chunk it came from is not kept alive). */
  let pending: Buffer | undefined;
  let atStart = true;
  let eventName: string | undefined;
  let dataLines: string[] = [];

  const takeEvent = (): SseEvent | undefined => {
    if (dataLines.length === 0) {
      eventName = undefined;
      return undefined;
    }
    const ev: SseEvent = eventName === undefined ? { data: dataLines.join('\n') } : { event: eventName, data: dataLines.join('\n') };
    eventName = undefined;
    dataLines = [];
    return ev;
  };

  const feedLine = (line: string): SseEvent | undefined => {
    if (line === '') return takeEvent();
    if (line.charCodeAt(0) === 58 /* ':' */) return undefined; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    if (field === 'data') dataLines.push(value);
    else if (field === 'event') eventName = value;
    return undefined;
  };

  for await (const chunk of body) {
    let bytes = pending === undefined ? asBuffer(chunk) : Buffer.concat([pending, chunk]);
    pending = undefined;
    if (atStart) {
      if (bytes.length < BOM.length && startsWithBomPrefix(bytes)) {
        pending = copyFrom(bytes, 0);
        continue;
      }
      atStart = false;
      if (startsWithBomPrefix(bytes)) bytes = bytes.subarray(BOM.length);
    }
    let start = 0;
    let batch: SseEvent[] | undefined;
    for (;;) {
      const nl = bytes.indexOf(LF, start);
      if (nl === -1) break;
      const end = nl > start && bytes[nl - 1] === CR ? nl - 1 : nl;
      const ev = feedLine(bytes.toString('utf8', start, end));
      start = nl + 1;
      if (ev) (batch ??= []).push(ev);
    }
    if (start < bytes.length) pending = copyFrom(bytes, start);
    if (batch) yield batch;
  }
  const tail: SseEvent[] = [];
  if (pending !== undefined && pending.length > 0) {
    const end = pending[pending.length - 1] === CR ? pending.length - 1 : pending.length;
    const ev = feedLine(pending.toString('utf8', 0, end));
    if (ev) tail.push(ev);
  }
  const last = takeEvent();
  if (last) tail.push(last);
  if (tail.length > 0) yield tail;
}

/**
 * Reads what is left of an SSE body after its last meaningful event (OpenAI `[DONE]`,
 * Anthropic `message_stop`) without delivering it, for at most `graceMs`.
 *
 * Why: a server normally ends the response right after its final event, but the end of the
 * HTTP body may arrive a moment later. Abandoning the iterator at the final event destroys the
 * body and with it the keep-alive connection; reading on to the end returns the connection to
 * the pool. For a server that keeps the stream open, give up after `graceMs`; the caller's
 * `events.return()` then runs once the pending read settles (server close or idle timeout).
 * Errors in the tail are ignored: the answer was already complete.
 */
export async function drainSseTail(events: AsyncIterator<unknown>, graceMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  try {
    for (;;) {
      const next = events.next();
      next.catch(() => undefined);
      const r = await Promise.race([next, timeout]);
      if (r === 'timeout' || r.done) return;
    }
  } catch {
    // The tail is irrelevant once the answer is complete.
  } finally {
    clearTimeout(timer);
  }
}
