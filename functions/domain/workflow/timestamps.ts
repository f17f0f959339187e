/** An instant (epoch milliseconds) as the ISO 8601 text the workflow state and the audit trail carry. */
export const iso = (ms: number): string => new Date(ms).toISOString();
