/**
 * Whether an error means the shared store (Redis) cannot be reached right now, rather than a bug:
 * such a request is answered 503 with Retry-After, so clients wait and retry instead of giving up.
 */

/** What a 503 for an outage tells the client to wait, in seconds. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

const OUTAGE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'StoreUnavailableError']);
const OUTAGE_MESSAGES = /^(Connection is closed\.|Command timed out|Stream isn't writeable|Cluster isn't ready|Connection in subscriber mode)/;
const OUTAGE_REPLIES = /^(LOADING|READONLY|CLUSTERDOWN|MASTERDOWN|TRYAGAIN|BUSY) /;
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isStoreOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return OUTAGE_NAMES.has(err.name) || OUTAGE_MESSAGES.test(err.message) || OUTAGE_REPLIES.test(err.message) || (typeof code === 'string' && OUTAGE_CODES.has(code));
}
