/**
 * Summarizes a `npm run bench -- --profile` run folder: per process, CPU time by package and the
 * hottest functions (self time) from the V8 CPU profiles, PostgreSQL round trips per statement and
 * Kafka requests per API.
 *
 * Usage: `npx tsx scripts/bench/summarize-profiles.ts bench-results/run-<stamp>/profiles [top]`
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  exitWithUsageError,
  parseCliOrExit,
  runCliMain,
  UsageError,
  wholeNumber,
  type CliDefinition,
  type OptionSpec,
} from '../cli';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node core';
  if (/\/out\/(workers|headless)\//.test(url)) return 'project code (out/)';
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

function summarize(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const fn = node.callFrame.functionName;
    total += us;
    if (fn === '(idle)') {
      idle += us;
      continue;
    }
    const pkg = fn === '(garbage collector)' || fn === '(program)' ? fn : packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const key = `${fn || '(anonymous)'} ${packageOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = total - idle;
  const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1)}%`;
  const lines = [
    `  wall ${ms(total)}, busy ${ms(busy)} (${((busy / total) * 100).toFixed(0)}%)`,
    '  by package:',
  ];
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12))
    lines.push(`    ${pct(v).padStart(6)}  ${k}`);
  lines.push('  hottest functions (self):');
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`    ${pct(v).padStart(6)}  ${k}`);
  return lines.join('\n');
}

const SUMMARIZE_CLI = {
  name: 'summarize-profiles',
  usage:
    'usage: npx tsx scripts/bench/summarize-profiles.ts <profiles folder> [<top>]   (<top>: entries per list, default 15)',
  options: {},
  positionals: true,
} satisfies CliDefinition<OptionSpec>;

/** The profiles folder and how many entries each list shows; exits 2 on a usage error. */
function parseCommandLine(): { dir: string; top: number } {
  const { positionals } = parseCliOrExit(process.argv.slice(2), SUMMARIZE_CLI);
  const [dir, top] = positionals;
  try {
    if (dir === undefined || positionals.length > 2)
      throw new UsageError(
        `give the profiles folder and at most a count; got ${positionals.length} arguments`,
      );
    return { dir, top: top === undefined ? 15 : wholeNumber('<top>', top, 1) };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return exitWithUsageError(SUMMARIZE_CLI, err);
  }
}

runCliMain('summarize-profiles', () => {
  const { dir, top } = parseCommandLine();
  for (const f of readdirSync(dir).sort()) {
    const file = path.join(dir, f);
    if (f.endsWith('.cpuprofile')) console.log(`\n### ${f}\n${summarize(file, top)}`);
    if (f.endsWith('.pg.json')) {
      const rows = JSON.parse(readFileSync(file, 'utf8')) as { sql: string; calls: number; ms: number }[];
      console.log(`\n### ${f}: ${rows.reduce((n, r) => n + r.calls, 0)} PostgreSQL round trips`);
      for (const r of rows.slice(0, top))
        console.log(`  ${String(r.calls).padStart(7)} calls ${String(r.ms).padStart(7)} ms  ${r.sql}`);
    }
    if (f.endsWith('.mem.json')) {
      const { peakMb } = JSON.parse(readFileSync(file, 'utf8')) as { peakMb: Record<string, number> };
      console.log(
        `\n### ${f}: peak MB ${Object.entries(peakMb)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    if (f.endsWith('.kafka.json')) {
      const rows = JSON.parse(readFileSync(file, 'utf8')) as Record<
        string,
        { calls: number; ms: number; pendingMs: number; maxMs: number }
      >;
      console.log(`\n### ${f}`);
      for (const [k, v] of Object.entries(rows).sort((a, b) => b[1].ms - a[1].ms))
        console.log(
          `  ${k.padEnd(28)} ${String(v.calls).padStart(7)} calls, ${v.ms} ms (mean ${(v.ms / v.calls).toFixed(1)}, max ${v.maxMs}), queued ${v.pendingMs} ms`,
        );
    }
  }
});
