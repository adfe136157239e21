import type { Response } from 'restify';

/** A refusal with Direct Line's error body `{ error: { code, message } }`. */
export class DirectLineError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = 'DirectLineError';
  }
}

/** The conversation does not exist (never started, expired or forgotten). */
export function conversationNotFound(): DirectLineError {
  return new DirectLineError(404, 'ConversationNotFound', 'There is no such conversation (it may have expired).');
}

export function sendError(res: Response, status: number, code: string, message: string, retryAfterSeconds?: number): void {
  if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
  res.status(status);
  res.json({ error: { code, message } });
}

/** Answers with the error if it is a DirectLineError; otherwise lets the caller handle it. */
export function sendIfRefusal(res: Response, err: unknown): boolean {
  if (!(err instanceof DirectLineError)) return false;
  sendError(res, err.status, err.code, err.message, err.retryAfterSeconds);
  return true;
}
