/**
 * Server-sent events parser shared by every streaming adapter.
 *
 * Tolerates every framing quirk upstreams produce: `event:` lines (Anthropic), comment lines
 * such as `: keep-alive` (DeepSeek), CRLF or LF line ends, blank lines between events,
 * multi-line `data:`, and chunks split anywhere (even inside a UTF-8 sequence).
 * A trailing line without a newline at end of input is incomplete and is dropped; a complete
 * trailing event without its blank line is still delivered.
 */

export interface SseEvent {
  /** The `event:` name, when the server sent one. */
  event?: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
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
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf('\n', start);
      if (nl === -1) break;
      const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const ev = feedLine(buffer.slice(start, end));
      start = nl + 1;
      if (ev) yield ev;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  // `buffer` now holds an unterminated line: incomplete, dropped.
  const last = takeEvent();
  if (last) yield last;
}
