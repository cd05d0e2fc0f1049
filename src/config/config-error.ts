/**
 * A configuration error: one or more issues, each naming where (env variable, or file path +
 * line:column) and what is expected. Raised at start-up or by `zhongshu apply`; never on the
 * request path. Messages never contain secret values.
 */
export interface ConfigIssue {
  /** `PORT`, or a dotted file path such as `deployments[2].price.input`. */
  path: string;
  message: string;
  /** 1-based position in the file, when the issue comes from a file. */
  line?: number;
  column?: number;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(title: string, issues: ConfigIssue[], source?: string) {
    super(`${title}\n${issues.map((i) => `  ${formatIssue(i, source)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue, source?: string): string {
  const where = issue.line !== undefined ? `${source ?? 'line'}:${issue.line}:${issue.column ?? 1} ` : '';
  return `${where}${issue.path}: ${issue.message}`;
}
