import { maxActionTitleLength } from 'botbuilder-dialogs';
import { join } from 'node:path';
import { advancesAlone, buildGraph, isSpecial, targetsOf } from './graph';
import { DIALOGS_DIR, displayName, loadContent } from './load';
import {
  COMMANDS_NS,
  ENGINE_COMMAND_KEYS,
  ENGINE_PATH_KEYS,
  LOCALES_DIR,
  PATHS_NS,
  lookup,
  placeholders,
  readLocaleFile,
} from './texts';
import { PROFILE_GROUPS, type ConditionNode, type PathGraph, type PathNode, type ProfileGroup, type Problem } from './types';

/** Longest button text Bot Framework channels show in full (20). */
export const MAX_LABEL = maxActionTitleLength('webchat');
/** Longest text that still fits two SMS segments comfortably (Twilio recommends at most 320 characters). */
export const SMS_COMFORT = 320;

export interface CheckOptions {
  dialogsDir?: string;
  localesDir?: string;
  locales: string[];
  /** Today, as YYYY-MM-DD (a parameter so tests can fix it). */
  today: string;
  /** A source whose own date (`source_date`) is older than this many days gets a warning (default 730). */
  maxSourceAgeDays?: number;
  /** Facts the code reads itself (the safety screen), so they count as used. */
  factsUsedByCode?: readonly string[];
}

/** Default for CheckOptions.maxSourceAgeDays: a source older than 2 years is worth a second look. */
export const DEFAULT_MAX_SOURCE_AGE_DAYS = 730;

export interface CheckResult {
  problems: Problem[];
  graph?: PathGraph;
  figures: { files: number; nodes: number; facts: number; locales: number; keys: number };
}

/** Everything content:check verifies, as a list of problems (errors and warnings). */
export function checkContent(options: CheckOptions): CheckResult {
  const dialogsDir = options.dialogsDir ?? DIALOGS_DIR;
  const localesDir = options.localesDir ?? LOCALES_DIR;
  const content = loadContent(dialogsDir);
  const { graph, problems } = buildGraph(content);
  const figures = { files: content.files.length, nodes: content.files.reduce((n, f) => n + f.nodes.length, 0), facts: content.facts.size, locales: options.locales.length, keys: 0 };
  if (!graph) return { problems, figures };
  problems.push(...reachability(graph));
  problems.push(...audience(graph));
  problems.push(...dates(graph, options.today));
  problems.push(...sourceAges(graph, options.today, options.maxSourceAgeDays ?? DEFAULT_MAX_SOURCE_AGE_DAYS));
  const keys = usedKeys(graph);
  figures.keys = keys.size;
  const factsUsed = new Set<string>(options.factsUsedByCode ?? []);
  problems.push(...texts(graph, keys, options.locales, localesDir, factsUsed));
  problems.push(...unusedFacts(graph, factsUsed));
  return { problems, graph, figures };
}

function nodeProblem(node: PathNode, message: string, fix: string, level: Problem['level'] = 'error'): Problem {
  return { level, file: node.origin.file, line: node.origin.line, node: node.id, message, fix };
}

/** The ids of every node a user can reach: from the welcome, the main menu and "talk to a person". */
export function reachableFrom(graph: PathGraph, roots: string[], group?: ProfileGroup): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || !graph.nodes.has(id)) continue;
    seen.add(id);
    const node = graph.nodes.get(id)!;
    // For one group, a condition on the group follows only that group's branch.
    const targets = group && node.kind === 'condition' && node.on === 'group' ? [{ target: branchFor(node, group) }] : targetsOf(node);
    for (const { target } of targets) {
      if (target === 'menu') queue.push(graph.menuStart);
      else if (!isSpecial(target)) queue.push(target);
    }
  }
  return seen;
}

function branchFor(node: ConditionNode, group: ProfileGroup): string {
  return node.cases.find((c) => Array.isArray(c.when) && c.when.includes(group))?.goto ?? node.otherwise;
}

