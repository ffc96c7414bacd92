// The web explorer in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core). Serves target/web (built by gui/web/build) on a free localhost port, then:
// a link runs its experiment and gives the bits `grokflow run` gives for the same flags; a
// broken link names its parameter and leaves the default preset; the first frame's time
// and the bundle's size are printed for the README.
//
// Environment: GROKFLOW (the native `grokflow` binary, default target/release/grokflow),
// CHROMIUM (default /usr/bin/chromium), SCREENSHOT (where the run's screenshot goes,
// default target/web-explorer.png).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { mkdtempSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { RUN_TIMEOUT_MS, finished, root, site, start, state } from "./page.mjs";

const grokflow = process.env.GROKFLOW ?? path.join(root, "target/release/grokflow");
const screenshot = process.env.SCREENSHOT ?? path.join(root, "target/web-explorer.png");

let explorer;

before(async () => {
  explorer = await start();
});

after(async () => {
  await explorer?.close();
});

/** Opens the explorer at `query` and returns the page once its first frame is drawn. */
function open(query) {
  return explorer.open(query);
}

/** `grokflow run` with the link's parameters as flags: its JSON summary and CSV text. */
function cli(flags) {
  const dir = mkdtempSync(path.join(tmpdir(), "grokflow-web-"));
  const csv = path.join(dir, "run.csv");
  const out = execFileSync(grokflow, ["run", ...flags, "--json", "--csv", csv], { encoding: "utf8" });
  return { summary: JSON.parse(out), csv: readFileSync(csv, "utf8") };
}

/** The page's run is the command line's: its summary (but the wall time, which the page
 * does not measure) and its CSV, byte for byte. */
function assertSameRun(web, native) {
  const { wall_s: _, ...nativeSummary } = native.summary;
  const { wall_s: __, ...webSummary } = web.summary;
  assert.deepEqual(webSummary, nativeSummary);
  assert.equal(web.csv, native.csv);
}

test("the bundle's size and the time to the first frame", async () => {
  const wasm = await readFile(path.join(site, "grokflow_bg.wasm"));
  const js = await readFile(path.join(site, "grokflow.js"));
  const page = await open("");
  const ms = Number(await page.locator("#grokflow-state").getAttribute("data-first-frame-ms"));
  const gzipped = gzipSync(wasm, { level: 9 }).length;
  console.log(
    `bundle: wasm ${wasm.length} B (gzip -9: ${gzipped} B), ` +
      `js ${js.length} B (gzip -9: ${gzipSync(js, { level: 9 }).length} B); ` +
      `first frame ${ms.toFixed(0)} ms after navigation`,
  );
  assert.ok(ms > 0, "the first frame was drawn");
  // The download budget of the issue that asked for the web build (a size, not a timing).
  assert.ok(gzipped <= 3_000_000, `the wasm is ${gzipped} B gzipped, over 3 MB`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a link runs its experiment with the bits of `grokflow run`", async () => {
  const page = await open("?preset=fig1a-small&precision=f32");
  await finished(page);
  const web = await state(page);
  assert.equal(web.preset, "fig1a-small");
  const native = cli(["--preset", "fig1a-small", "--precision", "f32"]);
  assertSameRun(web, native);
  assert.ok(web.csv.split("\n").length > 50, "the trajectory has its records");
  // The address bar links to the run that is on screen.
  assert.match(page.url(), /\?preset=fig1a-small$/);
  await page.screenshot({ path: screenshot });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("Load uploads through the file chooser; CSV, PNG and Save download", async () => {
  const page = await open("?preset=fig1a-small&t-max=100");
  await finished(page);
  const app = await state(page);
  // The app publishes where it drew its buttons: the test clicks what a user would.
  const click = ([x, y]) => page.mouse.click(x, y);
  // Load first: right after a download, headless Chromium ignores the page's first request
  // for a file chooser (a second click opens it).
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), click(app.file_buttons.Load)]);
  const edited = { format: "grokflow-experiment", version: 1, precision: "f64", config: { alpha: 3 } };
  await chooser.setFiles({
    name: "edited.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(edited)),
  });
  await page.waitForFunction(() =>
    document.getElementById("grokflow-state").textContent.includes("Loaded edited.json"),
  );
  const loaded = await state(page);
  assert.match(loaded.form, /alpha=3/);
  assert.match(loaded.form, /precision=f64/);
  const download = async (button) => {
    const [file] = await Promise.all([page.waitForEvent("download"), click(app.file_buttons[button])]);
    return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
  };
  const csv = await download("CSV");
  assert.equal(csv.name, "grokflow-run.csv");
  assert.equal(csv.bytes.toString("utf8"), app.csv);
  const png = await download("PNG");
  assert.equal(png.name, "grokflow-run.png");
  assert.deepEqual([...png.bytes.subarray(1, 4)], [...Buffer.from("PNG")]);
  const saved = await download("Save");
  assert.equal(saved.name, "grokflow-experiment.json");
  const experiment = JSON.parse(saved.bytes.toString("utf8"));
  assert.equal(experiment.config.alpha, 3);
  assert.equal(experiment.precision, "f64");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a short MLP run in f64 matches too", async () => {
  const flags = ["--preset", "fig2-small", "--t-max", "300", "--precision", "f64"];
  const page = await open("?preset=fig2-small&t-max=300&precision=f64");
  await finished(page);
  const web = await state(page);
  assertSameRun(web, cli(flags));
  await page.close();
});

test("the phase diagram runs its grid in the page, with the bits of `grokflow sweep`", async () => {
  // The explorer's default grid: α from 4 to 1024 (5 values), λ from 10⁻³ to 10⁻² (4).
  const page = await open("?preset=fig1a-small&t-max=100&view=phase");
  await page.waitForFunction(
    () => {
      const app = JSON.parse(document.getElementById("grokflow-state").textContent);
      return app.sweep && !app.sweep.running;
    },
    null,
    { timeout: RUN_TIMEOUT_MS },
  );
  const web = (await state(page)).sweep;
  assert.equal(web.done, 20);
  const dir = mkdtempSync(path.join(tmpdir(), "grokflow-web-"));
  const csv = path.join(dir, "sweep.csv");
  execFileSync(grokflow, [
    "sweep", "--preset", "fig1a-small", "--t-max", "100", "--alphas", "4:1024:5",
    "--lambdas", "1e-3:1e-2:4", "--csv", csv, "--png", path.join(dir, "sweep.png"),
  ]);
  // Every column but the wall time, rows sorted: cells finish in any order.
  const rows = (text) =>
    text.trim().split("\n").map((row) => row.split(",").slice(0, -1).join(",")).sort();
  assert.deepEqual(rows(web.csv), rows(readFileSync(csv, "utf8")));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a broken link names its parameter and leaves the default preset", async () => {
  for (const [query, field] of [
    ["?preset=fig1b-small&alpha=-1", "alpha"],
    ["?preset=fig9", "preset"],
    ["?colour=red", "colour"],
  ]) {
    const page = await open(query);
    const app = await state(page);
    assert.equal(app.status, "idle", query);
    assert.equal(app.preset, "fig1a-small", query);
    assert.ok(app.message_is_error, query);
    assert.match(app.message, new RegExp(field), query);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});
