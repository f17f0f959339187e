/**
 * The stream consumer functions, as pure data (no CDK import): read by CDK (`constructs/tracking-outbox.ts`), the local
 * runtime (which feeds the emulated audit stream to the same module) and the cold-start benchmark.
 */

/** The audit table's stream consumer: starts the tracking executions the outbox asks for. */
export const FOLLOW_SUBSCRIBERS_ENTRY = 'functions/streams/follow-subscribers.ts';
