/**
 * The installer's contents, checked offline: electron-builder's `--dir` target (the folder every
 * installer — AppImage, deb, NSIS — is made from) is built with electron-builder.yml and a
 * stand-in `electronDist` (an unpacked "Electron" whose executable is a shell script carrying
 * Electron's fuse wire), because Electron's binary cannot be downloaded here. Then:
 * - app.asar holds the main process, preload, renderer, workers, migrations, icon and exactly
 *   the production dependencies; no TypeScript sources, tests, source maps, `.stack/`, test data
 *   or dev dependencies;
 * - the fuses of electron-builder.yml are flipped in the packaged executable;
 * - each packaged worker starts from app.asar.unpacked (no node_modules there);
 * - the packaged console keeps its Content-Security-Policy.
 * The archive's size is printed (and written to test-output/packaging.json).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(execFileSync('cat', [path.join(root, 'package.json')], { encoding: 'utf8' })) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const EXECUTABLE = 'supply-chain-event-tracker'; // electron-builder.yml executableName

/** Electron's fuse sentinel, then wire version 1 and 9 fuses as shipped (RunAsNode, ... WasmTrapHandlers). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const SHIPPED_WIRE = '101100011';

let work: string;
let appOut: string;
let asarPath: string;
let files: string[];

/** A folder that looks like an unpacked Electron for Linux to electron-builder. */
function standInElectron(dir: string): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  const pad = Buffer.alloc(64);
  const exe = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron for the packaging test"\nexit 0\n'),
    pad,
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, SHIPPED_WIRE.length]),
    Buffer.from(SHIPPED_WIRE),
    pad,
  ]);
  writeFileSync(path.join(dir, 'electron'), exe);
  chmodSync(path.join(dir, 'electron'), 0o755);
  writeFileSync(path.join(dir, 'LICENSE'), 'stand-in');
  writeFileSync(path.join(dir, 'LICENSES.chromium.html'), 'stand-in');
  writeFileSync(path.join(dir, 'version'), pkg.devDependencies.electron!);
  writeFileSync(path.join(dir, 'locales', 'en-US.pak'), 'stand-in');
}

/** Top-level package names under node_modules/ in a list of archive paths. */
function packagesIn(paths: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const p of paths) {
    const m = /^node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)(\/|$)/.exec(p);
    if (m) names.add(m[1]!);
  }
  return names;
}

/** The production dependency tree (`npm ls --omit=dev`): every package name it installs. */
function productionPackages(): Set<string> {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
  });
  const names = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(line.trim());
    if (m) names.add(m[1]!);
  }
  return names;
}

function dirSize(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = path.join(dir, e.name);
    return n + (e.isDirectory() ? dirSize(p) : statSync(p).size);
  }, 0);
}

