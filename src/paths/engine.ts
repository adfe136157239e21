import type { Activity, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Command, CommandDetector } from '../bot/commands';
import type { UserProfile } from '../bot/profile';
import { pickChoice, render, type Message } from '../channels/render';
import { asciiDigits, fold } from '../nlu/fold';
import type { Wording } from './wording';
import type { ChoiceSpec, ConditionNode, PathGraph, PathNode, ProfileValue, Target } from './types';
import { subtopicNode } from './graph';

export const PATH_DIALOG = 'paths';

/** Node ids of the engine's own messages (not from a path file). */
export const ENGINE_NODES = {
  help: 'command.help',
  deleteConfirm: 'command.delete_data',
  deleted: 'command.delete_data.done',
  kept: 'command.delete_data.kept',
  stop: 'command.stop',
  end: 'command.end',
} as const;

/** How many menus `back` remembers. */
const MAX_MENUS = 8;
/** Nodes one turn may pass through before it must wait for the user (content:check rules out loops). */
const MAX_STEPS = 64;

/** What the engine keeps per conversation: node ids only, never texts. */
export interface PathState {
  /** The node waiting for the user's answer. */
  at: string;
  /** The menus on the way here, oldest first: where `back` leads. */
  menus: string[];
  /** Set while "delete my data" waits for a yes or no. */
  confirm?: 'delete';
  /** Messages in a row the step did not understand (two: the bot offers a person). */
  misses?: number;
  /** The last prompt added a "talk to a person" choice after the node's own (on SMS: its number). */
  offeredPerson?: boolean;
}

/** What the engine says when it asks for a person: the topic and reason of a handoff node, or of the path the user is on. */
export interface HandoffAsked {
  topic: 'work' | 'school' | 'leisure' | 'return_home' | 'other';
  reason: string;
  trigger: 'asked' | 'path';
}

/** After this many misunderstandings in a row the user is offered a person (a "talk to a person" button). */
export const MISSES_BEFORE_PERSON = 2;

export interface PathOptions {
  /** The node to begin with. */
  start?: string;
  /** A command to run at once instead (e.g. "delete my data" said outside the paths). */
  command?: Command;
}

export interface PathEngineDeps {
  graph: PathGraph;
  wording: Wording;
  commands: CommandDetector;
  profile: StatePropertyAccessor<UserProfile>;
  localeOf(context: TurnContext): Promise<string>;
  /** Erases everything stored about the user and this conversation (applied by the turn's final write). */
  eraseUserData(context: TurnContext): Promise<void>;
  /**
   * "A handoff was asked for (topic, reason)": a handoff node or the "person" command. Resolves
   * true when a caseworker's queue has the conversation (the handoff has told the user); without
   * it, or on false, the engine shows the node's text / the contact menu as before.
   */
  requestHandoff?(context: TurnContext, asked: HandoffAsked): Promise<boolean>;
}

const HANDOFF_TOPICS = new Set(['work', 'school', 'leisure', 'return_home']);

/**
 * One dialog that walks the path graph: it sends a node's message, waits at menus and questions,
 * and follows `goto` through info, condition and handoff nodes. Built once at start-up; a turn
 * only reads the graph. Global commands (menu, back, help, person, delete my data, stop) work at
 * every step.
 */
