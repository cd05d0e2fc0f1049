/**
 * Audit snapshots never carry secrets: fields whose name says secret are dropped (a mask may
 * stay, since it is the displayable form), recursively. Services also build their snapshots
 * from allow-listed views; this is the second line of defence.
 */
const SECRET_FIELD = /^(hash|passwordhash|password|newpassword|currentpassword|secret|key|apikey|token|ciphertext|iv|tag|authorization)$/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || SECRET_FIELD.test(k)) continue;
    out[k] = redactSecrets(v);
  }
  return out;
}

const SECRET_HEADER = /(auth|key|token|secret|cookie|signature)/i;

/** Provider headers as shown and audited: values of secret-looking headers become `***`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADER.test(k) ? '***' : v]));
}
