/**
 * The shapes of the path files (dialogs/*.yaml) and the municipality facts, as the engine uses
 * them after loading. The format is described for editors in dialogs/README.md and checked by
 * dialogs/schema.json.
 */

/** A `goto`: a node id, or one of the special targets. */
export type Target = string;
export const SPECIAL_TARGETS = ['back', 'menu', 'end'] as const;

export const PROFILE_GROUPS = ['refugee', 'family_refugee', 'family_other', 'ukraine', 'other', 'unknown'] as const;
export type ProfileGroup = (typeof PROFILE_GROUPS)[number];

/** Profile fields a question may save and a condition may test, with the kind of value each holds. */
export const PROFILE_FIELDS = { group: 'group', has_children: 'boolean', child_age: 'number' } as const;
export type ProfileField = keyof typeof PROFILE_FIELDS;
export type ProfileValue = string | number | boolean;

/** Where a node was written: for messages that name the file and line. */
export interface Origin {
  /** Path relative to the project (e.g. `dialogs/work.yaml`). */
  file: string;
  line: number;
}

export interface ChoiceSpec {
  label: string;
  goto: Target;
  value?: ProfileValue;
}

interface NodeBase {
  id: string;
  /** The path (file) the node belongs to. */
  path: string;
  origin: Origin;
}

export interface MenuNode extends NodeBase {
  kind: 'menu';
  say: string;
  /** A subtopic intent (`topic.work.language_school`) whose free text enters this step (see subtopicNode). */
  intent?: string;
  choices: ChoiceSpec[];
}

export interface InfoNode extends NodeBase {
  kind: 'info';
  say: string;
  /** A subtopic intent (`topic.work.language_school`) whose free text enters this step (see subtopicNode). */
  intent?: string;
  link?: { url: string; label: string };
  goto?: Target;
  source?: string;
  /** The date the source itself gives (YYYY, YYYY-MM or YYYY-MM-DD), or `undated`. */
  source_date?: string;
  checked?: string;
  valid_until?: string;
  for?: ProfileGroup[];
}

export interface QuestionNode extends NodeBase {
  kind: 'question';
  say: string;
  answer: 'yesno' | 'choice' | 'number';
  yes?: Target;
  no?: Target;
  choices?: ChoiceSpec[];
  min?: number;
  max?: number;
  save?: ProfileField;
  goto?: Target;
}

export interface ConditionCase {
  when: ProfileValue[] | { min?: number; max?: number };
  goto: Target;
}

export interface ConditionNode extends NodeBase {
  kind: 'condition';
  on: ProfileField;
  cases: ConditionCase[];
  otherwise: Target;
}

export interface HandoffNode extends NodeBase {
  kind: 'handoff';
  say: string;
  topic: 'work' | 'school' | 'leisure' | 'return_home' | 'other';
  reason: string;
  goto?: Target;
}

export interface EndNode extends NodeBase {
  kind: 'end';
  say?: string;
}

export type PathNode = MenuNode | InfoNode | QuestionNode | ConditionNode | HandoffNode | EndNode;

export interface PathFile {
  path: string;
  title: string;
  start: string;
  /** Project-relative file name. */
  file: string;
  nodes: PathNode[];
}

export interface Fact {
  /** A text, a number, or a text per language (`{ da: ..., en: ... }`); null while unknown. */
  value: string | number | Record<string, string> | null;
  status?: 'confirmed' | 'to_be_confirmed';
  source: string;
  /** The date the source itself gives (YYYY, YYYY-MM or YYYY-MM-DD), or `undated`: not the day someone read it. */
  source_date?: string;
  /** The day someone checked the fact against its source. */
  checked: string;
  valid_until?: string;
  origin: Origin;
}

/** Everything under dialogs/, loaded and cross-checked: what the engine runs on. */
export interface PathGraph {
  files: PathFile[];
  nodes: Map<string, PathNode>;
  facts: Map<string, Fact>;
  /** Where `menu` leads: the start of menu.yaml. */
  menuStart: string;
  /** Where a new user begins after the language: the start of welcome.yaml. */
  welcomeStart: string;
  /** Where "talk to a person" leads: the start of contact.yaml. */
  contactStart: string;
}

/** One thing wrong with the content, said so an editor can fix it. */
export interface Problem {
  level: 'error' | 'warning';
  file: string;
  line?: number;
  node?: string;
  message: string;
  fix: string;
}

export function formatProblem(p: Problem): string {
  const where = `${p.file}${p.line ? `:${p.line}` : ''}${p.node ? ` (node ${p.node})` : ''}`;
  return `${p.level === 'error' ? 'ERROR' : 'warning'} ${where}: ${p.message}\n    fix: ${p.fix}`;
}

/** Content that cannot run: start-up stops with this, naming every problem. */
export class ContentError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`The paths in dialogs/ cannot be used:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ContentError';
  }
}
