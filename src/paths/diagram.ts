import { isSpecial, targetsOf } from './graph';
import { lookup } from './texts';
import type { PathGraph, PathNode } from './types';

const BOX_W = 250;
const BOX_H = 40;
const ROW = 54;
const COL = BOX_W + 110;
const TOP = 120;
const LEFT = 30;

const COLOURS: Record<PathNode['kind'], string> = {
  menu: '#cfe3ff',
  info: '#f4f4f4',
  question: '#ffe9b3',
  condition: '#e6d7ff',
  handoff: '#c9f0d3',
  end: '#ffd0d0',
};

/** The order paths are drawn in, left to right: the way a newcomer meets them. */
const PATH_ORDER = ['welcome', 'menu', 'work', 'school', 'leisure', 'return_home', 'contact'];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The paths as an SVG diagram for the policy committee: one column per path (in the order a
 * newcomer meets them), each path's nodes top to bottom in the order they are reached from its
 * start, a box per node coloured by kind with its id and the start of its text, and an arrow per
 * `goto`. `back`, `menu` and `end` are written under the box instead of drawn.
 */
export function drawPaths(graph: PathGraph, texts: Record<string, unknown> | undefined): string {
  const files = [...graph.files].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  const position = new Map<string, { x: number; y: number }>();
  let height = 0;
  files.forEach((file, column) => {
    const order = orderWithin(graph, file.start, new Set(file.nodes.map((n) => n.id)));
    for (const node of file.nodes) if (!order.includes(node.id)) order.push(node.id);
    order.forEach((id, row) => position.set(id, { x: LEFT + column * COL, y: TOP + row * ROW }));
    height = Math.max(height, TOP + order.length * ROW);
  });
  const width = LEFT * 2 + files.length * COL;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 40}" viewBox="0 0 ${width} ${height + 40}" font-family="Arial, Helvetica, sans-serif">`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#556"/></marker></defs>');
  out.push(`<rect x="0" y="0" width="${width}" height="${height + 40}" fill="white"/>`);
  // Legend
  Object.entries(COLOURS).forEach(([kind, colour], i) => {
    out.push(`<rect x="${LEFT + i * 110}" y="12" width="16" height="16" fill="${colour}" stroke="#667"/><text x="${LEFT + i * 110 + 22}" y="25" font-size="13">${kind}</text>`);
  });
  files.forEach((file, column) => {
    const title = lookup(texts, file.title);
    out.push(`<text x="${LEFT + column * COL}" y="${TOP - 44}" font-size="16" font-weight="bold">${escape(file.path)}${typeof title === 'string' ? ` – ${escape(clip(title, 24))}` : ''}</text>`);
  });
  // Edges under the boxes
  for (const node of graph.nodes.values()) {
    const from = position.get(node.id)!;
    for (const { target } of targetsOf(node)) {
      if (isSpecial(target)) continue;
      const to = position.get(target);
      if (!to) continue;
      out.push(`<path d="${edge(from, to)}" fill="none" stroke="#556" stroke-width="1.2" opacity="0.7" marker-end="url(#arrow)"/>`);
    }
  }
  for (const node of graph.nodes.values()) {
    const { x, y } = position.get(node.id)!;
    const say = 'say' in node && node.say ? lookup(texts, node.say) : undefined;
    const specials = [...new Set(targetsOf(node).map((t) => t.target).filter(isSpecial))];
    const extra = node.kind === 'condition' ? `if ${node.on}` : node.kind === 'handoff' ? `→ person (${node.topic})` : '';
    out.push(`<g><title>${escape(node.id)}${typeof say === 'string' ? `: ${escape(say)}` : ''}</title>`);
    out.push(`<rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${COLOURS[node.kind]}" stroke="${node.id === graph.menuStart || node.id === graph.welcomeStart ? '#124' : '#889'}" stroke-width="${node.id === graph.menuStart ? 2.5 : 1}"/>`);
    out.push(`<text x="${x + 8}" y="${y + 16}" font-size="12" font-weight="bold">${escape(clip(node.id, 34))}</text>`);
    const second = typeof say === 'string' ? clip(say.replace(/\s+/g, ' '), 40) : extra;
    if (second) out.push(`<text x="${x + 8}" y="${y + 32}" font-size="11" fill="#333">${escape(second)}</text>`);
    if (specials.length > 0) out.push(`<text x="${x + BOX_W - 6}" y="${y + BOX_H + 11}" font-size="10" fill="#a33" text-anchor="end">→ ${specials.join(', ')}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function rank(path: string): number {
  const i = PATH_ORDER.indexOf(path);
  return i < 0 ? PATH_ORDER.length : i;
}

/** A path's nodes in the order they are reached from its start (breadth first), staying inside the path. */
function orderWithin(graph: PathGraph, start: string, inPath: Set<string>): string[] {
  const order: string[] = [];
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (order.includes(id) || !inPath.has(id)) continue;
    order.push(id);
    for (const { target } of targetsOf(graph.nodes.get(id)!)) queue.push(target);
  }
  return order;
}

function edge(from: { x: number; y: number }, to: { x: number; y: number }): string {
  const fy = from.y + BOX_H / 2;
  const ty = to.y + BOX_H / 2;
  if (Math.abs(to.x - from.x) > COL) {
    // Past other paths: up into the lane above the boxes, across, and down into the target's top.
    const lane = TOP - 10 - 4 * (Math.round(to.x / COL) % 6);
    const sx = from.x + BOX_W - 30;
    const tx = to.x + 30 + 6 * (Math.round(from.x / COL) % 4);
    return `M${sx},${from.y} L${sx},${lane} L${tx},${lane} L${tx},${to.y}`;
  }
  if (to.x > from.x) return `M${from.x + BOX_W},${fy} C${from.x + BOX_W + 60},${fy} ${to.x - 60},${ty} ${to.x},${ty}`;
  if (to.x < from.x) return `M${from.x},${fy} C${from.x - 60},${fy} ${to.x + BOX_W + 60},${ty} ${to.x + BOX_W},${ty}`;
  // Same path: an arc on the right side, wider the further it goes.
  const bulge = 25 + Math.min(60, Math.abs(ty - fy) / 8);
  return `M${from.x + BOX_W},${fy} C${from.x + BOX_W + bulge},${fy} ${to.x + BOX_W + bulge},${ty} ${to.x + BOX_W},${ty}`;
}
