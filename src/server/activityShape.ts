/**
 * The types of an incoming activity's fields, checked before a turn runs: a field of the wrong type
 * (a `text` object, a `locale` number) is refused with a message naming it, instead of failing the
 * turn somewhere inside the bot. Unknown fields pass; Bot Framework adds fields over time.
 */

type Kind = 'string' | 'object' | 'array' | 'date';

const FIELDS: Record<string, Kind> = {
  type: 'string',
  id: 'string',
  channelId: 'string',
  serviceUrl: 'string',
  text: 'string',
  locale: 'string',
  textFormat: 'string',
  speak: 'string',
  inputHint: 'string',
  summary: 'string',
  replyToId: 'string',
  name: 'string',
  attachmentLayout: 'string',
  localTimezone: 'string',
  action: 'string',
  topicName: 'string',
  valueType: 'string',
  label: 'string',
  importance: 'string',
  deliveryMode: 'string',
  callerId: 'string',
  timestamp: 'date',
  localTimestamp: 'date',
  expiration: 'date',
  from: 'object',
  recipient: 'object',
  conversation: 'object',
  channelData: 'object',
  suggestedActions: 'object',
  relatesTo: 'object',
  semanticAction: 'object',
  attachments: 'array',
  entities: 'array',
  membersAdded: 'array',
  membersRemoved: 'array',
  reactionsAdded: 'array',
  reactionsRemoved: 'array',
  listenFor: 'array',
  textHighlights: 'array',
};

/** Accounts whose `id` the bot reads: each must be an object with a string id. */
const ACCOUNTS = ['from', 'recipient', 'conversation'] as const;
const ACCOUNT_LISTS = ['membersAdded', 'membersRemoved'] as const;
/** Lists of objects the bot looks into. */
const OBJECT_LISTS = ['attachments', 'entities', 'reactionsAdded', 'reactionsRemoved', 'textHighlights'] as const;

const MAX_LOCALE_CHARS = 50;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOk(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  }
}

/** FIELDS as a list, made once (this runs on every incoming activity). */
const FIELD_LIST = Object.entries(FIELDS);

const EXPECTED: Record<Kind, string> = { string: 'a string', object: 'an object', array: 'an array', date: 'an ISO 8601 date string' };

/** What is wrong with the types of an activity's fields (naming the field), or undefined. `null` counts as absent. */
export function activityFieldProblem(activity: Record<string, unknown>): string | undefined {
  for (const [field, kind] of FIELD_LIST) {
    const value = activity[field];
    if (value === undefined || value === null) continue;
    if (!kindOk(kind, value)) return `The activity's "${field}" must be ${EXPECTED[kind]}.`;
  }
  for (const field of ACCOUNTS) {
    const account = activity[field] as Record<string, unknown> | undefined | null;
    if (account && account.id !== undefined && typeof account.id !== 'string') return `The activity's "${field}.id" must be a string.`;
    if (account && account.name !== undefined && account.name !== null && typeof account.name !== 'string') return `The activity's "${field}.name" must be a string.`;
  }
  for (const field of ACCOUNT_LISTS) {
    const list = activity[field] as unknown[] | undefined | null;
    if (list && !list.every((m) => isObject(m) && typeof m.id === 'string')) return `Each of the activity's "${field}" must be an object with a string "id".`;
  }
  for (const field of OBJECT_LISTS) {
    const list = activity[field] as unknown[] | undefined | null;
    if (list && !list.every(isObject)) return `Each of the activity's "${field}" must be an object.`;
  }
  const suggested = activity.suggestedActions as Record<string, unknown> | undefined | null;
  if (suggested && suggested.actions !== undefined && !Array.isArray(suggested.actions)) return 'The activity\'s "suggestedActions.actions" must be an array.';
  if (typeof activity.locale === 'string' && activity.locale.length > MAX_LOCALE_CHARS) return `The activity's "locale" must be at most ${MAX_LOCALE_CHARS} characters.`;
  return undefined;
}
