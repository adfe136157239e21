import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { PROJECT_ROOT } from '../projectRoot';
import type { Fact, Origin, PathFile, PathNode, Problem } from './types';

export const DIALOGS_DIR = join(PROJECT_ROOT, 'dialogs');
export const MUNICIPALITY_FILE = 'municipality.yaml';

/** What dialogs/ holds, each file parsed and checked against dialogs/schema.json. */
export interface LoadedContent {
  files: PathFile[];
  facts: Map<string, Fact>;
  /** Problems found while reading: broken YAML, schema violations. */
  problems: Problem[];
}

interface ParsedYaml {
  file: string;
  doc: Document;
  lines: LineCounter;
}

let validators: { path: ValidateFunction; municipality: ValidateFunction } | undefined;

/** The schema's two entry points, compiled once. */
function schemaValidators(): { path: ValidateFunction; municipality: ValidateFunction } {
  if (validators) return validators;
  const schema = JSON.parse(readFileSync(join(DIALOGS_DIR, 'schema.json'), 'utf8')) as { $id: string };
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(schema);
  validators = {
    path: ajv.getSchema(`${schema.$id}#/definitions/pathFile`)!,
    municipality: ajv.getSchema(`${schema.$id}#/definitions/municipalityFile`)!,
  };
  return validators;
}

/** A file name as editors see it: relative to the project when inside it. */
export function displayName(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel.startsWith('..') ? path : rel;
}

/** The line (1-based) of the YAML node at `path` inside the document, or of its closest parent. */
function lineOf(parsed: ParsedYaml, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = parsed.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return 1;
}

function parseYaml(path: string): { parsed?: ParsedYaml; problems: Problem[] } {
  const file = displayName(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { problems: [{ level: 'error', file, message: `cannot be read (${(err as Error).message})`, fix: 'Check that the file exists and is readable.' }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        level: 'error' as const,
        file,
        line: lines.linePos(e.pos[0]).line,
        message: `is not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
        fix: 'Check the indentation (spaces, not tabs), the colons and the dashes on that line and the line before it.',
      })),
    };
  }
  return { parsed: { file, doc, lines }, problems: [] };
}

/** A schema error said for an editor, with the line it points at. */
function schemaProblem(parsed: ParsedYaml, error: ErrorObject): Problem {
  const path = error.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  const data = parsed.doc.toJS() as { nodes?: { id?: string }[] };
  const node = path[0] === 'nodes' && typeof path[1] === 'number' ? data.nodes?.[path[1]]?.id : undefined;
  const field = path.length > 0 ? `"${path.join('.')}"` : 'the file';
  let message: string;
  let fix: string;
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      message = `${field} has a field "${extra}" that this kind of entry does not take`;
      fix = `Remove "${extra}" or check its spelling (see dialogs/README.md for the fields of each kind).`;
      break;
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      message = `${field} lacks the field "${missing}"`;
      fix = `Add "${missing}:" (see dialogs/README.md).`;
      break;
    }
    case 'enum':
      message = `${field} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
      fix = 'Use one of the listed values.';
      break;
    case 'const':
      message = `${field} must be ${String((error.params as { allowedValue: unknown }).allowedValue)}`;
      fix = 'Use that value.';
      break;
    case 'pattern':
      message = `${field} is not in the expected form (${error.message ?? ''})`;
      fix = /date|checked|valid_until/.test(field)
        ? 'Write the date as YYYY-MM-DD, e.g. 2026-11-27.'
        : /url/.test(field)
          ? 'Write a full address starting with https://.'
          : 'Use lowercase letters, digits and underscores, parts joined by dots (e.g. work.contract).';
      break;
    case 'minItems':
    case 'maxItems':
      message = `${field} ${error.message ?? ''}`;
      fix = 'A menu or a choice question has 2 to 8 choices.';
      break;
    default:
      message = `${field} ${error.message ?? 'is not valid'}`;
      fix = 'See dialogs/README.md for the form this entry takes.';
  }
  return { level: 'error', file: parsed.file, line: lineOf(parsed, path), node, message, fix };
}

/** Schema errors, without the noise of if/then and oneOf wrappers. */
function schemaProblems(parsed: ParsedYaml, validate: ValidateFunction): Problem[] {
  if (validate(parsed.doc.toJS())) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'oneOf' && e.keyword !== 'allOf');
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors.length > 0 ? errors : validate.errors ?? []) {
    const p = schemaProblem(parsed, e);
    const key = `${p.line}|${p.message}`;
    if (!seen.has(key)) problems.push(p);
    seen.add(key);
  }
  return problems;
}

function origin(parsed: ParsedYaml, path: (string | number)[]): Origin {
  return { file: parsed.file, line: lineOf(parsed, path) };
}

function toPathFile(parsed: ParsedYaml): PathFile {
  const data = parsed.doc.toJS() as Omit<PathFile, 'file' | 'nodes'> & { nodes: Omit<PathNode, 'path' | 'origin'>[] };
  return {
    path: data.path,
    title: data.title,
    start: data.start,
    file: parsed.file,
    nodes: data.nodes.map((n, i) => ({ ...n, path: data.path, origin: origin(parsed, ['nodes', i]) }) as PathNode),
  };
}

function toFacts(parsed: ParsedYaml): Map<string, Fact> {
  const data = parsed.doc.toJS() as { facts: Record<string, Omit<Fact, 'origin'>> };
  return new Map(Object.entries(data.facts).map(([name, f]) => [name, { ...f, origin: origin(parsed, ['facts', name]) }]));
}

/**
 * Reads every `*.yaml` in `dir`: the path files, and municipality.yaml with the facts. A file that
 * is not valid YAML or breaks the schema gives a problem naming the file and the line.
 */
export function loadContent(dir: string = DIALOGS_DIR): LoadedContent {
  const problems: Problem[] = [];
  const files: PathFile[] = [];
  let facts = new Map<string, Fact>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  } catch {
    return { files, facts, problems: [{ level: 'error', file: displayName(dir), message: 'the folder of paths does not exist', fix: 'Create it, or set DIALOGS_DIR to the folder that holds the path files.' }] };
  }
  const { path: validatePath, municipality: validateMunicipality } = schemaValidators();
  for (const name of names) {
    const { parsed, problems: parseProblems } = parseYaml(join(dir, name));
    problems.push(...parseProblems);
    if (!parsed) continue;
    const isFacts = name === MUNICIPALITY_FILE;
    const schemaErrors = schemaProblems(parsed, isFacts ? validateMunicipality : validatePath);
    problems.push(...schemaErrors);
    if (schemaErrors.length > 0) continue;
    if (isFacts) facts = toFacts(parsed);
    else files.push(toPathFile(parsed));
  }
  return { files, facts, problems };
}
