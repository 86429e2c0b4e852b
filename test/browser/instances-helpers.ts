/** Shared steps of the instance suites (instances*.test.ts, keyboard*.test.ts). */
import type { Page } from 'playwright-core';

/** The id (or tag) of the element that has the focus, through shadow roots. */
export const focusedId = (page: Page): Promise<string> =>
  page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.id || active?.tagName.toLowerCase() || '';
  });

/** Presses Tab until the element with `id` has the focus. */
export async function tabTo(page: Page, id: string, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await focusedId(page)) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached #${id} (at ${await focusedId(page)})`);
}
