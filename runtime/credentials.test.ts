/**
 * Credentials in the configuration: parsing, precedence (defaults < local stack credentials file
 * < settings file < environment), hand-over to child processes, and that no password reaches a
 * log line or an error message.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configToEnv,
  describeConfig,
  findRepoRoot,
  loadConfig,
  readStackCredentials,
  redactUrl,
  stackCredentialsPath,
  type AppConfig,
} from './config';
import { createLogger } from './logger';
import { kafkaUnavailable, isSaslAuthenticationError } from './kafka';
import { ServiceUnavailableError } from './service-errors';

const KAFKA_PW = 'kafka-Secret-9f3a';
const PG_PW = 'pg-Secret-71bc';
const REDIS_PW = 'redis-Secret-04de';

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'sct-creds-'));
}

/** A stack credentials file for `brokers` in a fresh folder. */
function stackFile(brokers: string[], password = 'stack-pw'): string {
  const file = path.join(tempDir(), 'credentials.json');
  writeFileSync(
    file,
    JSON.stringify({ mechanism: 'scram-sha-256', username: 'stack-user', password, brokers }),
    { mode: 0o600 },
  );
  return file;
}

/** Loads with no settings file and the given stack credentials file. */
function load(env: NodeJS.ProcessEnv, stack: string | null, settings?: string): AppConfig {
  return loadConfig(env, settings, {}, settings !== undefined, stack);
}

const secretConfig = (): AppConfig =>
  load(
    {
      KAFKA_SASL_USERNAME: 'sct-app',
      KAFKA_SASL_PASSWORD: KAFKA_PW,
      DATABASE_URL: `postgres://sct:${PG_PW}@db.internal:5432/sct`,
      REDIS_URL: `redis://sct-cache:${REDIS_PW}@cache.internal:6379/0`,
    },
    null,
  );

describe('Kafka SASL settings', () => {
  it('are off by default', () => {
    expect(load({}, null).kafkaSasl).toBeNull();
  });
  it('come from KAFKA_SASL_* with scram-sha-256 as the default mechanism', () => {
    expect(load({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, null).kafkaSasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'u',
      password: 'p',
    });
    expect(
      load(
        { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
        null,
      ).kafkaSasl?.mechanism,
    ).toBe('scram-sha-512');
  });
  it('name the variable and the rule when incomplete or invalid, never the value', () => {
    expect(() => load({ KAFKA_SASL_USERNAME: 'u' }, null)).toThrow(
      /KAFKA_SASL_PASSWORD: required when any KAFKA_SASL_\* variable is set/,
    );
    expect(() => load({ KAFKA_SASL_MECHANISM: 'scram-sha-256' }, null)).toThrow(
      /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required/,
    );
    const bad = () =>
      load({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: KAFKA_PW }, null);
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/KAFKA_SASL_MECHANISM \(kafkaSasl\.mechanism\)/);
    try {
      bad();
    } catch (err) {
      expect((err as Error).message).not.toContain(KAFKA_PW);
    }
    expect(() => load({ KAFKA_SASL_MECHANISM: 'none', KAFKA_SASL_PASSWORD: 'p' }, null)).toThrow(
      /KAFKA_SASL_MECHANISM is none/,
    );
  });
  it('come from the settings file, and the environment wins over it', () => {
    const settings = path.join(tempDir(), 's.json');
    writeFileSync(
      settings,
      JSON.stringify({
        kafkaSasl: { mechanism: 'scram-sha-512', username: 'file-user', password: 'file-pw' },
      }),
    );
    expect(load({}, null, settings).kafkaSasl?.username).toBe('file-user');
    expect(
      load({ KAFKA_SASL_USERNAME: 'env-user', KAFKA_SASL_PASSWORD: 'x' }, null, settings).kafkaSasl,
    ).toEqual({
      mechanism: 'scram-sha-256',
      username: 'env-user',
      password: 'x',
    });
    expect(load({ KAFKA_SASL_MECHANISM: 'none' }, null, settings).kafkaSasl).toBeNull();
    writeFileSync(settings, JSON.stringify({ kafkaSasl: { mechanism: 'scram-sha-256', username: 'u' } }));
    expect(() => load({}, null, settings)).toThrow(/kafkaSasl\.password/);
  });
});

