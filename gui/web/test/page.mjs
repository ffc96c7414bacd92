// The web explorer served from target/web and opened in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core): shared by the browser test and the
// in-page benchmark.
//
// Environment: CHROMIUM (default /usr/bin/chromium).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

export const root = path.resolve(import.meta.dirname, "../../..");
export const site = path.join(root, "target/web");
// A run of fig1a-small takes seconds natively; the page gets generous room on a slow CI.
export const RUN_TIMEOUT_MS = 600_000;

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves target/web on a free localhost port and launches Chromium; `close()` ends both. */
export async function start() {
  const server = createServer(async (request, response) => {
    const file = new URL(request.url, "http://localhost").pathname.replace(/\/$/, "/index.html");
    try {
      const body = await readFile(path.join(site, path.normalize(file)));
      response.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      // WebGL 2 (egui's renderer) in software: there is no GPU in CI.
      "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    ],
  });
  return {
    /** Opens the explorer at `query` and returns the page once its first frame is drawn. */
    async open(query) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.errors = errors;
      await page.goto(`${origin}/${query}`);
      await page.waitForSelector('#grokflow-state:not([data-status="loading"])', {
        state: "attached",
        timeout: 60_000,
      });
      return page;
    },
    async close() {
      await browser?.close();
      server?.close();
    },
  };
}

/** Waits until the page's live run has ended. */
export async function finished(page) {
  await page.waitForSelector('#grokflow-state[data-status="finished"]', {
    state: "attached",
    timeout: RUN_TIMEOUT_MS,
  });
}

/** The app's own state, as it publishes it (gui/src/web.rs). */
export async function state(page) {
  return JSON.parse(await page.locator("#grokflow-state").textContent());
}
