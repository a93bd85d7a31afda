/** The summary placeholder of imported versions, which `candor check` reports until it is written. */
export const SUMMARY_TODO = 'TODO: say in plain words what this version changed for readers';
export const isSummaryTodo = (summary: string): boolean => /^\s*TODO\b/i.test(summary);
