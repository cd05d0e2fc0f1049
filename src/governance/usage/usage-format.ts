/**
 * Presentation helpers for usage data: exact decimal strings for integer micro-units, and
 * RFC 4180 CSV with spreadsheet formula-injection protection.
 */

/** `1234567` → `"1.234567"`, `-5` → `"-0.000005"`: exact, never through floating point. */
export function formatMicros(micros: number): string {
  const negative = micros < 0;
  const digits = String(Math.abs(micros)).padStart(7, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

/**
 * One CSV cell. Numbers are written as is. Text is quoted when it holds a comma, quote, CR or
 * LF (quotes doubled); text starting with `=`, `+`, `-`, `@`, TAB or CR (a formula to Excel or
 * WPS) gets a leading `'` so opening the file never executes it — client-supplied tags such as
 * end users reach these files.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: header line, then one line per row, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