export class PathDialog extends Dialog<PathOptions> {
  constructor(private readonly deps: PathEngineDeps) {
    super(PATH_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: PathOptions): Promise<DialogTurnResult> {
    const state: PathState = { at: this.deps.graph.menuStart, menus: [] };
    dc.activeDialog!.state = state;
    if (options?.command) return this.runCommand(dc, state, options.command);
    return this.enter(dc, state, options?.start ?? this.deps.graph.menuStart, undefined);
  }

  /** Back from a dialog on top (the language was changed): say where the user is, in the new language. */
  override async resumeDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.prompt(dc, dc.activeDialog!.state as PathState, undefined);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as PathState;
    const lng = await this.deps.localeOf(dc.context);
    const text = (activity.text ?? '').trim();
    const misses = state.misses ?? 0;
    delete state.misses;
    const offeredPerson = state.offeredPerson === true;
    delete state.offeredPerson;

    if (state.confirm === 'delete') {
      const answer = (await this.deps.commands.detectAnswer(text, lng)) ?? this.yesNoByButton(text, lng);
      if (answer === 'yes') return this.erase(dc, lng);
      delete state.confirm;
      if (answer === 'no') {
        await this.send(dc, { node: ENGINE_NODES.kept, text: this.deps.wording.engine('delete.kept', lng) });
        return this.prompt(dc, state, undefined);
      }
      // Anything else: not a confirmation; carry on as if it were said at the current node.
    }

    const node = this.deps.graph.nodes.get(state.at);
    if (!node) return this.enter(dc, state, 'menu', undefined); // content changed since this conversation began
    const step = await this.answer(dc, node, text, lng);
    if (step) return this.enter(dc, state, step, node);
    if (offeredPerson && this.picksPerson(node, text, lng)) return this.runCommand(dc, state, 'human');

    const command = await this.deps.commands.detectCommand(text, lng);
    if (command) return this.runCommand(dc, state, command);

    // A question naming another node ("what is IGU" in the internship menu) goes to that node.
    const subtopic = await this.deps.commands.detectSubtopic?.(text, lng);
    const found = subtopic !== undefined ? subtopicNode(this.deps.graph, subtopic) : undefined;
    const subNode = found && found.id !== state.at ? found : undefined;
    if (subNode) {
      const file = this.deps.graph.files.find((f) => subNode.id.startsWith(`${f.path}.`));
      state.menus = file ? [this.deps.graph.menuStart, file.start] : [this.deps.graph.menuStart];
      return this.enter(dc, state, subNode.id, undefined);
    }

    const topic = (await this.deps.commands.detectTopic?.(text, lng)) ?? this.pathTitled(text, lng);
    const path = topic !== undefined ? this.deps.graph.files.find((f) => f.path === topic && f.path !== 'welcome') : undefined;
    if (path) {
      // As if chosen in the main menu: back leads there.
      state.menus = [this.deps.graph.menuStart];
      return this.enter(dc, state, path.start, undefined);
    }

    const retry = node.kind === 'question' && node.answer === 'number' ? this.deps.wording.path('common.number_retry', lng) : this.deps.wording.engine('not_understood', lng);
    state.misses = misses + 1;
    if (state.misses >= MISSES_BEFORE_PERSON && this.deps.requestHandoff) {
      // Two misunderstandings in a row: offer a person (the button is the "person" command's own words).
      delete state.misses;
      state.offeredPerson = true;
      return this.prompt(dc, state, retry, undefined, this.deps.wording.path('common.talk_to_person', lng));
    }
    return this.prompt(dc, state, retry);
  }

  /** Where the user's reply at `node` leads, saving a profile answer on the way; undefined when it is not an answer. */
  private async answer(dc: DialogContext, node: PathNode, text: string, lng: string): Promise<Target | undefined> {
    if (node.kind === 'menu' || (node.kind === 'question' && node.answer === 'choice')) {
      const choices = node.choices ?? [];
      const index = pickChoice(text, choices.map((c) => this.deps.wording.path(c.label, lng)));
      if (index === undefined) return undefined;
      const choice: ChoiceSpec = choices[index];
      if (node.kind === 'question' && node.save && choice.value !== undefined) await this.save(dc, node.save, choice.value);
      return choice.goto;
    }
    if (node.kind === 'question' && node.answer === 'yesno') {
      const answer = (await this.deps.commands.detectAnswer(text, lng)) ?? this.yesNoByButton(text, lng);
      if (!answer) return undefined;
      if (node.save) await this.save(dc, node.save, answer === 'yes');
      return answer === 'yes' ? node.yes : node.no;
    }
    if (node.kind === 'question' && node.answer === 'number') {
      const match = /^\D{0,20}?(\d{1,3})\D{0,20}$/.exec(asciiDigits(text));
      // "she is two years old": the number may be a word too.
      const value = match ? Number(match[1]) : ((await this.deps.commands.detectNumber?.(text, lng)) ?? NaN);
      if (!(value >= (node.min ?? 0) && value <= (node.max ?? Infinity))) return undefined;
      if (node.save) await this.save(dc, node.save, value);
      return node.goto;
    }
    return undefined;
  }

  /** The path whose title (e.g. "Skole") the text is, so a topic's name works at every step. */
  private pathTitled(text: string, lng: string): string | undefined {
    const wanted = fold(text);
    if (!wanted) return undefined;
    return this.deps.graph.files.find((f) => fold(this.deps.wording.path(f.title, lng)) === wanted)?.path;
  }

