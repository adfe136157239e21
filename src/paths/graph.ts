import { ContentError, type PathFile, type PathGraph, type PathNode, type Problem, type Target, SPECIAL_TARGETS, PROFILE_FIELDS, PROFILE_GROUPS } from './types';
import { DIALOGS_DIR, loadContent, type LoadedContent } from './load';
import { isIntent, topicOf } from '../nlu/intents';

/** The paths the engine needs: where `menu`, a new user and "talk to a person" lead. */
export const REQUIRED_PATHS = { welcome: 'welcome', menu: 'menu', contact: 'contact' } as const;

/** Every `goto` of a node, with the field it is written in. */
export function targetsOf(node: PathNode): { field: string; target: Target }[] {
  const out: { field: string; target: Target }[] = [];
  const add = (field: string, target: Target | undefined) => {
    if (target !== undefined) out.push({ field, target });
  };
  switch (node.kind) {
    case 'menu':
      node.choices.forEach((c, i) => add(`choices[${i + 1}].goto`, c.goto));
      break;
    case 'info':
    case 'handoff':
      add('goto', node.goto ?? 'back');
      break;
    case 'question':
      if (node.answer === 'yesno') {
        add('yes', node.yes);
        add('no', node.no);
      } else if (node.answer === 'choice') node.choices?.forEach((c, i) => add(`choices[${i + 1}].goto`, c.goto));
      else add('goto', node.goto);
      break;
    case 'condition':
      node.cases.forEach((c, i) => add(`cases[${i + 1}].goto`, c.goto));
      add('otherwise', node.otherwise);
      break;
    case 'end':
      break;
  }
  return out;
}

export function isSpecial(target: Target): boolean {
  return (SPECIAL_TARGETS as readonly string[]).includes(target);
}

/** Nodes that lead on by themselves, without waiting for the user. */
export function advancesAlone(node: PathNode): boolean {
  return node.kind === 'info' || node.kind === 'condition' || node.kind === 'handoff';
}

/**
 * The step a subtopic (`work.igu`, from the recogniser's `topic.work.igu`) enters: the node of that
 * id, or else the node that names the intent in its `intent:` field (`topic.work.language_school`
 * enters `school.adult`, the Danish lessons for adults); undefined when the path's start answers it.
 */
export function subtopicNode(graph: Pick<PathGraph, 'nodes'>, subtopic: string): PathNode | undefined {
  const own = graph.nodes.get(subtopic);
  if (own) return own;
  const intent = `topic.${subtopic}`;
  for (const node of graph.nodes.values()) if ((node.kind === 'menu' || node.kind === 'info') && node.intent === intent) return node;
  return undefined;
}

/**
 * The paths a step belongs to: its own file's, every path whose start menu offers it as a button
 * (the Danish lessons for adults are in school.yaml and a button of the work menu), and the paths
 * of the info steps it leads on to by itself, which the user is told in the same turn. A question
 * about an area is answered when it enters a step of that area.
 */
export function pathsOf(graph: Pick<PathGraph, 'files' | 'nodes'>, nodeId: string): string[] {
  const node = graph.nodes.get(nodeId);
  if (!node) return [];
  const out = [node.path];
  const add = (path: string) => {
    if (!out.includes(path)) out.push(path);
  };
  for (const file of graph.files) {
    const start = graph.nodes.get(file.start);
    if (start?.kind === 'menu' && file.path !== 'menu' && start.choices.some((c) => c.goto === nodeId)) add(file.path);
  }
  // The info steps it leads on to are said in the same turn (school.daycare, then everyday.daycare_price).
  const seen = new Set([nodeId]);
  for (let at = node; at.kind === 'info' && at.goto !== undefined && !isSpecial(at.goto) && !seen.has(at.goto); ) {
    const next = graph.nodes.get(at.goto);
    if (!next || next.kind !== 'info') break;
    seen.add(next.id);
    add(next.path);
    at = next;
  }
  return out;
}

function intentProblems(nodes: Map<string, PathNode>): Problem[] {
  const out: Problem[] = [];
  const claimed = new Map<string, string>();
  for (const node of nodes.values()) {
    if ((node.kind !== 'menu' && node.kind !== 'info') || node.intent === undefined) continue;
    const { intent } = node;
    if (!isIntent(intent) || topicOf(intent) === intent) {
      out.push(problem(node, `names "${intent}", which is not a subtopic intent`, 'Use a subtopic intent of src/nlu/intents.ts, e.g. topic.work.language_school.'));
    } else if (nodes.has(intent.slice('topic.'.length))) {
      out.push(problem(node, `names "${intent}", but the step "${intent.slice('topic.'.length)}" already answers it`, 'Remove the intent field: the step of that id is entered.'));
    } else if (claimed.has(intent)) {
      out.push(problem(node, `names "${intent}", which step "${claimed.get(intent)}" names too`, 'Keep the intent on one step.'));
    } else claimed.set(intent, node.id);
  }
  return out;
}

function problem(node: PathNode, message: string, fix: string): Problem {
  return { level: 'error', file: node.origin.file, line: node.origin.line, node: node.id, message, fix };
}

/**
 * Cross-file checks the engine cannot run without: unique ids, files named after their path,
 * every `goto` and `start` resolves, profile fields used with values of their kind, and no loop
 * of nodes that would lead on forever without asking the user anything.
 */
