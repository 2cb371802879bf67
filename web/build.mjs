// Build the demo page and the chat widget into dist/ (npm run build; `make web`).
// The bundle includes socket.io-client, so nothing is fetched from a CDN at run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

// WIDGET_OUT builds elsewhere (the test that checks web/dist is up to date).
const out = process.env.WIDGET_OUT
  ? `${process.env.WIDGET_OUT.replace(/\/$/, "")}/`
  : new URL("./dist/", import.meta.url).pathname;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [new URL("./src/widget.js", import.meta.url).pathname],
  bundle: true,
  format: "iife",
  target: ["es2019"],
  minify: true,
  legalComments: "eof",
  outfile: `${out}widget.js`,
  logLevel: "warning",
});
for (const file of ["index.html", "widget.css", "salon.css"]) {
  copyFileSync(new URL(`./src/${file}`, import.meta.url).pathname, `${out}${file}`);
}
console.log(`built ${out}`);
