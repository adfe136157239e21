import { type BotState, ConversationState, UserState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';

/**
 * botbuilder's `BotState` tells whether a turn changed its state by a change hash: its JSON
 * (botbuilder's stringify, with a replacer function called for every value) hashed with SHA-256,
 * computed when the state is loaded, again when it is saved and once more after a write: four to
 * six times a turn for the conversation's and the user's state. These states keep the plain JSON
 * as the change mark instead: the same test (saved when its JSON, eTag aside, differs from the
 * loaded one's), without the replacer walk or the hash. Otherwise they behave as botbuilder's
 * (`force`, `clear`, `delete`, `get`, the cache in `turnState`).
 */
interface Cached {
  state: Record<string, unknown>;
  /** The state's JSON without its eTag when loaded or last saved ('' after `clear`: always saved). */
  mark: string;
}

function changeMark(state: Record<string, unknown>): string {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { eTag, ...rest } = state;
  return JSON.stringify(rest);
}

interface StateInternals {
  readonly storage: { read(keys: string[]): Promise<Record<string, unknown>>; write(changes: Record<string, unknown>, json?: Record<string, string>): Promise<void>; delete(keys: string[]): Promise<void> };
  readonly storageKey: (context: TurnContext) => string | Promise<string>;
  /** The key without a promise (ConversationState's and UserState's getStorageKey); '' or undefined: ask `storageKey`. */
  keyNow?: (context: TurnContext) => string | undefined;
  readonly slot: symbol;
}

async function load(self: StateInternals, context: TurnContext, force: boolean): Promise<Record<string, unknown>> {
  const cached = context.turnState.get(self.slot) as Cached | undefined;
  if (!force && cached?.state) return cached.state;
  const key = await self.storageKey(context);
  const items = await self.storage.read([key]);
  const state = (items[key] as Record<string, unknown> | undefined) ?? {};
  context.turnState.set(self.slot, { state, mark: changeMark(state) } satisfies Cached);
  return state;
}

async function saveChanges(self: StateInternals, context: TurnContext, force: boolean): Promise<void> {
  let cached = context.turnState.get(self.slot) as Cached | undefined;
  const mark = cached ? changeMark(cached.state) : '';
  if (!force && !(cached && cached.mark !== mark)) return;
  // A key given at once: no await between the mark and the write, so the mark is the JSON written.
  const now = self.keyNow?.(context);
  const key = now || (await self.storageKey(context));
  const json = now ? mark : '';
  cached ??= { state: {}, mark: '' };
  cached.state.eTag = '*';
  // the change mark is the state's JSON without its eTag: TurnScopedStorage takes it as the write's (other storages ignore it)
  await self.storage.write({ [key]: cached.state }, json ? { [key]: json } : undefined);
  // what was written (the storage copies it at once); botbuilder hashes again after the write
  cached.mark = mark || changeMark(cached.state);
  context.turnState.set(self.slot, cached);
}

function get(self: StateInternals, context: TurnContext): Record<string, unknown> | undefined {
  const cached = context.turnState.get(self.slot) as Cached | undefined;
  return typeof cached === 'object' && typeof cached.state === 'object' ? cached.state : undefined;
}

async function remove(self: StateInternals, context: TurnContext): Promise<void> {
  context.turnState.delete(self.slot);
  const key = await self.storageKey(context);
  await self.storage.delete([key]);
}

/**
 * A state property as botbuilder's accessor gives it (the same object, a default value set as a
 * JSON copy), read straight from the turn's loaded state when it is loaded: botbuilder's accessor
 * loads through two promise chains (downlevelled generators) on every get, and a turn asks for
 * its properties dozens of times (dialog state, profile, conversation data).
 */
class LeanAccessor<T> implements StatePropertyAccessor<T> {
  constructor(private readonly state: BotState, private readonly name: string) {}

  private loaded(context: TurnContext): Promise<Record<string, unknown>> | Record<string, unknown> {
    return (this.state.get(context) as Record<string, unknown> | undefined) ?? (this.state.load(context) as Promise<Record<string, unknown>>);
  }

  get(context: TurnContext): Promise<T | undefined>;
  get(context: TurnContext, defaultValue: T): Promise<T>;
  get(context: TurnContext, defaultValue?: T): Promise<T | undefined> {
    const obj = this.loaded(context);
    return obj instanceof Promise ? obj.then((o) => this.pick(o, defaultValue)) : Promise.resolve(this.pick(obj, defaultValue));
  }

  private pick(obj: Record<string, unknown>, defaultValue: T | undefined): T | undefined {
    if (!Object.prototype.hasOwnProperty.call(obj, this.name) && defaultValue !== undefined) {
      obj[this.name] = typeof defaultValue === 'object' ? (JSON.parse(JSON.stringify(defaultValue)) as T) : defaultValue;
    }
    return obj[this.name] as T | undefined;
  }

  async set(context: TurnContext, value: T): Promise<void> {
    const obj = await this.loaded(context);
    obj[this.name] = value;
  }

  async delete(context: TurnContext): Promise<void> {
    const obj = await this.loaded(context);
    if (Object.prototype.hasOwnProperty.call(obj, this.name)) delete obj[this.name];
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must take any constructor arguments
type StateClass = new (...args: any[]) => BotState;

/** A botbuilder state class with a JSON change mark instead of a hash, and lean property accessors (see above). */
function lean<B extends StateClass>(Base: B, slot: string) {
  return class LeanState extends Base {
    readonly lean: StateInternals = {
      storage: this.storage,
      storageKey: this.storageKey,
      // the same key (and the same errors) as storageKey, which wraps it in a promise
      keyNow: (context) => (this as { getStorageKey?: (c: TurnContext) => string | undefined }).getStorageKey?.(context),
      slot: Symbol(slot),
    };
    override createProperty<T = unknown>(name: string): StatePropertyAccessor<T> {
      return new LeanAccessor<T>(this, name);
    }
    override load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
      return load(this.lean, context, force);
    }
    override saveChanges(context: TurnContext, force = false): Promise<void> {
      return saveChanges(this.lean, context, force);
    }
    override async clear(context: TurnContext): Promise<void> {
      context.turnState.set(this.lean.slot, { state: {}, mark: '' } satisfies Cached);
    }
    override delete(context: TurnContext): Promise<void> {
      return remove(this.lean, context);
    }
    override get(context: TurnContext): Record<string, unknown> | undefined {
      return get(this.lean, context);
    }
  };
}

/** ConversationState, lean. */
export class LeanConversationState extends lean(ConversationState, 'leanConversationState') {}

/** UserState, lean. */
export class LeanUserState extends lean(UserState, 'leanUserState') {}
