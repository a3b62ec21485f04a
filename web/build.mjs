// Builds the dashboards into web/dist/: one hashed script and one hashed stylesheet under
// dist/assets/ (served by ims-api with a year's immutable caching) and dist/index.html, which names
// them (served with no-cache, so a new build is picked up at the next load). No inline script or
// style anywhere: the server's Content-Security-Policy forbids both.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [path.join(here, 'src/main.jsx')],
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  outdir: path.join(dist, 'assets'),
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, o]) => o.entryPoint);
if (!entry) throw new Error('esbuild produced no entry point');
const script = path.basename(entry[0]);
const style = entry[1].cssBundle ? path.basename(entry[1].cssBundle) : null;

const template = await readFile(path.join(here, 'src/index.html'), 'utf8');
const html = template
  .replace('<!--style-->', style ? `<link rel="stylesheet" href="/assets/${style}">` : '')
  .replace('<!--script-->', `<script type="module" src="/assets/${script}"></script>`);
if (html.includes('<!--')) throw new Error('index.html template has an unfilled placeholder');
await writeFile(path.join(dist, 'index.html'), html);
await writeFile(path.join(dist, 'meta.json'), JSON.stringify(result.metafile));
console.log(`web: built ${script}${style ? ` and ${style}` : ''}`);