/** An info node written for some groups (`for:`) that another group can reach. */
function audience(graph: PathGraph): Problem[] {
  const out: Problem[] = [];
  const roots = [graph.welcomeStart, graph.menuStart, graph.contactStart];
  const reachedBy = new Map(PROFILE_GROUPS.filter((g) => g !== 'unknown').map((g) => [g, reachableFrom(graph, roots, g)]));
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'info' || !node.for) continue;
    const others = [...reachedBy].filter(([g, reached]) => !node.for!.includes(g) && reached.has(node.id)).map(([g]) => g);
    if (others.length > 0) {
      out.push(nodeProblem(node, `is for ${node.for.join(', ')}, but ${others.join(', ')} can reach it too`, 'Put a condition on group before it; or, if the text tells everybody who the rule is for, leave it (this is a warning).', 'warning'));
    }
  }
  return out;
}

function reachability(graph: PathGraph): Problem[] {
  const reached = reachableFrom(graph, [graph.welcomeStart, graph.menuStart, graph.contactStart]);
  const out: Problem[] = [];
  for (const node of graph.nodes.values()) {
    if (!reached.has(node.id)) {
      out.push(nodeProblem(node, 'cannot be reached from the welcome, the main menu or "talk to a person"', `Add a choice or a goto that leads to ${node.id}, or delete the node.`));
    }
  }
  // A dead end: a node from which the user can never get to a menu, a question or an end.
  const leadsOn = new Map<string, boolean>();
  const resolves = (id: string, trail: Set<string>): boolean => {
    if (isSpecial(id)) return true;
    const node = graph.nodes.get(id);
    if (!node) return false;
    if (!advancesAlone(node)) return true;
    if (leadsOn.has(id)) return leadsOn.get(id)!;
    if (trail.has(id)) return false;
    trail.add(id);
    const ok = targetsOf(node).some(({ target }) => resolves(target, trail));
    leadsOn.set(id, ok);
    return ok;
  };
  for (const node of graph.nodes.values()) {
    if (advancesAlone(node) && !resolves(node.id, new Set())) {
      out.push(nodeProblem(node, 'is a dead end: it never reaches a menu, a question, back, menu or end', 'Give it a goto that leads on.'));
    }
  }
  return out;
}

function dates(graph: PathGraph, today: string): Problem[] {
  const out: Problem[] = [];
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'info') continue;
    const factual = (node as { factual?: boolean }).factual !== false;
    if (factual && (!node.source || !node.checked)) {
      const missing = [!node.source && 'source', !node.checked && 'checked'].filter(Boolean).join(' and ');
      out.push(nodeProblem(node, `states a fact but has no ${missing}`, 'Add "source:" (an official URL or law reference) and "checked:" (the date you checked it, YYYY-MM-DD); or "factual: false" if the node states no fact.'));
    }
    if (node.valid_until && node.valid_until < today) {
      out.push(nodeProblem(node, `was valid until ${node.valid_until}, which has passed`, 'Check the fact against its source, update the text, "checked:" and "valid_until:".'));
    }
    if (node.checked && node.checked > today) {
      out.push(nodeProblem(node, `says it was checked on ${node.checked}, which is in the future`, 'Write the date the fact was really checked.'));
    }
  }
  for (const [name, fact] of graph.facts) {
    const where = { file: fact.origin.file, line: fact.origin.line, node: `facts.${name}` };
    if (fact.valid_until && fact.valid_until < today) {
      out.push({ level: 'error', ...where, message: `was valid until ${fact.valid_until}, which has passed`, fix: 'Check the fact, update "value:", "checked:" and "valid_until:".' });
    }
    if (fact.checked > today) out.push({ level: 'error', ...where, message: `says it was checked on ${fact.checked}, in the future`, fix: 'Write the date it was really checked.' });
    if (fact.value !== null && fact.status === 'to_be_confirmed') {
      out.push({ level: 'warning', ...where, message: 'has a value but is marked to_be_confirmed, so the bot does not say it', fix: 'When the value is confirmed, write "status: confirmed".' });
    }
  }
  return out;
}

/** A source date (YYYY, YYYY-MM or YYYY-MM-DD) as the last day it can mean, for comparing ages. */
function latestDayOf(sourceDate: string): string | undefined {
  if (/^\d{4}$/.test(sourceDate)) return `${sourceDate}-12-31`;
  if (/^\d{4}-\d{2}$/.test(sourceDate)) return `${sourceDate}-28`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(sourceDate)) return sourceDate;
  return undefined;
}

