import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Understanding } from '../bot/understanding';
import type { CommandDetector } from '../bot/commands';
import { PROJECT_ROOT } from '../projectRoot';
import { NLU_LANGUAGES } from './languages';
import type { Recognizer } from './recognizer';

/**
 * The held-out routing set (test/nlu-dev/routing/<lng>.jsonl): questions newcomers ask, each with
 * the area (path) it should reach. Written apart from the example phrases and the development
 * set, so it measures what users who did not write the phrases get.
 */
export interface RoutingCase {
  text: string;
  locale: string;
  /** The path the question belongs to: work, school, …, money. */
  area: string;
}

export const ROUTING_DIR = join(PROJECT_ROOT, 'test', 'nlu-dev', 'routing');

export function loadRoutingSet(dir: string = ROUTING_DIR): RoutingCase[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  return files.flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as RoutingCase;
        } catch (err) {
          throw new Error(`${join(dir, file)} line ${i + 1}: ${(err as Error).message}`);
        }
      }),
  );
}

export interface RoutingReport {
  overall: { reached: number; total: number };
  byArea: Record<string, { reached: number; total: number }>;
  byLanguage: Record<string, { reached: number; total: number }>;
  /** Where the misses went (`none` when the bot would say it did not understand). */
  misses: { text: string; locale: string; area: string; got: string }[];
}

const NO_WORDS: CommandDetector = { detectCommand: () => Promise.resolve(undefined), detectAnswer: () => Promise.resolve(undefined) };

/** What the routing needs of the paths: the step a subtopic enters and the paths a step belongs to. */
export interface RoutingPaths {
  /** The step a subtopic (`work.igu`) enters, or undefined when its path's start answers it. */
  stepOf(subtopic: string): string | undefined;
  /** The paths (areas) a step belongs to. */
  areasOf(step: string): string[];
}

/**
 * Each question through the bot's own free-text routing (recogniser + the bot's threshold), in the
 * engine's order: a subtopic that has a step enters that step, else the topic's path begins. A
 * question reaches its area when the step it enters belongs to that area: its own path, or a path
 * whose start menu offers it (the Danish lessons for adults, school.adult, are in the school path
 * and a button of the work menu, so "where can I learn Danish" reaches school and work alike).
 */
export async function evaluateRouting(recognizer: Recognizer, cases: RoutingCase[], paths?: RoutingPaths): Promise<RoutingReport> {
  const understanding = new Understanding(NO_WORDS, recognizer);
  const report: RoutingReport = { overall: { reached: 0, total: 0 }, byArea: {}, byLanguage: {}, misses: [] };
  for (const c of cases) {
    const subtopic = paths ? await understanding.detectSubtopic(c.text, c.locale) : undefined;
    const step = subtopic !== undefined ? paths?.stepOf(subtopic) : undefined;
    const topic = (await understanding.detectTopic(c.text, c.locale)) ?? 'none';
    const areas = step !== undefined && paths ? paths.areasOf(step) : [topic];
    const got = step ?? topic;
    const ok = areas.includes(c.area);
    for (const t of [report.overall, (report.byArea[c.area] ??= { reached: 0, total: 0 }), (report.byLanguage[c.locale] ??= { reached: 0, total: 0 })]) {
      t.total += 1;
      if (ok) t.reached += 1;
    }
    if (!ok) report.misses.push({ ...c, got });
  }
  return report;
}

export const ROUTING_LANGUAGES = NLU_LANGUAGES;
