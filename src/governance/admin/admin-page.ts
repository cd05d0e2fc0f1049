/** Offset pagination over in-memory lists, with an opaque cursor. */
import { HubError } from '../../core/errors.js';

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  total: number;
  nextCursor: string | null;
}

export function paginate<T>(items: readonly T[], page: PageRequest): Page<T> {
  const offset = page.cursor === undefined ? 0 : Number.parseInt(Buffer.from(page.cursor, 'base64url').toString('utf8'), 10);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new HubError('invalid_request', 'Invalid value at \'cursor\': pass the nextCursor of a previous page.', { param: 'cursor' });
  const data = items.slice(offset, offset + page.limit);
  const next = offset + data.length;
  return { data, total: items.length, nextCursor: next < items.length ? Buffer.from(String(next), 'utf8').toString('base64url') : null };
}