function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The date a source gives is not the day someone read it: a fact checked yesterday against a
 * 2015 press release is still a 2015 fact. Sources older than `maxDays` get a warning, and a
 * confirmed fact must say how old its source is.
 */
function sourceAges(graph: PathGraph, today: string, maxDays: number): Problem[] {
  const out: Problem[] = [];
  const judge = (sourceDate: string | number | undefined, where: Omit<Problem, 'level' | 'message' | 'fix'>) => {
    if (sourceDate === undefined) return;
    const given = String(sourceDate);
    const day = latestDayOf(given);
    if (day && day > today) {
      out.push({ level: 'error', ...where, message: `says its source is dated ${given}, which is in the future`, fix: 'Write the date the source itself gives (YYYY, YYYY-MM or YYYY-MM-DD), or "undated".' });
    } else if (day && daysBetween(day, today) > maxDays) {
      out.push({
        level: 'warning',
        ...where,
        message: `rests on a source dated ${given}, ${daysBetween(day, today)} days ago (more than ${maxDays})`,
        fix: 'Find a newer official source, or confirm the fact with the municipality; then update "source:", "source_date:" and "checked:". (CONTENT_SOURCE_MAX_AGE_DAYS sets the age.)',
      });
    }
  };
  for (const node of graph.nodes.values()) {
    if (node.kind === 'info') judge(node.source_date, { file: node.origin.file, line: node.origin.line, node: node.id });
  }
  for (const [name, fact] of graph.facts) {
    const where = { file: fact.origin.file, line: fact.origin.line, node: `facts.${name}` };
    const confirmed = fact.value !== null && fact.status !== 'to_be_confirmed';
    if (confirmed && fact.source_date === undefined) {
      out.push({ level: 'error', ...where, message: 'is confirmed but does not say how old its source is', fix: 'Add "source_date:" with the date the source gives (YYYY, YYYY-MM or YYYY-MM-DD), or "undated". "checked:" is the day you read it.' });
    }
    judge(fact.source_date, where);
  }
  return out;
}

/** A fact no sentence (and no code) uses is a fact nobody keeps up to date: use it or delete it. */
function unusedFacts(graph: PathGraph, used: Set<string>): Problem[] {
  return [...graph.facts]
    .filter(([name]) => !used.has(name))
    .map(([name, fact]) => ({
      level: 'warning' as const,
      file: fact.origin.file,
      line: fact.origin.line,
      node: `facts.${name}`,
      message: 'is not used by any text',
      fix: `Use it in a text as {{${name}}}, or delete it from dialogs/municipality.yaml.`,
    }));
}

interface KeyUse {
  node?: PathNode;
  file: string;
  line?: number;
  /** A button text: must fit MAX_LABEL characters. */
  label: boolean;
}

/** Every paths.json key the content uses, with where it is used first. */
function usedKeys(graph: PathGraph): Map<string, KeyUse> {
  const keys = new Map<string, KeyUse>();
  const add = (key: string | undefined, use: KeyUse) => {
    if (key && !keys.has(key)) keys.set(key, use);
  };
  for (const file of graph.files) {
    add(file.title, { file: file.file, line: 1, label: true });
    for (const node of file.nodes) {
      const at = { node, file: node.origin.file, line: node.origin.line };
      if ('say' in node) add(node.say, { ...at, label: false });
      if (node.kind === 'menu' || (node.kind === 'question' && node.choices)) for (const c of node.choices ?? []) add(c.label, { ...at, label: true });
      if (node.kind === 'info' && node.link) add(node.link.label, { ...at, label: false });
      if (node.kind === 'handoff') add(node.reason, { ...at, label: false });
    }
  }
  for (const key of ENGINE_PATH_KEYS) add(key, { file: 'the engine (dialogs/README.md, "Texts the engine needs")', label: false });
  return keys;
}

