import type { Page } from 'playwright-core';

/**
 * Waits until a JavaScript expression is true in the page. Playwright's waitForFunction with a
 * string polls by eval inside the page, which the page's Content-Security-Policy (script-src
 * 'self') refuses as soon as the first check is false; page.evaluate goes through DevTools instead.
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
