/**
 * Renders the app icon from resources/icon.svg with Chromium (playwright-core, the e2e tests'
 * browser: /usr/bin/chromium or SCT_CHROMIUM) into what electron-builder.yml uses:
 * - resources/icon.png (1024 px; the window icon and the source electron-builder falls back on),
 * - resources/icons/<N>x<N>.png (16..1024 px; the Linux AppImage/deb icon set),
 * - resources/icon.ico (16..256 px; Windows, NSIS) and resources/icon.icns (16..1024 px; macOS).
 * Run after changing the SVG: `npm run icons`. The outputs are committed (packaging needs no browser).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { runCliMain } from '../cli';
import { encodeIcns, encodeIco, pngSize, type PngImage } from './containers';

const root = path.resolve(__dirname, '../..');
const resources = path.join(root, 'resources');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

async function main(): Promise<void> {
  const svg = readFileSync(path.join(resources, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({
    executablePath: process.env.SCT_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const images: PngImage[] = [];
  try {
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
      await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
      const png = await page.screenshot({
        omitBackground: true,
        clip: { x: 0, y: 0, width: size, height: size },
      });
      const got = pngSize(png);
      if (got.width !== size || got.height !== size)
        throw new Error(`rendered ${got.width}x${got.height}, wanted ${size}`);
      images.push({ size, png });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  mkdirSync(path.join(resources, 'icons'), { recursive: true });
  for (const { size, png } of images)
    writeFileSync(path.join(resources, 'icons', `${size}x${size}.png`), png);
  writeFileSync(path.join(resources, 'icon.png'), images.find((i) => i.size === 1024)!.png);
  writeFileSync(path.join(resources, 'icon.ico'), encodeIco(images.filter((i) => i.size <= 256)));
  writeFileSync(
    path.join(resources, 'icon.icns'),
    encodeIcns(images.filter((i) => [16, 32, 64, 128, 256, 512, 1024].includes(i.size))),
  );
  console.log(`icons: ${images.length} sizes written to resources/`);
}

runCliMain('icons', () => main(), {
  known: (err) => ({ code: 1, message: err instanceof Error ? err.message : String(err) }),
});
