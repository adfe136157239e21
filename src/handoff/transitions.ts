import type { HandoffRequest, Transition } from './types';

/**
 * The handoff state machine, as the transitions the service may ask the store for:
 * bot → queued (request) → assigned (claim, transfer) → bot (release, cancel) or closed (close).
 * A closed conversation may be queued again by a new request.
 */
export const transitions = {
  /** The user (or the bot for them) asks for a person. */
  request: (request: HandoffRequest, now: number): Transition => ({
    from: ['bot', 'closed'],
    create: true,
    patch: { ...request, state: 'queued', owner: null, claimedAt: null, timeoutNotified: false, requestedAt: now },
  }),
  /** "Assign to me": exactly one caseworker wins. */
  claim: (caseworker: string, now: number): Transition => ({ from: ['queued'], patch: { state: 'assigned', owner: caseworker, claimedAt: now } }),
  /** The owner (or an admin, owner undefined) gives it to a colleague. */
  transfer: (owner: string | undefined, to: string): Transition => ({ from: ['assigned'], owner, patch: { owner: to } }),
  /** Hand back to the bot. */
  release: (owner: string | undefined): Transition => ({ from: ['assigned'], owner, patch: { state: 'bot', owner: null } }),
  /** The caseworker ends the conversation (queued or assigned). */
  close: (owner: string | undefined): Transition => ({ from: ['queued', 'assigned'], owner, patch: { state: 'closed', owner: null } }),
  /** The user goes back to the bot. */
  cancel: (): Transition => ({ from: ['queued', 'assigned'], patch: { state: 'bot', owner: null } }),
  /** Marks once that the user was told nobody has claimed the request yet. */
  timeoutNotified: (): Transition => ({ from: ['queued'], unlessFlag: 'timeoutNotified', patch: { timeoutNotified: true } }),
  /** Raises a queued or assigned request to urgent (a safety alarm during a handoff). */
  urgent: (): Transition => ({ from: ['queued', 'assigned'], patch: { priority: 'urgent' } }),
};
