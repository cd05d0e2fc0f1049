/** Placeholder replaced below. */
export function runDecisionCost(): string {
  return '';
}