  /** "1"/"2" or the button text of the yes/no buttons. */
  private yesNoByButton(text: string, lng: string): 'yes' | 'no' | undefined {
    const index = pickChoice(text, [this.deps.wording.engine('labels.yes', lng), this.deps.wording.engine('labels.no', lng)]);
    return index === 0 ? 'yes' : index === 1 ? 'no' : undefined;
  }

  private async save(dc: DialogContext, field: 'group' | 'has_children' | 'child_age', value: ProfileValue): Promise<void> {
    const profile = await this.deps.profile.get(dc.context, {});
    (profile as Record<string, ProfileValue>)[field] = value;
  }

  private async runCommand(dc: DialogContext, state: PathState, command: Command): Promise<DialogTurnResult> {
    const lng = await this.deps.localeOf(dc.context);
    const { wording, graph } = this.deps;
    switch (command) {
      case 'menu':
        return this.enter(dc, state, 'menu', undefined);
      case 'back':
        return this.enter(dc, state, 'back', graph.nodes.get(state.at));
      case 'human': {
        const path = graph.nodes.get(state.at)?.path ?? '';
        const topic = HANDOFF_TOPICS.has(path) ? (path as HandoffAsked['topic']) : 'other';
        if (await this.deps.requestHandoff?.(dc.context, { topic, reason: 'asked_for_person', trigger: 'asked' })) return Dialog.EndOfTurn;
        return this.enter(dc, state, graph.contactStart, undefined);
      }
      case 'help':
        return this.prompt(dc, state, wording.engine('help', lng), ENGINE_NODES.help);
      case 'delete_data':
        state.confirm = 'delete';
        await this.send(dc, {
          node: ENGINE_NODES.deleteConfirm,
          text: wording.engine('delete.confirm', lng),
          choices: [wording.engine('labels.yes', lng), wording.engine('labels.no', lng)],
          awaiting: ENGINE_NODES.deleteConfirm,
        });
        return Dialog.EndOfTurn;
      case 'stop':
        await this.send(dc, { node: ENGINE_NODES.stop, text: wording.engine('stop', lng) });
        return dc.endDialog();
      case 'language':
        // The bot handles the language command before the paths see it.
        return this.prompt(dc, state, undefined);
    }
  }

  /** Erases first, then confirms: a channel that keeps the conversation's messages keeps only the confirmation. */
  private async erase(dc: DialogContext, lng: string): Promise<DialogTurnResult> {
    const result = await dc.cancelAllDialogs();
    await this.deps.eraseUserData(dc.context);
    await this.send(dc, { node: ENGINE_NODES.deleted, text: this.deps.wording.engine('delete.done', lng) }, lng);
    return result;
  }

  /** Says the waiting node's message again (after help, a wrong answer or "no, keep my data"), optionally with another text. */
  private async prompt(dc: DialogContext, state: PathState, text: string | undefined, node?: string, extraChoice?: string): Promise<DialogTurnResult> {
    const current = this.deps.graph.nodes.get(state.at);
    if (!current) return this.enter(dc, state, 'menu', undefined);
    const lng = await this.deps.localeOf(dc.context);
    const message = this.promptOf(current, lng);
    const choices = extraChoice ? [...(message.choices ?? []), extraChoice] : message.choices;
    await this.send(dc, { ...message, choices, node: node ?? message.node, text: text ?? message.text });
    return Dialog.EndOfTurn;
  }

  /** Whether a reply picks the "talk to a person" choice added after the node's own: by its number (SMS) or its words. */
  private picksPerson(node: PathNode, text: string, lng: string): boolean {
    const own = this.promptOf(node, lng).choices ?? [];
    return pickChoice(text, [...own, this.deps.wording.path('common.talk_to_person', lng)]) === own.length;
  }

  /** A waiting node's message with its choices. */
  private promptOf(node: PathNode, lng: string): Omit<Message, 'locale'> {
    const { wording } = this.deps;
    const say = 'say' in node && node.say ? wording.path(node.say, lng) : '';
    if (node.kind === 'menu' || (node.kind === 'question' && node.answer === 'choice')) {
      return { node: node.id, text: say, choices: (node.choices ?? []).map((c) => wording.path(c.label, lng)), awaiting: node.id };
    }
    if (node.kind === 'question' && node.answer === 'yesno') {
      return { node: node.id, text: say, choices: [wording.engine('labels.yes', lng), wording.engine('labels.no', lng)], awaiting: node.id };
    }
    return { node: node.id, text: say, awaiting: node.kind === 'question' ? node.id : undefined };
  }

