import type { Middleware, TurnContext } from 'botbuilder';

/**
 * The turn-state key under which botbuilder-dialogs' DialogStateManager keeps its configuration
 * (`DIALOG_STATE_MANAGER_CONFIGURATION` in botbuilder-dialogs/src/memory/dialogStateManager.ts; not
 * exported). When a turn starts without it, the first DialogContext rebuilds the memory scopes and
 * path resolvers from every registered component, on every turn.
 */
const CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/**
 * Builds the dialogs' memory configuration once and hands it to every later turn. The memory
 * scopes and path resolvers in it are stateless: each call receives the turn's DialogContext.
 */
export class DialogStateConfigCache implements Middleware {
  private configuration: unknown;

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (this.configuration !== undefined) context.turnState.set(CONFIGURATION_KEY, this.configuration);
    await next();
    this.configuration ??= context.turnState.get(CONFIGURATION_KEY);
  }
}