export function structureProblems(files: PathFile[]): { nodes: Map<string, PathNode>; problems: Problem[] } {
  const problems: Problem[] = [];
  const nodes = new Map<string, PathNode>();
  for (const file of files) {
    const expected = file.file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    if (file.path !== expected) {
      problems.push({ level: 'error', file: file.file, line: 1, message: `says "path: ${file.path}" but the file is named ${expected}.yaml`, fix: `Write "path: ${expected}" or rename the file.` });
    }
    for (const node of file.nodes) {
      const earlier = nodes.get(node.id);
      if (earlier) {
        problems.push(problem(node, `uses the id "${node.id}", which ${earlier.origin.file}:${earlier.origin.line} already uses`, 'Give one of the two nodes another id (ids are unique across all files).'));
      } else nodes.set(node.id, node);
    }
  }
  for (const file of files) {
    if (!nodes.has(file.start)) {
      problems.push({ level: 'error', file: file.file, line: 1, message: `starts at "${file.start}", which is not a node`, fix: `Set "start:" to the id of one of the nodes in ${file.file}.` });
    }
    for (const node of file.nodes) {
      for (const { field, target } of targetsOf(node)) {
        if (!isSpecial(target) && !nodes.has(target)) {
          problems.push(problem(node, `${field} leads to "${target}", which is not a node`, `Write the id of an existing node, or back, menu or end. Check the spelling of "${target}".`));
        }
      }
      problems.push(...profileProblems(node));
    }
  }
  for (const [name, path] of Object.entries(REQUIRED_PATHS)) {
    if (!files.some((f) => f.path === path)) {
      problems.push({ level: 'error', file: `dialogs/${path}.yaml`, message: `is missing: the engine needs a "${name}" path`, fix: `Create dialogs/${path}.yaml (see dialogs/README.md).` });
    }
  }
  problems.push(...loopProblems(nodes), ...intentProblems(nodes));
  return { nodes, problems };
}

function profileProblems(node: PathNode): Problem[] {
  const out: Problem[] = [];
  const kindOf = (field: keyof typeof PROFILE_FIELDS) => PROFILE_FIELDS[field];
  if (node.kind === 'question' && node.answer === 'choice' && node.save) {
    const kind = kindOf(node.save);
    node.choices?.forEach((c, i) => {
      if (c.value === undefined) out.push(problem(node, `choice ${i + 1} has no "value" to save in ${node.save}`, `Add "value:" to every choice of a question that saves.`));
      else if (!fits(kind, c.value)) out.push(problem(node, `choice ${i + 1} saves ${JSON.stringify(c.value)} in ${node.save}, which holds ${describe(kind)}`, `Use ${describe(kind)}.`));
    });
  }
  if (node.kind === 'question' && node.answer === 'number' && (node.min ?? 0) > (node.max ?? 0)) {
    out.push(problem(node, `min (${node.min}) is above max (${node.max})`, 'Swap them.'));
  }
  if (node.kind === 'condition') {
    const kind = kindOf(node.on);
    node.cases.forEach((c, i) => {
      if (Array.isArray(c.when)) {
        for (const v of c.when) if (!fits(kind, v)) out.push(problem(node, `case ${i + 1} tests ${node.on} for ${JSON.stringify(v)}, but ${node.on} holds ${describe(kind)}`, `Use ${describe(kind)}.`));
      } else if (kind !== 'number') {
        out.push(problem(node, `case ${i + 1} tests ${node.on} with min/max, but ${node.on} is not a number`, 'Use a list of values: when: [ ... ].'));
      }
    });
  }
  return out;
}

function fits(kind: 'group' | 'boolean' | 'number', value: unknown): boolean {
  if (kind === 'boolean') return typeof value === 'boolean';
  if (kind === 'number') return typeof value === 'number';
  return typeof value === 'string' && (PROFILE_GROUPS as readonly string[]).includes(value);
}

function describe(kind: 'group' | 'boolean' | 'number'): string {
  return kind === 'boolean' ? 'true or false' : kind === 'number' ? 'a number' : PROFILE_GROUPS.join(', ');
}

/** Info, condition and handoff nodes lead on at once; a circle of them alone would never stop. */
function loopProblems(nodes: Map<string, PathNode>): Problem[] {
  const out: Problem[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    const node = nodes.get(id);
    if (!node || !advancesAlone(node) || state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      const loop = trail.slice(trail.indexOf(id));
      out.push(problem(node, `starts a loop that never waits for the user: ${[...loop, id].join(' → ')}`, 'Let one of these nodes lead to a menu, a question, back, menu or end.'));
      return;
    }
    state.set(id, 'open');
    for (const { target } of targetsOf(node)) visit(target, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of nodes.keys()) visit(id, []);
  return out;
}

/** Loads dialogs/ and builds the graph the engine runs on; stops with every problem when it cannot. */
export function buildGraph(content: LoadedContent): { graph?: PathGraph; problems: Problem[] } {
  // A file that cannot be read would make every reference into it look broken: report it alone first.
  if (content.problems.some((p) => p.level === 'error')) return { problems: content.problems };
  const { nodes, problems } = structureProblems(content.files);
  const startOf = (path: string) => content.files.find((f) => f.path === path)?.start;
  const [menuStart, welcomeStart, contactStart] = [startOf(REQUIRED_PATHS.menu), startOf(REQUIRED_PATHS.welcome), startOf(REQUIRED_PATHS.contact)];
  if (!menuStart || !welcomeStart || !contactStart) return { problems };
  return {
    graph: {
      files: content.files,
      nodes,
      facts: content.facts,
      menuStart,
      welcomeStart,
      contactStart,
    },
    problems,
  };
}

/** For start-up: the graph, or a ContentError that names each file, line, node and fix. */
export function loadGraph(dir: string = DIALOGS_DIR): PathGraph {
  const { graph, problems } = buildGraph(loadContent(dir));
  const errors = problems.filter((p) => p.level === 'error');
  if (!graph || errors.length > 0) throw new ContentError(errors);
  return graph;
}
