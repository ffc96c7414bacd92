// The explorer's runs timed in the page (headless Chromium, wasm32): how long a preset's
// run takes from its first frame to `finished`, for the README's Performance section.
// A benchmark, not a test: it asserts nothing about time.
//
// Usage (after gui/web/build): `npm run bench -- fig2-small "fig3-small&seed=4"`: each
// argument is a preset with the link's further parameters, if any (default: fig2-small and
// fig3-small).
import { finished, start } from "./page.mjs";

const presets = process.argv.slice(2);
const explorer = await start();
try {
  for (const preset of presets.length > 0 ? presets : ["fig2-small", "fig3-small"]) {
    const page = await explorer.open(`?preset=${preset}`);
    const started = performance.now();
    await finished(page);
    const seconds = (performance.now() - started) / 1000;
    if (page.errors.length > 0) throw new Error(`${preset}: ${page.errors.join("; ")}`);
    console.log(`${preset}: ${seconds.toFixed(1)} s in the page`);
    await page.close();
  }
} finally {
  await explorer.close();
}
