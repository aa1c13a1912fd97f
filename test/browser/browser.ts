import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, type ConsoleMessage, chromium, type Page, type Response } from 'playwright-core';

/** Debian's Chromium; playwright-core ships no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** One headless Chromium, quiet on the network: no updates, sync or background requests. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Where screenshots go (git-ignored): `test-results/browser/` at the repository root. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/browser/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Clicks a submit button and waits for the page the form post answers with. Returns that
 * response, so tests can assert its status as well as what the page shows. When no post
 * leaves the page (a Content-Security-Policy or sandbox blocking the form, say), fails
 * quickly with what the browser said about it.
 */
export async function submitWith(page: Page, button: string, timeout = 10_000): Promise<Response> {
  const said: string[] = [];
  const listen = (m: ConsoleMessage) => {
    if (m.type() === 'error') said.push(m.text());
  };
  page.on('console', listen);
  try {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest(), {
        timeout,
      }),
      page.click(button),
    ]);
    await page.waitForLoadState('load');
    return response;
  } catch (error) {
    throw new Error(
      `clicking ${button} on ${page.url()} posted no form within ${timeout} ms; the browser said: ${
        said.join(' | ') || 'nothing'
      }`,
      { cause: error },
    );
  } finally {
    page.off('console', listen);
  }
}