function texts(graph: PathGraph, keys: Map<string, KeyUse>, locales: string[], localesDir: string, factsUsed: Set<string>): Problem[] {
  const out: Problem[] = [];
  for (const lng of locales) {
    const pathsFile = displayName(join(localesDir, lng, `${PATHS_NS}.json`));
    const commandsFile = displayName(join(localesDir, lng, `${COMMANDS_NS}.json`));
    let paths: Record<string, unknown> | undefined;
    let commands: Record<string, unknown> | undefined;
    try {
      paths = readLocaleFile(localesDir, lng, PATHS_NS);
      commands = readLocaleFile(localesDir, lng, COMMANDS_NS);
    } catch (err) {
      out.push({ level: 'error', file: pathsFile, message: (err as Error).message, fix: 'Fix the JSON (commas, quotes, braces) at the position named.' });
      continue;
    }
    if (!paths) {
      out.push({ level: 'error', file: pathsFile, message: `is missing: language "${lng}" is enabled`, fix: `Create ${pathsFile} with every key the paths use. (A language counts as enabled when locales/${lng}/meta.json exists, or when ENABLED_LOCALES names it.)` });
      continue;
    }
    for (const [key, use] of keys) {
      const text = lookup(paths, key);
      const where = { file: use.file, line: use.line, node: use.node?.id };
      if (typeof text !== 'string') {
        out.push({
          level: 'error',
          ...where,
          message: text === undefined ? `uses the text "${key}", which ${pathsFile} does not have` : `uses "${key}", which in ${pathsFile} is not a text (it has texts under it)`,
          fix: text === undefined ? `Add "${key}" to ${pathsFile}.` : `Give the node's text its own key (e.g. "${key}.say") in the YAML and in ${pathsFile}.`,
        });
        continue;
      }
      if (text.trim() === '') out.push({ level: 'error', ...where, message: `"${key}" is empty in ${pathsFile}`, fix: 'Write the text.' });
      for (const name of placeholders(text)) {
        const fact = graph.facts.get(name);
        factsUsed.add(name);
        if (!fact) {
          out.push({ level: 'error', ...where, message: `"${key}" in ${pathsFile} uses {{${name}}}, which dialogs/municipality.yaml does not have`, fix: `Add "${name}" to the facts in dialogs/municipality.yaml, or check the spelling.` });
        } else if (fact.value !== null && typeof fact.value === 'object' && fact.status !== 'to_be_confirmed' && !(typeof fact.value[lng] === 'string' && fact.value[lng].trim() !== '')) {
          out.push({
            level: 'error',
            ...where,
            message: `"${key}" in ${pathsFile} uses {{${name}}}, which has no "${lng}" value in dialogs/municipality.yaml (the bot would say it in another language)`,
            fix: `Add "${lng}: ..." under facts.${name}.value (${fact.origin.file}:${fact.origin.line}).`,
          });
        }
      }
      const shown = text.replace(/\{\{[^}]*\}\}/g, 'x'.repeat(12));
      if (use.label && shown.length > MAX_LABEL) {
        out.push({ level: 'error', ...where, message: `the button text "${key}" in ${pathsFile} has ${shown.length} characters ("${text}")`, fix: `Shorten it to at most ${MAX_LABEL} characters: longer buttons are cut off or shown as a list.` });
      }
      if (!use.label && shown.length > SMS_COMFORT) {
        out.push({ level: 'warning', ...where, message: `"${key}" in ${pathsFile} has ${shown.length} characters: long for SMS`, fix: `Split it over two nodes or shorten it to about ${SMS_COMFORT} characters.` });
      }
    }
    if (!commands) {
      out.push({ level: 'error', file: commandsFile, message: `is missing: language "${lng}" is enabled`, fix: `Create ${commandsFile} (copy another language's and translate it).` });
      continue;
    }
    for (const key of ENGINE_COMMAND_KEYS) {
      const value = lookup(commands, key);
      const ok = key.startsWith('words.') ? Array.isArray(value) && value.length > 0 && value.every((w) => typeof w === 'string' && w.trim() !== '') : typeof value === 'string' && value.trim() !== '';
      if (!ok) out.push({ level: 'error', file: commandsFile, message: `lacks "${key}"`, fix: key.startsWith('words.') ? `Add "${key}" as a list of words, e.g. ["menu"].` : `Add the text "${key}".` });
    }
  }
  return out;
}