beforeAll(() => {
  // What `npm run dist` packages: the desktop build (electron-vite) and the Node entry points.
  execFileSync('npm', ['run', '--silent', 'build:desktop'], { cwd: root, stdio: 'pipe' });
  work = mkdtempSync(path.join(tmpdir(), 'sct-packaging-'));
  const electronDist = path.join(work, 'electron-dist');
  standInElectron(electronDist);
  const output = path.join(work, 'dist');
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
      '--publish',
      'never',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        CSC_IDENTITY_AUTO_DISCOVERY: 'false',
        ELECTRON_BUILDER_CACHE: path.join(work, 'cache'),
      },
    },
  );
  if (run.status !== 0)
    throw new Error(`electron-builder failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  appOut = path.join(output, 'linux-unpacked');
  asarPath = path.join(appOut, 'resources', 'app.asar');
  files = listPackage(asarPath, { isPack: false }).map((f) =>
    f
      .replace(/^[/\\]/, '')
      .split(path.sep)
      .join('/'),
  );
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('packaged app (electron-builder --dir, stand-in Electron)', () => {
  it('holds main, preload, renderer, workers, migrations, the icon and package.json', () => {
    for (const f of [
      'package.json',
      'out/main/index.js',
      'out/preload/index.js',
      'out/renderer/index.html',
      'out/workers/order-processor.mjs',
      'out/workers/shipment-tracker.mjs',
      'out/workers/analytics-aggregator.mjs',
      'resources/icon.png',
    ])
      expect(files, f).toContain(f);
    expect(files.some((f) => /^out\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    const migrations = readdirSync(path.join(root, 'db/migrations')).filter((f) => f.endsWith('.sql'));
    expect(migrations.length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('db/migrations/') && f.endsWith('.sql')).sort()).toEqual(
      migrations.map((m) => `db/migrations/${m}`).sort(),
    );
    // Workers and migrations are unpacked next to the archive (utility processes, node-pg-migrate read them from disk).
    for (const f of ['out/workers/order-processor.mjs', `db/migrations/${migrations[0]}`])
      expect(statSync(path.join(appOut, 'resources', 'app.asar.unpacked', f)).isFile(), f).toBe(true);
  });

  it('holds every production dependency and nothing else from node_modules', () => {
    const archived = packagesIn(files);
    const production = productionPackages();
    for (const dep of Object.keys(pkg.dependencies)) expect(archived, dep).toContain(dep);
    expect([...archived].filter((p) => !production.has(p))).toEqual([]);
    // Dev dependencies the production tree does not also need are absent (build tools, tests, the renderer's bundled libraries).
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => !production.has(d));
    expect(devOnly).toEqual(
      expect.arrayContaining(['electron', 'electron-builder', 'vitest', 'typescript', 'react', 'vite']),
    );
    expect([...archived].filter((p) => devOnly.includes(p))).toEqual([]);
  });

  it('holds no sources, tests, source maps, local stack, test data or repository files', () => {
    const forbidden = files.filter(
      (f) =>
        /\.(ts|tsx|mts|cts)$/.test(f) ||
        /\.map$/.test(f) ||
        /(^|\/)[^/]*\.(test|spec)\.[cm]?[jt]sx?$/.test(f) ||
        /^(tests|test-output|bench-results|\.stack|shared|scripts|contracts|runtime|server|workers|electron|renderer|docs|dist|\.git)\//.test(
          f,
        ) ||
        /^node_modules\/.*\/(test|tests|__tests__|spec)\//.test(f) ||
        /\.(csv|env|log)$/.test(f),
    );
    expect(forbidden).toEqual([]);
    // Besides node_modules, only what electron-builder.yml `files` names (and the folders holding it).
    const allowed =
      /^(package\.json|node_modules|out(\/(main|preload|renderer|workers)(\/.*)?)?|db(\/migrations(\/[^/]+\.sql)?)?|resources(\/icon\.png)?)$/;
    expect(files.filter((f) => !f.startsWith('node_modules/') && !allowed.test(f))).toEqual([]);
  });

  it('flips the fuses of electron-builder.yml in the packaged executable', async () => {
    const wire = await getCurrentFuseWire(path.join(appOut, EXECUTABLE));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
  });

  it('starts each packaged worker from app.asar.unpacked, where no node_modules exists', () => {
    const workers = path.join(appOut, 'resources', 'app.asar.unpacked', 'out', 'workers');
    for (const worker of ['order-processor', 'shipment-tracker', 'analytics-aggregator']) {
      // --help loads the whole module graph, then prints the usage: every import resolved.
      const run = spawnSync(process.execPath, [path.join(workers, `${worker}.mjs`), '--help'], {
        cwd: work,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
      expect(run.stderr, worker).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find/);
      expect(run.status, `${worker}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`${worker}: usage`);
    }
  });

  it('keeps the console Content-Security-Policy in the packaged page', () => {
    const html = extractFile(asarPath, 'out/renderer/index.html').toString('utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('reports the size of the archive', () => {
    const asarBytes = statSync(asarPath).size;
    const unpackedBytes = dirSize(path.join(appOut, 'resources', 'app.asar.unpacked'));
    const summary = {
      asarBytes,
      unpackedBytes,
      files: files.length,
      appFiles: files.filter((f) => !f.startsWith('node_modules/')).length,
      packages: packagesIn(files).size,
    };
    mkdirSync(path.join(root, 'test-output'), { recursive: true });
    writeFileSync(path.join(root, 'test-output', 'packaging.json'), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(
      `packaging: app.asar ${(asarBytes / 2 ** 20).toFixed(1)} MiB (${summary.files} entries, ${summary.packages} packages), ` +
        `app.asar.unpacked ${(unpackedBytes / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(asarBytes).toBeGreaterThan(0);
  });
});