  /**
   * Follows the graph from `target` until a node waits for the user or the path ends, sending each
   * node's message. An info or handoff text that leads back to a menu carries that menu's choices,
   * so the user gets one message, not two.
   */
  private async enter(dc: DialogContext, state: PathState, target: Target, from: PathNode | undefined): Promise<DialogTurnResult> {
    const { graph, wording } = this.deps;
    const lng = await this.deps.localeOf(dc.context);
    let pending: Omit<Message, 'locale'> | undefined;
    let pendingInfo = false;
    const flush = async () => {
      if (pending) await this.send(dc, pending);
      pending = undefined;
      pendingInfo = false;
    };
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      let id: string;
      let returning = false;
      if (target === 'end') {
        await flush();
        await this.send(dc, { node: ENGINE_NODES.end, text: wording.engine('end', lng) });
        return dc.endDialog();
      } else if (target === 'menu') {
        state.menus = [];
        id = graph.menuStart;
        returning = true;
      } else if (target === 'back') {
        if (from?.kind === 'menu') state.menus.pop();
        id = state.menus[state.menus.length - 1] ?? graph.menuStart;
        returning = true;
      } else id = target;

      const node = graph.nodes.get(id);
      if (!node) throw new Error(`Path node "${id}" does not exist (content:check should have caught this).`);
      switch (node.kind) {
        case 'menu': {
          const at = state.menus.indexOf(id);
          if (at >= 0) state.menus.length = at + 1;
          else state.menus.push(id);
          if (state.menus.length > MAX_MENUS) state.menus.splice(0, state.menus.length - MAX_MENUS);
          state.at = id;
          const message = this.promptOf(node, lng);
          if (pending && returning) await this.send(dc, { ...pending, choices: message.choices, awaiting: id });
          else {
            await flush();
            await this.send(dc, message);
          }
          return Dialog.EndOfTurn;
        }
        case 'question':
          await flush();
          state.at = id;
          await this.send(dc, this.promptOf(node, lng));
          return Dialog.EndOfTurn;
        case 'info': {
          const text = wording.path(node.say, lng);
          const link = node.link ? { url: node.link.url, label: wording.path(node.link.label, lng) } : undefined;
          if (pending && pendingInfo && !pending.link) {
            // Info after info: one message, not two (the welcome's "who I am" and "what I save").
            pending = { ...pending, text: `${pending.text}\n\n${text}`, link, also: [...(pending.also ?? []), id] };
          } else {
            await flush();
            pending = { node: id, text, link };
          }
          pendingInfo = true;
          target = node.goto ?? 'back';
          break;
        }
        case 'handoff':
          await flush();
          if (await this.deps.requestHandoff?.(dc.context, { topic: node.topic, reason: node.reason, trigger: 'path' })) return Dialog.EndOfTurn;
          pending = { node: id, text: wording.path(node.say, lng) };
          pendingInfo = false;
          target = node.goto ?? 'back';
          break;
        case 'condition':
          target = await this.decide(dc, node);
          break;
        case 'end':
          await flush();
          if (node.say) await this.send(dc, { node: id, text: wording.path(node.say, lng) });
          return dc.endDialog();
      }
      from = node;
    }
    throw new Error(`Path walk passed ${MAX_STEPS} nodes without waiting for the user (last target "${target}").`);
  }

  private async decide(dc: DialogContext, node: ConditionNode): Promise<Target> {
    const profile = (await this.deps.profile.get(dc.context)) ?? {};
    let value: ProfileValue | undefined = profile[node.on];
    if (node.on === 'group' && value === undefined) value = 'unknown';
    for (const c of node.cases) {
      if (Array.isArray(c.when)) {
        if (value !== undefined && c.when.includes(value)) return c.goto;
      } else if (typeof value === 'number' && value >= (c.when.min ?? -Infinity) && value <= (c.when.max ?? Infinity)) return c.goto;
    }
    return node.otherwise;
  }

  private async send(dc: DialogContext, message: Omit<Message, 'locale'>, locale?: string): Promise<void> {
    const lng = locale ?? (await this.deps.localeOf(dc.context));
    await dc.context.sendActivity(render(dc.context.activity.channelId, { ...message, locale: lng }) as Partial<Activity>);
  }
}
