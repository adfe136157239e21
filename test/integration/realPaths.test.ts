import { expect } from 'chai';
import fc from 'fast-check';
import type { Activity } from 'botbuilder';
import { startApp } from '../support/botServer';
import { join, say, say as sayTo, type Conversation } from '../support/activities';
import { loadGraph } from '../../src/paths/graph';
import { createI18n } from '../../src/i18n';
import { ENGINE_NODES } from '../../src/paths/engine';
import type { ConditionNode, PathGraph, PathNode, ProfileGroup, Target } from '../../src/paths/types';
import type { App } from '../../src/app';
import { countSms } from '../../src/channels/sms/segments';

/**
 * The real paths in dialogs/ and their texts in locales/, walked through the real adapter: every
 * choice of every menu and question, for each group of users, in Danish and in English.
 */

type Reply = Partial<Activity>;
interface Stamp {
  node?: string;
  awaiting?: string;
  /** Further info nodes said in the same message. */
  also?: string[];
}
const stamp = (r: Reply): Stamp => (r.channelData ?? {}) as Stamp;

interface Profile {
  group: ProfileGroup;
  has_children: boolean;
  child_age: number;
}

const LOCALES = ['da', 'en'] as const;
const PROFILES: Profile[] = [
  { group: 'refugee', has_children: true, child_age: 3 },
  { group: 'family_refugee', has_children: true, child_age: 10 },
  { group: 'family_other', has_children: true, child_age: 18 },
  { group: 'ukraine', has_children: true, child_age: 28 },
  { group: 'other', has_children: false, child_age: 10 },
  { group: 'unknown', has_children: false, child_age: 3 },
];

const ENGINE = new Set<string>([...Object.values(ENGINE_NODES), 'welcome.hello', 'language.prompt', 'language.retry', 'language.chosen', 'language.machine_notice', 'language.offer']);
let counter = 0;

