import type { Activity } from 'botbuilder';

/**
 * Whether an activity comes from a Teams team (a channel), where the bot serves caseworkers
 * rather than newcomers: people joining the team get no welcome there.
 */
export function isTeamsTeam(activity: Partial<Activity>): boolean {
  if (activity.channelId !== 'msteams') return false;
  const channelData = activity.channelData as { team?: unknown } | undefined;
  return activity.conversation?.conversationType === 'channel' || channelData?.team !== undefined;
}
