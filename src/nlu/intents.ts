/**
 * The names every tool and report uses for what a user means. Subtopics extend their topic
 * (`topic.work.igu` is about work); `topicOf` gives the top-level name.
 */
export const INTENTS = [
  'topic.work',
  'topic.work.igu',
  'topic.work.language_school',
  'topic.school',
  'topic.school.enrol',
  'topic.school.daycare',
  'topic.leisure',
  'topic.leisure.volunteer_friend',
  'topic.return_home',
  'topic.return_home.regret',
  'topic.return_home.support',
  'topic.money',
  'topic.first_weeks',
  'topic.health',
  'topic.housing',
  'topic.permit',
  'topic.complaints',
  'topic.everyday',
  'cmd.menu',
  'cmd.back',
  'cmd.help',
  'cmd.language',
  'cmd.human',
  'cmd.delete_data',
  'cmd.stop',
  'answer.yes',
  'answer.no',
  'none',
] as const;

export type Intent = (typeof INTENTS)[number];

export function isIntent(name: string): name is Intent {
  return (INTENTS as readonly string[]).includes(name);
}

/** `topic.work.igu` → `topic.work`; commands and answers are their own top level. */
export function topicOf(intent: string): string {
  const parts = intent.split('.');
  return parts[0] === 'topic' ? parts.slice(0, 2).join('.') : intent;
}
