import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, HubError, type ErrorCode } from '../../src/core/errors.js';
import { anthropicErrorType, openAiErrorType } from '../../src/http/errors/index.js';

const docsPath = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

interface DocRow {
  code: string;
  status: number;
  retryable: string;
  failover: string;
  openAiType: string;
  anthropicType: string;
  description: string;
  descriptionZh: string;
}

function catalogRows(): Map<string, DocRow> {
  const rows = new Map<string, DocRow>();
  for (const line of readFileSync(docsPath, 'utf8').split('\n')) {
    const m = /^\|\s*`([a-z_]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    const cells = (m[2] as string).split('|').map((c) => c.trim().replace(/^`|`$/g, ''));
    const [status, retryable, failover, openAiType, anthropicType, description, descriptionZh] = cells;
    rows.set(m[1] as string, {
      code: m[1] as string,
      status: Number(status),
      retryable: retryable ?? '',
      failover: failover ?? '',
      openAiType: openAiType ?? '',
      anthropicType: anthropicType ?? '',
      description: description ?? '',
      descriptionZh: descriptionZh ?? '',
    });
  }
  return rows;
}

describe('docs/errors.md', () => {
  const rows = catalogRows();

  it('lists every catalog code, and nothing else', () => {
    const documented = [...rows.keys()].sort();
    const catalog = Object.keys(ERROR_CATALOG).sort();
    expect(documented.filter((c) => !catalog.includes(c))).toEqual([]);
    expect(catalog.filter((c) => !documented.includes(c))).toEqual([]);
  });

  it('states the catalog status, retryable and failover of each code', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOG)) {
      const row = rows.get(code);
      expect(row, code).toBeDefined();
      expect({ code, status: row?.status, retryable: row?.retryable, failover: row?.failover }).toEqual({
        code,
        status: spec.status,
        retryable: spec.retryable ? 'yes' : 'no',
        failover: spec.failover ? 'yes' : 'no',
      });
    }
  });

  it('states the wire error types the mapping really uses, with an English and a Chinese description', () => {
    for (const code of Object.keys(ERROR_CATALOG) as ErrorCode[]) {
      const row = rows.get(code);
      const err = new HubError(code, 'x');
      expect({ code, openai: row?.openAiType, anthropic: row?.anthropicType }).toEqual({
        code,
        openai: openAiErrorType(err),
        anthropic: anthropicErrorType(err),
      });
      expect(row?.description.length, code).toBeGreaterThan(10);
      expect(row?.descriptionZh, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
