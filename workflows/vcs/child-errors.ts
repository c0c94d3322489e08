/**
 * True when a child workflow could not start because one with its ID is running (the same work is under way).
 * Matched by name: the error class lives in @temporalio/common, which workflow code does not import.
 */
export function isAlreadyStarted(err: unknown): boolean {
  return err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError';
}