describe('the real paths, walked in Danish and English through the real adapter', function () {
  this.timeout(180_000);
  let app: App;
  let url: string;
  let graph: PathGraph;
  const i18n = createI18n({ locales: [...LOCALES], fallback: 'da' });

  before(async () => {
    graph = loadGraph();
    ({ app, url } = await startApp());
  });
  after(() => app?.stop());

  function newConversation(channelId = 'webchat'): Conversation {
    counter += 1;
    return { channelId, conversationId: `real-${Date.now()}-${counter}`, userId: `real-user-${Date.now()}-${counter}` };
  }

  /** Checks one turn's replies: stamped with a known node and the language; returns the node that now waits. */
  function inspect(all: Reply[], lng: string, seen: Set<string>): string | undefined {
    // Messages only: a handoff also sends Bot Framework's handoff.initiate / handoff.status events.
    const replies = all.filter((r) => r.type === 'message');
    expect(replies, 'the bot answers every message').to.have.length.above(0);
    for (const r of replies) {
      const { node } = stamp(r);
      expect(r.locale, JSON.stringify(r)).to.equal(lng);
      expect(node !== undefined && (graph.nodes.has(node) || ENGINE.has(node) || node.startsWith('handoff.')), `unknown node in ${JSON.stringify(r)}`).to.equal(true);
      expect(r.text ?? '', `a raw key instead of a text at ${node}`).not.to.match(/^[a-z_]+(\.[a-z_]+)+$/);
      seen.add(node!);
      // SMS sends a turn's messages as one text; channelData.nodes names every node in it.
      for (const n of (r.channelData as { nodes?: string[] } | undefined)?.nodes ?? []) seen.add(n);
      for (const more of stamp(r).also ?? []) seen.add(more);
    }
    return stamp(replies[replies.length - 1]).awaiting;
  }

  /** What the user answers at a question that saves to the profile: always their own answer, so the profile stays as chosen. */
  function answersAt(node: PathNode, profile: Profile, lng: string): string[] {
    const yes = i18n.t('commands:labels.yes', { lng });
    const no = i18n.t('commands:labels.no', { lng });
    if (node.kind === 'menu') return node.choices.map((_, i) => String(i + 1));
    if (node.kind !== 'question') return [];
    if (node.answer === 'number') return [String(profile.child_age)];
    if (node.answer === 'yesno') {
      if (node.save === 'has_children') return [profile.has_children ? yes : no];
      return [yes, no];
    }
    const choices = node.choices ?? [];
    if (node.save) {
      const own = choices.findIndex((c) => c.value === profile[node.save!]);
      return [String((own >= 0 ? own : 0) + 1)];
    }
    return choices.map((_, i) => String(i + 1));
  }

  /** The first node that speaks after `target`, for this profile (conditions decide silently). */
  function firstSpeaker(target: Target, profile: Profile): string | undefined {
    for (let i = 0; i < 20; i++) {
      if (target === 'back') return undefined;
      if (target === 'end') return ENGINE_NODES.end;
      const node = graph.nodes.get(target === 'menu' ? graph.menuStart : target)!;
      if (node.kind !== 'condition') return node.id;
      target = decide(node, profile);
    }
    return undefined;
  }

  function decide(node: ConditionNode, profile: Profile): Target {
    const value = profile[node.on];
    for (const c of node.cases) {
      if (Array.isArray(c.when) ? c.when.includes(value) : typeof value === 'number' && value >= (c.when.min ?? -Infinity) && value <= (c.when.max ?? Infinity)) return c.goto;
    }
    return node.otherwise;
  }

  function targetOf(node: PathNode, answerIndex: number): Target | undefined {
    if (node.kind === 'menu') return node.choices[answerIndex]?.goto;
    if (node.kind !== 'question') return undefined;
    if (node.answer === 'yesno') return answerIndex === 0 ? node.yes : node.no;
    if (node.answer === 'number') return node.goto;
    return node.choices?.[answerIndex]?.goto;
  }

  /** A new user, through the language and the welcome, answering as `profile`; returns the conversation at the main menu. */
  async function onboard(lng: string, profile: Profile, seen: Set<string>, channelId = 'webchat'): Promise<Conversation> {
    const conv = newConversation(channelId);
    await join(url, conv);
    let awaiting = inspect(await say(url, conv, i18n.t('meta:name', { lng })), lng, seen);
    for (let i = 0; i < 12 && awaiting !== graph.menuStart; i++) {
      const node = graph.nodes.get(awaiting!)!;
      awaiting = inspect(await say(url, conv, answersAt(node, profile, lng)[0]), lng, seen);
    }
    expect(awaiting, 'the welcome ends at the main menu').to.equal(graph.menuStart);
    return conv;
  }

  /** Twilio's limit for one message body; SMS replies must stay well under it. */
  const SMS_MAX = 1600;

  for (const [lng, channelId] of [['da', 'webchat'], ['en', 'webchat'], ['da', 'sms']] as const) {
    it(`reaches every node of every path (${lng}, ${channelId}), each group down its own branches`, async () => {
      const seen = new Set<string>();
      let turns = 0;
      let longest = 0;
      let mostSegments = 0;
      const say = async (u: string, c: Conversation, text: string) => {
        const replies = await sayTo(u, c, text);
        for (const r of replies) longest = Math.max(longest, (r.text ?? '').length);
        if (channelId === 'sms') for (const r of replies) mostSegments = Math.max(mostSegments, countSms(r.text ?? '').segments);
        return replies;
      };
      for (const profile of PROFILES) {
        const conv = await onboard(lng, profile, seen, channelId);
        const menuWord = (i18n.t('commands:words.menu', { lng, returnObjects: true }) as string[])[0];
        // Breadth first over the nodes that wait for an answer, each reached by replaying its answers from the main menu.
        const queue: { at: string; route: string[] }[] = [{ at: graph.menuStart, route: [] }];
        const explored = new Set<string>([graph.menuStart]);
        while (queue.length > 0) {
          const { at, route } = queue.shift()!;
          const node = graph.nodes.get(at)!;
          const answers = answersAt(node, profile, lng);
          for (const [index, answer] of answers.entries()) {
            expect(inspect(await say(url, conv, menuWord), lng, seen)).to.equal(graph.menuStart);
            let awaiting: string | undefined = graph.menuStart;
            for (const step of route) awaiting = inspect(await say(url, conv, step), lng, seen);
            expect(awaiting, `route ${route.join(' ')} leads to ${at}`).to.equal(at);
            const replies = await say(url, conv, answer);
            turns += route.length + 2;
            awaiting = inspect(replies, lng, seen);
            const choiceIndex = node.kind === 'question' && (node.answer === 'number' || node.save) ? answersIndex(node, answer, lng) : index;
            const expected = firstSpeaker(targetOf(node, choiceIndex)!, profile);
            // A handoff node queues the conversation for a caseworker (src/handoff), which says so instead of the node.
            const handoff = expected !== undefined && graph.nodes.get(expected)?.kind === 'handoff';
            if (handoff) seen.add(expected);
            if (expected) expect(stamp(replies[0]).node, `${profile.group}: ${at} answer ${answer}`).to.equal(handoff ? 'handoff.queued' : expected);
            if (awaiting && !explored.has(awaiting) && graph.nodes.has(awaiting)) {
              explored.add(awaiting);
              queue.push({ at: awaiting, route: [...route, answer] });
            }
          }
        }
      }
      const silent = [...graph.nodes.values()].filter((n) => n.kind === 'condition').map((n) => n.id);
      const missed = [...graph.nodes.keys()].filter((id) => !seen.has(id) && !silent.includes(id));
      expect(missed, `nodes never shown in ${lng} (${turns} turns)`).to.deep.equal([]);
      if (channelId === 'sms') expect(longest, 'longest SMS reply').to.be.at.most(SMS_MAX);
      if (channelId === 'sms') expect(mostSegments, 'most SMS segments of one text (SMS_MAX_SEGMENTS, default 3)').to.be.at.most(3);
      console.log(`      ${turns} turns, ${seen.size} nodes seen, longest reply ${longest} characters`);
    });
  }

  function answersIndex(node: PathNode, answer: string, lng: string): number {
    if (node.kind === 'question' && node.answer === 'yesno') return answer === i18n.t('commands:labels.yes', { lng }) ? 0 : 1;
    if (node.kind === 'question' && node.answer === 'number') return 0;
    return Number(answer) - 1;
  }

  it('never dead-ends on random input: every turn answers, and the bot always waits for something or has said goodbye', async () => {
    const words = LOCALES.flatMap((lng) =>
      ['menu', 'back', 'help', 'human', 'stop', 'yes', 'no'].map((w) => (i18n.t(`commands:words.${w}`, { lng, returnObjects: true }) as string[])[0]),
    );
    const input = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }).map(String) },
      { weight: 2, arbitrary: fc.constantFrom(...words) },
      { weight: 1, arbitrary: fc.constantFrom('17', 'hvad?', 'I need a job', '') },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    );
    const ended = new Set<string>([ENGINE_NODES.stop, ENGINE_NODES.end, ENGINE_NODES.deleted]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LOCALES), fc.constantFrom(...PROFILES), fc.array(input, { minLength: 1, maxLength: 20 }), async (lng, profile, inputs) => {
        const seen = new Set<string>();
        const conv = await onboard(lng, profile, seen);
        let deleted = false;
        for (const text of inputs) {
          const replies = await say(url, conv, text);
          if (deleted) {
            // After "delete my data": a fresh start with greeting and language choice, in the default language.
            expect(replies.length).to.be.above(0);
            return;
          }
          const awaiting = inspect(replies, lng, seen);
          const last = stamp(replies[replies.length - 1]).node!;
          expect(awaiting !== undefined || ended.has(last) || graph.nodes.get(last)?.kind === 'end', `dead end after "${text}" at ${last}`).to.equal(true);
          if (last === ENGINE_NODES.deleted) deleted = true;
          // Text in another language makes the bot offer a switch; this walker keeps its language.
          if (last === 'language.offer') inspect(await say(url, conv, i18n.t('meta:name', { lng })), lng, seen);
        }
      }),
      { numRuns: 60, seed: 20261127 },
    );
  });
});
