/**
 * Draws the Teams app icons into deploy/teams/: color.png (192×192, full colour) and
 * outline.png (32×32, white on transparent), as Teams requires. Run once after changing the
 * design: `npx tsx src/channels/teams/tools/drawIcons.ts`. The shapes: a speech bubble with
 * three dots (a conversation), nothing taken from elsewhere.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../projectRoot';
import { encodePng, type RgbaImage } from '../png';

type Shape = (x: number, y: number) => boolean;

/** Coordinates are in a 0..1 square. */
const roundedRect = (x0: number, y0: number, x1: number, y1: number, r: number): Shape => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const circle = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
/** The bubble's tail: a triangle under its lower left part. */
const tail: Shape = (x, y) => y >= 0.66 && y <= 0.84 && x >= 0.3 && x <= 0.3 + (0.84 - y) * 1.1;
const bubble: Shape = (x, y) => roundedRect(0.2, 0.24, 0.8, 0.7, 0.1)(x, y) || tail(x, y);
const dots: Shape = (x, y) => [0.35, 0.5, 0.65].some((cx) => circle(cx, 0.47, 0.045)(x, y));

/** Draws with 4×4 supersampling; `paint` gives the colour of a point, or undefined for transparent. */
function draw(size: number, paint: (x: number, y: number) => [number, number, number] | undefined): RgbaImage {
  const pixels = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const colour = paint((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        pixels[i] = Math.round(r / a);
        pixels[i + 1] = Math.round(g / a);
        pixels[i + 2] = Math.round(b / a);
      }
      pixels[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return { width: size, height: size, pixels };
}

const ACCENT: [number, number, number] = [0x00, 0x6e, 0x7f];
const WHITE: [number, number, number] = [0xff, 0xff, 0xff];

const color = draw(192, (x, y) => (dots(x, y) ? ACCENT : bubble(x, y) ? WHITE : ACCENT));
// The outline icon: the bubble's border and the dots, white, on transparent.
const inner: Shape = (x, y) => roundedRect(0.28, 0.32, 0.72, 0.62, 0.05)(x, y);
const outline = draw(32, (x, y) => ((bubble(x, y) && !inner(x, y)) || dots(x, y) ? WHITE : undefined));

const dir = join(PROJECT_ROOT, 'deploy', 'teams');
writeFileSync(join(dir, 'color.png'), encodePng(color));
writeFileSync(join(dir, 'outline.png'), encodePng(outline));
process.stdout.write(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}\n`);
