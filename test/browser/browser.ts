import { accessSync, constants, createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { type Browser, type ConsoleMessage, chromium, type Page, type Response } from 'playwright-core';

/** Debian's Chromium, used when installed; playwright-core ships no browser of its own. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else Debian's when installed,
 * else the one `npm ci` brought (`@sparticuz/chromium`, unpacked on first use).
 */
export function chromiumPath(): Promise<string> {
  const chosen = process.env.CHROMIUM_PATH || (executable(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);
  if (chosen) return Promise.resolve(chosen);
  npmChromium ??= unpackNpmChromium();
  return npmChromium;
}
let npmChromium: Promise<string> | undefined;

/**
 * `@sparticuz/chromium` ships a brotli-compressed x64 headless Chromium in `bin/chromium.br`.
 * Unpacked once per package version into the temp folder (about 200 MB, a few seconds), through a
 * file of this process's own that is then renamed: test files and worktrees that start at once
 * never run a half-written binary, and a version bump never runs the old one. (The package's
 * `executablePath()` reuses any `/tmp/chromium` it finds, whatever its version or state.)
 */
async function unpackNpmChromium(): Promise<string> {
  if (process.arch !== 'x64') {
    throw new Error(
      `@sparticuz/chromium ships an x64 Chromium only; on ${process.arch} install Debian's ` +
        `(apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  const pkg = dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')));
  const { version } = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const dir = join(tmpdir(), `sparticuz-chromium-${version}`);
  const binary = join(dir, 'chromium');
  if (executable(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await pipeline(
      createReadStream(join(pkg, 'bin', 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(partial, { mode: 0o755 }),
    );
    await rename(partial, binary);
  } finally {
    await rm(partial, { force: true });
  }
  return binary;
}

/**
 * One headless Chromium, quiet on the network: no updates, sync or background requests (the
 * closed network here refuses them). Playwright adds `--headless` and a fresh temporary
 * `--user-data-dir` for each launch. `@sparticuz/chromium`'s own `args` are for Lambda and not
 * used: `--disable-web-security` and `--single-process` would change what the pages are tested for.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumPath(),
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