describe('local stack credentials file (lowest source of kafkaSasl)', () => {
  it('is used when KAFKA_BROKERS names the stack broker and nothing else sets kafkaSasl', () => {
    const file = stackFile(['127.0.0.1:19092']);
    expect(load({ KAFKA_BROKERS: '127.0.0.1:19092' }, file).kafkaSasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'stack-user',
      password: 'stack-pw',
    });
  });
  it('is never offered to another broker', () => {
    const file = stackFile(['127.0.0.1:19092']);
    expect(load({ KAFKA_BROKERS: '127.0.0.1:9092' }, file).kafkaSasl).toBeNull();
    expect(load({ KAFKA_BROKERS: 'kafka.example:9092' }, file).kafkaSasl).toBeNull();
  });
  it('loses to the settings file (null included) and to the environment', () => {
    const file = stackFile(['127.0.0.1:9092']);
    const settings = path.join(tempDir(), 's.json');
    writeFileSync(settings, JSON.stringify({ kafkaSasl: null }));
    expect(load({}, file, settings).kafkaSasl).toBeNull();
    writeFileSync(
      settings,
      JSON.stringify({ kafkaSasl: { mechanism: 'scram-sha-256', username: 'file-user', password: 'f' } }),
    );
    expect(load({}, file, settings).kafkaSasl?.username).toBe('file-user');
    expect(
      load({ KAFKA_SASL_USERNAME: 'env', KAFKA_SASL_PASSWORD: 'e' }, file, settings).kafkaSasl?.username,
    ).toBe('env');
    expect(load({ KAFKA_SASL_MECHANISM: 'none' }, file).kafkaSasl).toBeNull();
  });
  it('is missing: no credentials; invalid: an error naming the file and the rule, not the password', () => {
    expect(readStackCredentials(path.join(tempDir(), 'none.json'), ['127.0.0.1:9092'])).toBeNull();
    const file = path.join(tempDir(), 'credentials.json');
    writeFileSync(
      file,
      JSON.stringify({ mechanism: 'md5', username: 'u', password: KAFKA_PW, brokers: ['a:1'] }),
    );
    expect(() => readStackCredentials(file, ['a:1'])).toThrow(/credentials\.json is not valid: mechanism/);
    try {
      readStackCredentials(file, ['a:1']);
    } catch (err) {
      expect((err as Error).message).not.toContain(KAFKA_PW);
    }
    writeFileSync(file, '{not json');
    expect(() => readStackCredentials(file, ['a:1'])).toThrow(/is not JSON/);
  });
  it('is unreadable: a ConfigError naming the file', () => {
    if (process.getuid?.() === 0) return; // root reads any file
    const file = stackFile(['a:1']);
    chmodSync(file, 0o000);
    expect(() => readStackCredentials(file, ['a:1'])).toThrow(/cannot be read: EACCES/);
  });
  it('lives in the repo root found like the migrations (.stack/kafka/credentials.json)', () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'db', 'migrations'), { recursive: true });
    mkdirSync(path.join(root, 'out', 'workers'), { recursive: true });
    expect(findRepoRoot(path.join(root, 'out', 'workers'))).toBe(root);
    expect(stackCredentialsPath(root)).toBe(path.join(root, '.stack', 'kafka', 'credentials.json'));
  });
});

describe('configToEnv (how workers and child processes get the configuration)', () => {
  it('round-trips through loadConfig, credentials included', () => {
    const config = secretConfig();
    const env = configToEnv(config, { PATH: '/bin', SCT_SETTINGS_FILE: '/x.json' });
    expect(env.PATH).toBe('/bin');
    expect(env.SCT_SETTINGS_FILE).toBeUndefined();
    expect(loadConfig(env, undefined, {}, false, null)).toEqual(config);
  });
  it('turns SASL off explicitly when the parent used none, so a child cannot pick up other credentials', () => {
    const env = configToEnv(load({}, null), { KAFKA_SASL_USERNAME: 'stale', KAFKA_SASL_PASSWORD: 'stale' });
    expect(env.KAFKA_SASL_MECHANISM).toBe('none');
    expect(env.KAFKA_SASL_USERNAME).toBeUndefined();
    expect(env.KAFKA_SASL_PASSWORD).toBeUndefined();
    const file = stackFile(['127.0.0.1:9092']);
    expect(loadConfig(env, undefined, {}, false, file).kafkaSasl).toBeNull();
  });
});

