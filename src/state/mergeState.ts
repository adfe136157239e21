/**
 * Three-way merge of JSON state: what this turn changed (`base` → `mine`) applied onto what is
 * stored now (`theirs`), so two turns that changed different fields of one user's state both
 * keep their change. Plain objects merge field by field, at every depth; anything else (numbers,
 * strings, arrays) is one value, and where both sides changed the same value this turn (the later
 * one to commit) wins. An absent object merges like an empty one, so fields another turn erased
 * ("delete my data") stay erased unless this turn set them. The top level's `eTag` is left out.
 */
export function mergeState(base: unknown, mine: unknown, theirs: unknown): unknown {
  if (same(mine, base)) return theirs;
  if (same(theirs, base)) return mine;
  const objects = [base, mine, theirs].filter((v) => v !== undefined);
  if (mine !== undefined && objects.every(isPlainObject)) {
    const b = (base ?? {}) as Record<string, unknown>;
    const m = mine as Record<string, unknown>;
    const t = (theirs ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(t), ...Object.keys(m), ...Object.keys(b)])) {
      const value = mergeState(b[key], m[key], t[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return mine;
}

/** A stored item's data without its eTag. */
export function withoutEtag<T extends object>(item: T | undefined): Omit<T, 'eTag'> | undefined {
  if (item === undefined) return undefined;
  const copy = { ...item } as T & { eTag?: unknown };
  delete copy.eTag;
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
