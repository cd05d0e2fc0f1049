/**
 * Turns a failed zod parse of a request body into one `invalid_request` HubError whose message
 * names the JSON path (`messages[0].content[1].image_url.url`) and what is expected there.
 */
import type { z } from 'zod';
import { HubError } from '../../core/errors.js';

type Issue = z.core.$ZodIssue;

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

interface Described {
  path: PropertyKey[];
  message: string;
}

function stripPrefix(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/^Invalid discriminator value\. Expected /, 'expected one of ');
}

/**
 * A union failed: report the branch that got furthest (deepest path) — that is the shape the
 * client most likely meant. When every branch failed at the top, list what was expected.
 */
function describeUnion(issue: Issue & { code: 'invalid_union' }): Described {
  const base = [...issue.path];
  const firsts = issue.errors.map((branch) => branch[0]).filter((i): i is Issue => i !== undefined);
  if (firsts.length === 0) return { path: base, message: stripPrefix(issue.message) };
  // A branch whose type matched but failed a constraint beats one of the wrong type.
  const score = (i: Issue) => i.path.length * 2 + (i.code === 'invalid_type' ? 0 : 1);
  const deepest = firsts.reduce((a, b) => (score(b) > score(a) ? b : a));
  if (deepest.path.length === 0) {
    const expected = firsts
      .map((i) => (i.code === 'invalid_type' ? i.expected : undefined))
      .filter((e): e is NonNullable<typeof e> => e !== undefined);
    if (expected.length === firsts.length) {
      return { path: base, message: `expected ${[...new Set(expected)].join(' or ')}` };
    }
  }
  const inner = describeIssue(deepest);
  return { path: [...base, ...inner.path], message: inner.message };
}

function describeIssue(issue: Issue): Described {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) return describeUnion(issue);
  if (issue.code === 'unrecognized_keys') {
    return { path: [...issue.path], message: `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}` };
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return { path: [...issue.path], message: `required, expected ${issue.expected}` };
  }
  return { path: [...issue.path], message: stripPrefix(issue.message) };
}

/**
 * The first issue becomes the message (one clear thing to fix); `param` is its path.
 * `root` prefixes the path when the schema validated a sub-object.
 */
export function invalidRequestFromZod(error: z.ZodError, root: readonly PropertyKey[] = []): HubError {
  const first = error.issues[0];
  if (first === undefined) return new HubError('invalid_request', 'Invalid request body.');
  const d = describeIssue(first);
  const path = formatJsonPath([...root, ...d.path]);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  const where = path === '' ? 'the request body' : `'${path}'`;
  return new HubError('invalid_request', `Invalid value at ${where}: ${d.message}${more}.`, {
    ...(path === '' ? {} : { param: path }),
  });
}