describe('secrets never in logs or messages', () => {
  it('redactUrl hides the userinfo password and secret query parameters, keeps the user', () => {
    expect(redactUrl(`redis://sct-cache:${REDIS_PW}@cache:6379/0`)).toBe(
      'redis://sct-cache:***@cache:6379/0',
    );
    expect(redactUrl(`redis://:${REDIS_PW}@cache:6379/0`)).toBe('redis://:***@cache:6379/0');
    expect(redactUrl(`postgres://sct:${PG_PW}@db:5432/sct`)).toBe('postgres://sct:***@db:5432/sct');
    const q = redactUrl(`postgres://sct@db/sct?password=${PG_PW}&sslmode=require`);
    expect(q).not.toContain(PG_PW);
    expect(q).toContain('sslmode=require');
    expect(redactUrl(`not a url ${PG_PW}`)).toBe('(unparseable url)');
  });

  it('describeConfig keeps every setting but no secret', () => {
    const text = JSON.stringify(describeConfig(secretConfig()));
    for (const secret of [KAFKA_PW, PG_PW, REDIS_PW]) expect(text).not.toContain(secret);
    expect(text).toContain('sct-app');
    expect(text).toContain('db.internal');
  });

  it('the logger redacts a config, kafkajs-style options, a child environment and errors', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = createLogger('test', 'info', sink);
    const config = secretConfig();
    log.info({ config }, 'config');
    log.info(config, 'config at top level');
    log.info({ kafka: { sasl: config.kafkaSasl, brokers: config.kafkaBrokers } }, 'kafkajs options');
    log.info({ env: configToEnv(config, {}) }, 'worker env');
    log.info({ described: describeConfig(config) }, 'described');
    log.error({ err: kafkaUnavailable(config.kafkaBrokers, new Error('Closed connection')) }, 'kafka down');
    log.info({ redis: redactUrl(config.redisUrl), postgres: redactUrl(config.databaseUrl) }, 'addresses');
    // An ioredis reply error of a refused login carries the AUTH command with the password.
    const refused = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'hello', args: ['3', 'AUTH', 'sct-cache', REDIS_PW] },
    });
    log.warn({ err: refused }, 'Redis refused the login');
    const output = lines.join('');
    expect(lines).toHaveLength(8);
    expect(output).toContain('WRONGPASS');
    for (const secret of [KAFKA_PW, PG_PW, REDIS_PW]) expect(output).not.toContain(secret);
    expect(output).toContain('db.internal'); // redacted, not dropped
  });

  it('Kafka errors for a refused login or a closed connection name no password', () => {
    const err = Object.assign(new Error('SASL SCRAM SHA256 authentication failed: invalid credentials'), {
      name: 'KafkaJSSASLAuthenticationError',
    });
    expect(isSaslAuthenticationError(err)).toBe(true);
    const wrapped = kafkaUnavailable(['127.0.0.1:9092'], err);
    expect(wrapped).toBeInstanceOf(ServiceUnavailableError);
    expect(wrapped.message).toMatch(/SASL authentication failed.*KAFKA_SASL_USERNAME/);
    const closed = kafkaUnavailable(['127.0.0.1:9092'], new Error('Closed connection'));
    expect(closed.message).toMatch(/if the broker requires SASL\/SCRAM/);
    const config = secretConfig();
    for (const e of [wrapped, closed]) {
      const text = `${e.message} ${JSON.stringify(e)} ${String(e)}`;
      expect(text).not.toContain(config.kafkaSasl!.password);
    }
  });
});
