// The compliance report's HTML page in a real browser: headless Chromium
// (Debian's /usr/bin/chromium) loads each file given and, for each, checks
//
//   desktop   1280×900: no console error or warning, no uncaught error, no
//             dialog, no request but the file itself (every other one is
//             aborted and fails the check); the wide charts shown, the
//             narrow ones hidden; no chart text overlapping other text or
//             leaving its chart; no horizontal scrolling; a full-page
//             screenshot that is not blank;
//   phone     375×812 (mobile, touch): the same, with the narrow charts;
//   pdf       printed on A4 (print media, backgrounds): a PDF of some size,
//             with at least one page, and no console message meanwhile.
//
//   node check_html.mjs [--out DIR] [--chromium PATH] FILE.html...
//
// --out keeps NAME-desktop.png, NAME-phone.png and NAME.pdf in DIR. Ends
// with `browser: N passed, M failed`; exits 1 when anything failed, 2 on
// bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { PNG } from 'pngjs';
import puppeteer from 'puppeteer-core';

const VIEWS = [
  { name: 'desktop', chart: 'wide', viewport: { width: 1280, height: 900, deviceScaleFactor: 1 } },
  {
    name: 'phone',
    chart: 'narrow',
    viewport: { width: 375, height: 812, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  },
];
// A page is blank below these: the share of pixels that are not (nearly)
// white, and the number of distinct colours (5 bits a channel).
const MIN_INK = 0.01;
const MIN_COLOURS = 8;
const MIN_PDF_BYTES = 10_000;
// Text boxes overlapping by less than this (px²) only touch.
const OVERLAP_PX2 = 4;

function usage(message) {
  if (message) console.error(`browser: ${message}`);
  console.error('usage: node check_html.mjs [--out DIR] [--chromium PATH] FILE.html...');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { out: null, chromium: '/usr/bin/chromium', files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' || a === '--chromium') {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      opts[a.slice(2)] = argv[++i];
    } else if (a.startsWith('-')) {
      usage(`unknown option ${a}`);
    } else {
      opts.files.push(a);
    }
  }
  if (opts.files.length === 0) usage('no HTML file given');
  return opts;
}

// Ink and colours of a PNG screenshot.
function pngStats(buffer) {
  const png = PNG.sync.read(buffer);
  const { width, height, data } = png;
  let ink = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i], g = data[i + 1], b = data[i + 2];
    if (r < 245 || g < 245 || b < 245) ink++;
    colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
  }
  return { width, height, ink: ink / (width * height), colours: colours.size };
}

