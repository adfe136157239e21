import {
  ActivityHandler,
  type Activity,
  type BotState,
  type StatePropertyAccessor,
  TurnContext,
} from 'botbuilder';
import { DialogReason, DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { i18n } from 'i18next';
import { LANGUAGE_DIALOG, ROOT_DIALOG, addRootDialogs, hintedLocale, type LanguageOptions } from './rootDialog';
import type { ConversationData, UserProfile } from './profile';
import { CommandWords, type Command, type CommandDetector } from './commands';
import { Understanding } from './understanding';
import { asciiDigits, fold } from '../nlu/fold';
import type { Recognizer } from '../nlu';
import { PATH_DIALOG, PathDialog, type PathEngineDeps, type PathOptions } from '../paths/engine';
import { Wording } from '../paths/wording';
import { subtopicNode } from '../paths/graph';
import type { PathGraph } from '../paths/types';
import { isTeamsTeam } from '../channels/teams/scope';
import type { SafetyCheckStore } from './safetyMiddleware';
import type { SafetyKind } from '../nlu/safety';

/** The event the web page sends when its language changes (`value`: the language code). */
export const SET_LANGUAGE_EVENT = 'setLanguage';

/** How sure the language guess must be before the bot offers to switch (names and codes such as "DU1, DU2" are not sure). */
const MIN_SWITCH_CONFIDENCE = 0.6;

export interface IntegrationBotDeps {
  conversationState: BotState;
  userState: BotState;
  i18n: i18n;
  defaultLocale: string;
  enabledLocales: string[];
  /** The paths (dialogs/), loaded and checked once at start-up. */
  graph: PathGraph;
  /**
   * Understands free text on the paths (commands, yes/no, topics) and tells the language a message
   * is written in. Without it only the exact words in locales/<lng>/commands.json count.
   */
  recognizer?: Recognizer;
  /** "Delete my data": erases what every other part keeps about the user (their other conversations, the web chat's log, ...). */
  eraseUser?: (context: TurnContext) => Promise<void>;
  /** Asks for a caseworker (src/handoff): a path's handoff node and the "person" command end up here. */
  requestHandoff?: PathEngineDeps['requestHandoff'];
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
  /** What the paths use to read free text: word lists, then the recogniser. */
  readonly commands: CommandDetector;
  /** Exact command words only: what may interrupt any step, even a prompt that expects other words. */
  private readonly words: CommandWords;
  private readonly buttonLabels = new Map<string, Set<string>>();

  constructor(private readonly deps: IntegrationBotDeps) {
    super();
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.conversationData = deps.conversationState.createProperty<ConversationData>('data');
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialog');
    this.dialogs = new DialogSet(this.dialogState);
    const { graph } = deps;
    addRootDialogs(this.dialogs, {
      i18n: deps.i18n,
      profile: this.profile,
      conversation: this.conversationData,
      locales: deps.enabledLocales,
      localeOf: (ctx) => this.localeOf(ctx),
      starts: { welcome: graph.welcomeStart, menu: graph.menuStart },
    });
    this.words = new CommandWords(deps.i18n, deps.enabledLocales);
    const wording = new Wording(deps.i18n, graph.facts, deps.enabledLocales, deps.defaultLocale);
    // Every button text of the paths, per language: a button is never read as a message in another language.
    for (const lng of deps.enabledLocales) {
      const set = new Set<string>();
      for (const node of graph.nodes.values()) for (const c of ('choices' in node ? node.choices : undefined) ?? []) set.add(fold(wording.path(c.label, lng)));
      this.buttonLabels.set(lng, set);
    }
    this.commands = deps.recognizer ? new Understanding(this.words, deps.recognizer) : this.words;
    this.dialogs.add(
      new PathDialog({
        graph,
        wording,
        commands: this.commands,
        profile: this.profile,
        localeOf: (ctx) => this.localeOf(ctx),
        eraseUserData: async (ctx) => {
          // first what the other parts keep (it needs the user's state, and may fail: then nothing is said to be deleted)
          await deps.eraseUser?.(ctx);
          await deps.conversationState.delete(ctx);
          await deps.userState.delete(ctx);
        },
        requestHandoff: deps.requestHandoff,
      }),
    );

    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      // In a Teams team the bot serves caseworkers: people joining the team are not welcomed as newcomers.
      if (joined && !isTeamsTeam(context.activity)) await this.converse(context);
      await next();
    });

    // The web page's language button: the bot speaks the new language from now on.
    this.onEvent(async (context, next) => {
      if (context.activity.name === SET_LANGUAGE_EVENT) await this.setLanguage(context, String(context.activity.value ?? ''));
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.converse(context);
      await next();
    });
  }

  /** The language the bot speaks to this user: their choice, else the service's default. */
  async localeOf(context: TurnContext): Promise<string> {
    // No default object: reading must not create state (it would be written back after "delete my data").
    // Asked several times a turn (screen, transcript, router, bot): once the turn's user state is
    // loaded, read it where the accessor would, without its promise chain.
    const loaded = this.deps.userState.get(context) as { profile?: UserProfile } | undefined;
    const profile = (loaded ? loaded.profile : await this.profile.get(context)) ?? {};
    return profile.locale && this.deps.enabledLocales.includes(profile.locale) ? profile.locale : this.deps.defaultLocale;
  }

  /** Where the safety screen keeps its borderline question (conversation state, written with the turn). */
  readonly safetyChecks: SafetyCheckStore = {
    get: async (ctx) => (await this.conversationData.get(ctx))?.safetyCheck as SafetyKind | undefined,
    set: async (ctx, kind) => {
      const data = await this.conversationData.get(ctx, { turns: 0 });
      if (kind) data.safetyCheck = kind;
      else delete data.safetyCheck;
      await this.deps.conversationState.saveChanges(ctx);
    },
  };

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.conversationState.saveChanges(context);
    await this.deps.userState.saveChanges(context);
  }

  private async converse(context: TurnContext): Promise<void> {
    this.stampOutgoing(context);
    const data = await this.conversationData.get(context, { turns: 0 });
    data.turns += 1;
    if (!data.welcomed) {
      data.welcomed = true;
      // Before a language is chosen, greet in the language the channel or page hints at.
      const chosen = (await this.profile.get(context))?.locale;
      const lng = chosen && this.deps.enabledLocales.includes(chosen) ? chosen : (hintedLocale(context.activity.locale, this.deps.enabledLocales) ?? this.deps.defaultLocale);
      await context.sendActivity({ type: 'message', text: this.deps.i18n.t('welcome.hello', { lng }), locale: lng, channelData: { node: 'welcome.hello' } } as Partial<Activity>);
    }
    const dc = await this.dialogs.createContext(context);
    // In a Teams group chat the message starts with "<at>bot</at>": answers and commands are what follows.
    if (context.activity.type === 'message' && context.activity.entities?.some((e) => e.type === 'mention')) TurnContext.removeRecipientMention(context.activity);
    // A bare number in any script ("٣", "۳", "፫") answers like "3" everywhere, the language prompt included.
    if (context.activity.type === 'message' && context.activity.text && /^\s*\S{1,3}\s*$/.test(context.activity.text)) {
      const digits = asciiDigits(context.activity.text);
      if (/^\s*\d{1,2}\s*$/.test(digits)) context.activity.text = digits.trim();
    }
    const text = context.activity.type === 'message' ? (context.activity.text ?? '') : '';
    const locale = await this.localeOf(context);
    const command: Command | undefined = text ? await this.words.detectCommand(text, locale) : undefined;
    const onPath = dc.stack.some((d) => d.id === PATH_DIALOG);
    const choosingLanguage = dc.stack.some((d) => d.id === LANGUAGE_DIALOG);
    if (command === 'language' || (!command && onPath && !choosingLanguage && (await this.writesAnotherLanguage(text, locale)))) {
      const offer = command === 'language' ? undefined : await this.likelyLanguages(text, locale);
      if (onPath && !choosingLanguage) {
        // On top of the path: when the language is settled, the path says where the user was.
        await dc.beginDialog(LANGUAGE_DIALOG, { offer } satisfies LanguageOptions);
      } else {
        await dc.cancelAllDialogs();
        await dc.beginDialog(ROOT_DIALOG, { language: true });
      }
      return;
    }
    if (choosingLanguage && (command === 'back' || command === 'menu')) {
      const user = await this.profile.get(context);
      if (user?.locale) {
        // The language stays as it was: back returns to where the user was, menu goes to the main menu.
        if (command === 'back' && onPath) {
          // The stack grows at its end: drop the language dialog and its prompt above the path.
          const at = dc.stack.findIndex((d) => d.id === PATH_DIALOG);
          dc.stack.splice(at + 1);
          await this.dialogs.find(PATH_DIALOG)!.resumeDialog(dc, DialogReason.endCalled);
        } else {
          await dc.cancelAllDialogs();
          await dc.beginDialog(ROOT_DIALOG, { start: this.deps.graph.menuStart } satisfies PathOptions);
        }
        return;
      }
    }
    if ((command === 'delete_data' || command === 'stop' || command === 'human') && !dc.stack.some((d) => d.id === PATH_DIALOG)) {
      // Works before the paths have begun too (even before a language is chosen).
      await dc.cancelAllDialogs();
      await dc.beginDialog(PATH_DIALOG, { command } satisfies PathOptions);
      return;
    }
    const result = await dc.continueDialog();
    if (result.status !== DialogTurnStatus.empty) return;
    const options: PathOptions = command === 'human' ? { command } : command === 'menu' ? { start: this.deps.graph.menuStart } : {};
    const first = !command && text ? await this.firstMessageLanguage(context, text) : undefined;
    if (first) {
      // A first message in the person's own language: that language, without asking, and the message answered.
      const user = await this.profile.get(context, {});
      user.locale = first;
      // The step a subtopic names ("where can I learn Danish": the Danish lessons), else the topic's path.
      const subtopic = await this.commands.detectSubtopic?.(text, first);
      const step = subtopic !== undefined ? subtopicNode(this.deps.graph, subtopic)?.id : undefined;
      const topic = await this.commands.detectTopic?.(text, first);
      const path = topic ? this.deps.graph.files.find((f) => f.path === topic && f.path !== 'welcome') : undefined;
      const start = step ?? path?.start;
      await dc.beginDialog(ROOT_DIALOG, { announce: first, ...(start ? { start, skipWelcome: true } : {}) });
      return;
    }
    await dc.beginDialog(ROOT_DIALOG, options);
  }

  /**
   * Whether a message of three words or more is written in another enabled language than the
   * user's. The bot then offers to switch; it never switches by itself.
   */
  private async writesAnotherLanguage(text: string, locale: string): Promise<boolean> {
    if (!this.deps.recognizer || text.trim().split(/\s+/).length < 3) return false;
    if (this.buttonLabels.get(locale)?.has(fold(text))) return false;
    const guess = (await this.deps.recognizer.recognize(text, locale)).language;
    return guess !== undefined && guess.code !== locale && guess.confidence >= MIN_SWITCH_CONFIDENCE && this.deps.enabledLocales.includes(guess.code);
  }

  /** Sets the user's language from the page and, on a path, says the waiting step again in it. */
  private async setLanguage(context: TurnContext, value: string): Promise<void> {
    const lng = hintedLocale(value, this.deps.enabledLocales);
    if (!lng) return;
    this.stampOutgoing(context);
    const user = await this.profile.get(context, {});
    if (user.locale === lng) return;
    user.locale = lng;
    const dc = await this.dialogs.createContext(context);
    const at = dc.stack.findIndex((d) => d.id === PATH_DIALOG);
    if (at < 0) return; // not on a path yet: the next message goes on in the new language
    await context.sendActivity({ type: 'message', text: this.deps.i18n.t('language.chosen', { lng }), locale: lng, channelData: { node: 'language.chosen' } } as Partial<Activity>);
    dc.stack.splice(at + 1);
    await this.dialogs.find(PATH_DIALOG)!.resumeDialog(dc, DialogReason.endCalled);
  }

  /**
   * The enabled language a first message (before any language is chosen) is confidently written
   * in, when it is a sentence (three words or more): the bot then speaks it without asking.
   */
  private async firstMessageLanguage(context: TurnContext, text: string): Promise<string | undefined> {
    if (!this.deps.recognizer || text.trim().split(/\s+/).length < 3) return undefined;
    // SMS still asks first (its language prompt fits in two texts; see the SMS channel's tests): to be settled with the SMS channel's owner.
    if (context.activity.channelId === 'sms') return undefined;
    if ((await this.profile.get(context))?.locale) return undefined;
    const guess = (await this.deps.recognizer.recognize(text, this.deps.defaultLocale)).language;
    return guess && guess.confidence >= 0.8 && this.deps.enabledLocales.includes(guess.code) ? guess.code : undefined;
  }

  /** The languages a message may be in, most likely first: Farsi, Arabic and Pashto (or Ukrainian and Russian) are asked about together when the guess is unsure. */
  private async likelyLanguages(text: string, locale: string): Promise<string[]> {
    const guess = (await this.deps.recognizer!.recognize(text, locale)).language!;
    const unsure = guess.confidence < 0.8 ? guess.alternatives.filter((a) => a.confidence > 0.05).map((a) => a.code) : [];
    return [guess.code, ...unsure].filter((l) => l !== locale && this.deps.enabledLocales.includes(l));
  }

  /** Every message this turn sends says its language and the node that produced it. */
  private stampOutgoing(context: TurnContext): void {
    context.onSendActivities(async (ctx, activities, next) => {
      let lng: string | undefined;
      for (const activity of activities) {
        if (activity.type !== 'message') continue;
        // A prompt copies the incoming activity's locale (e.g. "ar-SA", or none): say the language the bot speaks.
        if (!activity.locale || !this.deps.enabledLocales.includes(activity.locale)) activity.locale = lng ??= await this.localeOf(ctx);
        const channelData = (activity.channelData ?? {}) as { node?: string };
        activity.channelData = { ...channelData, node: channelData.node ?? 'bot' };
      }
      return next();
    });
  }
}
