import {
  ActivityHandler,
  type Activity,
  type BotState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { i18n } from 'i18next';
import { LANGUAGE_DIALOG, ROOT_DIALOG, addRootDialogs } from './rootDialog';
import type { ConversationData, UserProfile } from './profile';
import { normalise } from './text';

export interface IntegrationBotDeps {
  conversationState: BotState;
  userState: BotState;
  i18n: i18n;
  defaultLocale: string;
  enabledLocales: string[];
}

/**
 * The bot: welcomes a newcomer, says it is a bot, asks for a language and keeps it. Every turn
 * reads its state once at the start and writes it once at the end (see TurnSerializer).
 */
export class IntegrationBot extends ActivityHandler {
  readonly profile: StatePropertyAccessor<UserProfile>;
  readonly conversationData: StatePropertyAccessor<ConversationData>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;
  private readonly languageWords: Set<string>;

  constructor(private readonly deps: IntegrationBotDeps) {
    super();
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.conversationData = deps.conversationState.createProperty<ConversationData>('data');
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialog');
    this.dialogs = new DialogSet(this.dialogState);
    addRootDialogs(this.dialogs, { i18n: deps.i18n, profile: this.profile, locales: deps.enabledLocales, localeOf: (ctx) => this.localeOf(ctx) });
    this.languageWords = new Set(
      deps.enabledLocales.flatMap((lng) => (deps.i18n.t('language.command', { lng, returnObjects: true }) as string[]).map(normalise)),
    );

    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      if (joined) await this.converse(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.converse(context);
      await next();
    });
  }

  /** The language the bot speaks to this user: their choice, else the service's default. */
  async localeOf(context: TurnContext): Promise<string> {
    const profile = await this.profile.get(context, {});
    return profile.locale && this.deps.enabledLocales.includes(profile.locale) ? profile.locale : this.deps.defaultLocale;
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.conversationState.saveChanges(context);
    await this.deps.userState.saveChanges(context);
  }

  private async converse(context: TurnContext): Promise<void> {
    const data = await this.conversationData.get(context, { turns: 0 });
    data.turns += 1;
    if (!data.welcomed) {
      data.welcomed = true;
      await this.say(context, 'welcome.hello');
    }
    const dc = await this.dialogs.createContext(context);
    if (context.activity.type === 'message' && this.languageWords.has(normalise(context.activity.text ?? ''))) {
      await dc.cancelAllDialogs();
      await dc.beginDialog(LANGUAGE_DIALOG);
      return;
    }
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(ROOT_DIALOG);
  }

  private async say(context: TurnContext, key: string): Promise<void> {
    const lng = await this.localeOf(context);
    await context.sendActivity({ type: 'message', text: this.deps.i18n.t(key, { lng }), locale: lng } as Partial<Activity>);
  }
}