// A page that records what it must not do: console errors and warnings,
// uncaught errors, dialogs, and requests other than the file's own.
async function watchedPage(browser, fileUrl) {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (msg) => {
    const type = msg.type();
    if (type === 'error' || type === 'warn' || type === 'warning' || type === 'assert') {
      const loc = msg.location();
      const where = loc && loc.url ? ` (${loc.url}${loc.lineNumber !== undefined ? `:${loc.lineNumber + 1}` : ''})` : '';
      problems.push(`console ${type}: ${msg.text()}${where}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught error: ${err.message || err}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('requestfailed', (req) => {
    if (req.url() === fileUrl) problems.push(`the file failed to load: ${req.failure()?.errorText}`);
  });
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (req.isInterceptResolutionHandled()) return;
    if (req.url() === fileUrl) {
      req.continue();
    } else {
      problems.push(`request: ${req.resourceType()} ${req.url().slice(0, 200)}`);
      req.abort('blockedbyclient');
    }
  });
  return { page, problems };
}

// In the page: the charts shown, text boxes that overlap or leave their
// chart, and the page's horizontal overflow.
function layoutFacts(overlapPx2) {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return getComputedStyle(el).display !== 'none' && r.width > 0 && r.height > 0;
  };
  const charts = [...document.querySelectorAll('svg.chart')];
  const shown = charts.filter(visible);
  const overlaps = [];
  const outside = [];
  for (const svg of shown) {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')]
      .map((t) => ({ text: t.textContent.trim(), r: t.getBoundingClientRect() }))
      .filter((t) => t.text !== '' && t.r.width > 0);
    for (const t of texts) {
      if (t.r.left < box.left - 1 || t.r.right > box.right + 1 || t.r.top < box.top - 1 || t.r.bottom > box.bottom + 1) {
        outside.push(`"${t.text}" leaves its chart (${svg.getAttribute('aria-label')})`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0 && h > 0 && w * h > overlapPx2) {
          overlaps.push(`"${texts[i].text}" overlaps "${texts[j].text}" (${svg.getAttribute('aria-label')})`);
        }
      }
    }
  }
  return {
    charts: charts.length,
    shown: shown.map((s) => ({
      cls: s.getAttribute('class'),
      width: Math.round(s.getBoundingClientRect().width),
      height: Math.round(s.getBoundingClientRect().height),
    })),
    overlaps,
    outside,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    title: document.title,
  };
}

async function checkView(browser, file, fileUrl, view, opts) {
  const failures = [];
  const { page, problems } = await watchedPage(browser, fileUrl);
  try {
    await page.setViewport(view.viewport);
    await page.goto(fileUrl, { waitUntil: 'load', timeout: 30_000 });
    const facts = await page.evaluate(layoutFacts, OVERLAP_PX2);
    const shownClasses = facts.shown.map((s) => s.cls.replace(/\bchart\b/, '').trim());
    if (facts.shown.length < 4) failures.push(`${facts.shown.length} charts shown, expected 4 (of ${facts.charts})`);
    for (const s of facts.shown) {
      if (!s.cls.split(' ').includes(view.chart)) failures.push(`a "${s.cls}" chart is shown at ${view.name} width`);
      if (s.width < view.viewport.width * 0.6) failures.push(`a chart is ${s.width} px wide in a ${view.viewport.width} px window`);
      if (s.height < 40) failures.push(`a chart is ${s.height} px high`);
    }
    failures.push(...facts.overlaps.slice(0, 10), ...facts.outside.slice(0, 10));
    // A phone's layout viewport grows to fit content that is too wide:
    // compare with the window asked for.
    const windowWidth = view.viewport.width;
    if (facts.scrollWidth > windowWidth + 1 || facts.innerWidth > windowWidth + 1) {
      failures.push(`the page scrolls sideways: ${Math.max(facts.scrollWidth, facts.innerWidth)} px wide in a ` +
        `${windowWidth} px window`);
    }
    const shot = await page.screenshot({ fullPage: true, type: 'png' });
    const stats = pngStats(shot);
    if (stats.ink < MIN_INK || stats.colours < MIN_COLOURS) {
      failures.push(`the screenshot looks blank: ${(stats.ink * 100).toFixed(2)} % ink, ${stats.colours} colours`);
    }
    if (opts.out) fs.writeFileSync(path.join(opts.out, `${path.basename(file, '.html')}-${view.name}.png`), shot);
    const detail = `${stats.width}×${stats.height} px, ${(stats.ink * 100).toFixed(1)} % ink, ${stats.colours} colours, ` +
      `charts ${[...new Set(shownClasses)].join('/')}`;
    return { failures: [...problems, ...failures], detail };
  } catch (err) {
    return { failures: [...problems, ...failures, `error: ${err.message || err}`], detail: '' };
  } finally {
    await page.close().catch(() => {});
  }
}

async function checkPdf(browser, file, fileUrl, opts) {
  const failures = [];
  const { page, problems } = await watchedPage(browser, fileUrl);
  try {
    await page.goto(fileUrl, { waitUntil: 'load', timeout: 30_000 });
    await page.emulateMediaType('print');
    const pdf = Buffer.from(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) || []).length;
    if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') failures.push('not a PDF');
    if (pdf.length < MIN_PDF_BYTES) failures.push(`the PDF has only ${pdf.length} bytes`);
    if (pages < 1) failures.push('the PDF has no page');
    if (opts.out) fs.writeFileSync(path.join(opts.out, `${path.basename(file, '.html')}.pdf`), pdf);
    return { failures: [...problems, ...failures], detail: `${pdf.length} bytes, ${pages} pages` };
  } catch (err) {
    return { failures: [...problems, ...failures, `error: ${err.message || err}`], detail: '' };
  } finally {
    await page.close().catch(() => {});
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.out) fs.mkdirSync(opts.out, { recursive: true });
  let passed = 0, failed = 0;
  const report = (name, result) => {
    if (result.failures.length === 0) {
      passed++;
      console.log(`ok   ${name}: ${result.detail}`);
    } else {
      failed++;
      console.log(`FAIL ${name}${result.detail ? `: ${result.detail}` : ''}`);
      for (const f of result.failures) console.log(`     ${f}`);
    }
  };

  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: opts.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
    });
  } catch (err) {
    console.error(`browser: could not start ${opts.chromium}: ${err.message || err}`);
    console.log('browser: 0 passed, 1 failed');
    process.exit(1);
  }
  try {
    for (const file of opts.files) {
      const name = path.basename(file);
      if (!fs.existsSync(file)) {
        report(name, { failures: [`no such file: ${file}`], detail: '' });
        continue;
      }
      const fileUrl = pathToFileURL(path.resolve(file)).href;
      for (const view of VIEWS) report(`${name} ${view.name}`, await checkView(browser, file, fileUrl, view, opts));
      report(`${name} pdf`, await checkPdf(browser, file, fileUrl, opts));
    }
  } finally {
    await browser.close().catch(() => {});
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(`browser: ${err.stack || err}`);
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
});
