/*
 * Profiling aid for `npm run bench -- --profile`: preloaded (`node --require`) into the main
 * process and every worker through NODE_OPTIONS (node refuses --cpu-prof there), it
 * - counts PostgreSQL round trips per statement shape and their total time (pg Client#query),
 * - counts Kafka requests per client kind and API with their durations (kafkajs REQUEST events),
 * - samples peak memory by kind (rss, heapTotal, heapUsed, external, arrayBuffers),
 * - records a V8 CPU profile (inspector Profiler), viewable in Chrome DevTools or speedscope,
 * and writes them into $SCT_BENCH_PROFILE_DIR per segment: the bench ends a segment at each phase
 * boundary with SIGUSR2 (the label is in segment.txt there); exit (SIGTERM ends with exit) writes
 * the last one.
 * Nothing in the product loads this file.
 */
/* global require, process, setInterval */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload for node --require */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.SCT_BENCH_PROFILE_DIR;
if (dir) {
  const name = `${path.basename(process.argv[1] || 'node').replace(/\.m?js$/, '')}-${process.pid}`;
  const counts = new Map();
  try {
    const pg = require(require.resolve('pg', { paths: [process.cwd()] }));
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function countedQuery(config, values, callback) {
      const text = typeof config === 'string' ? config : config && config.text;
      const key = String(text || '(prepared)')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 120);
      let entry = counts.get(key);
      if (!entry) counts.set(key, (entry = { calls: 0, ms: 0 }));
      entry.calls += 1;
      const started = process.hrtime.bigint();
      const done = () => (entry.ms += Number(process.hrtime.bigint() - started) / 1e6);
      // pg-pool passes a callback (pool.query); clients called directly return a promise.
      if (typeof callback === 'function') {
        const cb = callback;
        callback = (...args) => {
          done();
          return cb(...args);
        };
      } else if (typeof values === 'function') {
        const cb = values;
        values = (...args) => {
          done();
          return cb(...args);
        };
      }
      const result = original.call(this, config, values, callback);
      if (result && typeof result.then === 'function') {
        result.then(done, () => undefined);
      }
      return result;
    };
  } catch {
    // no pg here: nothing to count
  }

  // Kafka requests per client kind and API (Produce, Fetch, OffsetCommit...): count and time.
  const kafkaRequests = new Map();
  try {
    const kafkajs = require(require.resolve('kafkajs', { paths: [process.cwd()] }));
    for (const kind of ['producer', 'consumer']) {
      const original = kafkajs.Kafka.prototype[kind];
      kafkajs.Kafka.prototype[kind] = function instrumented(...args) {
        const client = original.apply(this, args);
        client.on(client.events.REQUEST, ({ payload }) => {
          const key = `${kind} ${payload.apiName}`;
          let entry = kafkaRequests.get(key);
          if (!entry) kafkaRequests.set(key, (entry = { calls: 0, ms: 0, pendingMs: 0, maxMs: 0, bytes: 0 }));
          entry.calls += 1;
          entry.ms += payload.duration || 0;
          entry.pendingMs += payload.pendingDuration || 0;
          entry.maxMs = Math.max(entry.maxMs, payload.duration || 0);
          entry.bytes += payload.size || 0;
        });
        return client;
      };
    }
  } catch {
    // no kafkajs here
  }

  // Peak memory by kind (V8 heap vs. buffers outside it), sampled every 250 ms.
  const peakMemory = {};
  const sampleMemory = () => {
    for (const [k, v] of Object.entries(process.memoryUsage()))
      peakMemory[k] = Math.max(peakMemory[k] || 0, v);
  };
  setInterval(sampleMemory, 250).unref();

  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');

  // Writes everything gathered since the last dump as one segment, then starts over. The bench
  // marks phase boundaries with SIGUSR2 (label in <dir>/segment.txt); exit writes the last one.
  let segment = 0;
  const dump = (label) => {
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `${name}.${String(++segment).padStart(2, '0')}-${label}`);
    const rows = [...counts].map(([sql, v]) => ({ sql, calls: v.calls, ms: Math.round(v.ms) }));
    rows.sort((a, b) => b.calls - a.calls);
    fs.writeFileSync(`${base}.pg.json`, JSON.stringify(rows, null, 1));
    sampleMemory();
    const mb = Object.fromEntries(Object.entries(peakMemory).map(([k, v]) => [k, Math.round(v / 1048576)]));
    fs.writeFileSync(`${base}.mem.json`, JSON.stringify({ peakMb: mb }, null, 1));
    fs.writeFileSync(`${base}.kafka.json`, JSON.stringify(Object.fromEntries(kafkaRequests), null, 1));
    counts.clear();
    kafkaRequests.clear();
    // An in-process inspector session answers synchronously (this also works inside 'exit').
    session.post('Profiler.stop', (err, result) => {
      if (!err && result) fs.writeFileSync(`${base}.cpuprofile`, JSON.stringify(result.profile));
    });
    session.post('Profiler.start');
  };
  const label = () => {
    try {
      return (
        fs
          .readFileSync(path.join(dir, 'segment.txt'), 'utf8')
          .trim()
          .replace(/[^a-z0-9-]/gi, '_') || 'segment'
      );
    } catch {
      return 'segment';
    }
  };
  process.on('SIGUSR2', () => dump(label()));
  process.once('exit', () => dump('exit'));
}
