import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgsFor, parseServeArgs } from '../server/cli.js';
import {
  CONFIG_KEYS,
  keysOf,
  resolveConfig,
  resolveProxyConfig,
  type ConfigCommand,
  type ConfigKey,
} from '../server/config.js';
import { tempDir } from './support/openssl.js';

/** Every configuration key, from the flag, the environment or the default: a flag beats the environment, which beats the default. */

const tokenDir = tempDir();
afterAll(() => rmSync(tokenDir, { recursive: true, force: true }));

/** A file holding an admin token, for adminTokenFile. */
function tokenFile(name: string): string {
  const file = join(tokenDir, name);
  writeFileSync(file, `${name}-token-0123456789\n`);
  return file;
}

/** Two valid values of a key, as command-line text, and what each resolves to. */
function samples(def: ConfigKey): { flag: string[]; fromFlag: unknown; env: string; fromEnv: unknown } {
  const special: Record<string, [string, string]> = {
    publicBaseUrl: ['http://flag.example.test:9000', 'https://env.example.test'],
    delay: ['3s', '2s-8s'],
    signWorkers: ['2', '1'],
    clockStart: ['2030-01-01T00:00:00Z', '2031-06-01'],
    upstream: ['http://flag.example.test/ws/EPKIManager', 'https://env.example.test/ws/EPKIManager'],
    profileFile: [profileFiles[0], profileFiles[1]],
    recordKeep: ['login', 'email,csr'],
    adminToken: ['flag-token-0123456789', 'env-token-0123456789'],
    adminTokenFile: [tokenFile('flag'), tokenFile('env')],
  };
  // two values only: the environment says the opposite of the default, the flag takes it back
  if (def.kind === 'bool')
    return {
      flag: [`${def.flag}=${String(def.default)}`],
      fromFlag: def.default,
      env: String(!def.default),
      fromEnv: !def.default,
    };
  if (def.kind === 'int') {
    const fromFlag = Math.min(4321, def.max ?? Infinity);
    const fromEnv = Math.min(1234, fromFlag - 1);
    return { flag: [def.flag, String(fromFlag)], fromFlag, env: String(fromEnv), fromEnv };
  }
  const others = def.choices?.filter((c) => c !== def.default && c !== def.testDefault);
  // a key of two choices: as a boolean, the environment says the other one and the flag takes it back
  if (others?.length === 1 && def.default !== undefined)
    return { flag: [def.flag, String(def.default)], fromFlag: def.default, env: others[0], fromEnv: others[0] };
  const [a, b] = special[def.key] ?? (others ? [others[0], others[1]] : [`flag-${def.key}`, `env-${def.key}`]);
  return { flag: [def.flag, a], fromFlag: a, env: b, fromEnv: b };
}

/** Two learned profiles to name in profileFile's samples (a profile file is read when resolved). */
const profileDir = tempDir();
const profileFiles = ['flag', 'env'].map((name) => {
  const file = join(profileDir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      format: 'ccm-mock-wire-profile',
      version: 1,
      learnedFrom: { upstream: 'x', exchanges: 0 },
      settings: {},
      evidence: {},
    }),
  );
  return file;
});
afterAll(() => rmSync(profileDir, { recursive: true, force: true }));

/** Resolve a command's configuration; proxy needs its upstream. */
function resolveFor(command: ConfigCommand, explicit: Record<string, unknown>, env: NodeJS.ProcessEnv, mode?: 'test') {
  if (command === 'serve') return resolveConfig(explicit, env, mode) as unknown as Record<string, unknown>;
  const given = (key: string, envName: string) => explicit[key] !== undefined || !!env[envName];
  const needed = {
    ...(given('upstream', 'CCM_MOCK_UPSTREAM') ? {} : { upstream: 'http://upstream.example.test/ws/EPKIManager' }),
    // the client certificate and its key go together
    ...(given('upstreamKeyFile', 'CCM_MOCK_UPSTREAM_KEY') && !given('upstreamCertFile', 'CCM_MOCK_UPSTREAM_CERT')
      ? { upstreamCertFile: 'client.pem' }
      : {}),
    ...(given('upstreamCertFile', 'CCM_MOCK_UPSTREAM_CERT') && !given('upstreamKeyFile', 'CCM_MOCK_UPSTREAM_KEY')
      ? { upstreamKeyFile: 'client.key' }
      : {}),
  };
  return resolveProxyConfig({ ...needed, ...explicit }, env, mode) as unknown as Record<string, unknown>;
}

describe.each(['serve', 'proxy'] as const)('configuration precedence of %s, key by key', (command) => {
  it.each(keysOf(command).map((def) => [def.key, def] as const))(
    '%s: flag beats environment beats default',
    (_key, def) => {
      const s = samples(def);
      expect(s.fromFlag).not.toEqual(s.fromEnv);
      expect(s.fromEnv).not.toEqual(def.default);
      if (def.kind !== 'bool' && def.choices?.length !== 2) expect(s.fromFlag).not.toEqual(def.default);
      const env = { [def.env]: s.env };
      const flags = parseArgsFor(command, s.flag);
      expect(resolveFor(command, flags, env)[def.key]).toEqual(s.fromFlag);
      expect(resolveFor(command, flags, {})[def.key]).toEqual(s.fromFlag);
      expect(resolveFor(command, {}, env)[def.key]).toEqual(s.fromEnv);
      if (def.key === 'upstream') return; // required: it has no default
      expect(resolveFor(command, {}, {})[def.key]).toEqual(def.default);
      expect(resolveFor(command, {}, {}, 'test')[def.key]).toEqual(def.testDefault ?? def.default);
      // an empty variable is unset, and a --flag=value is the same as --flag value
      expect(resolveFor(command, {}, { [def.env]: '' })[def.key]).toEqual(def.default);
      if (def.kind !== 'bool')
        expect(resolveFor(command, parseArgsFor(command, [`${def.flag}=${s.flag[1]}`]), env)[def.key]).toEqual(
          s.fromFlag,
        );
    },
  );
});

describe('configuration', () => {
  it('a boolean flag alone is true, and beats the environment', () => {
    expect(resolveConfig(parseServeArgs(['--strict']), { CCM_MOCK_STRICT: 'false' }).strict).toBe(true);
    expect(resolveConfig({}, { CCM_MOCK_STRICT: 'yes' }).strict).toBe(true);
  });

  it('a bad value names where it came from', () => {
    expect(() => resolveConfig({}, { PORT: 'eighty' })).toThrow('environment PORT: port must be a whole number');
    expect(() => resolveConfig(parseServeArgs(['--port', '-1']), { PORT: '80' })).toThrow(
      'option: port must be a whole number',
    );
    expect(() => resolveConfig({}, { CCM_MOCK_CERT_FORMAT: 'der' })).toThrow(
      'certificateFormat must be one of pkcs7, x509, pem-chain',
    );
    expect(() => resolveConfig({}, { CCM_MOCK_CLOCK_START: '2030-02-31' })).toThrow(
      'environment CCM_MOCK_CLOCK_START: clockStart must be an ISO 8601 date',
    );
    expect(() => resolveConfig({}, { CCM_MOCK_CLOCK_START: '2030-01-01T00:00:00' })).toThrow('clockStart must be');
  });

  it('publicBaseUrl is kept without trailing slashes (every URL the mock writes joins a path to it)', () => {
    expect(resolveConfig({}, { CCM_MOCK_PUBLIC_URL: 'https://mock.example.test/ccm//' }).publicBaseUrl).toBe(
      'https://mock.example.test/ccm',
    );
  });

  it('a millisecond key longer than setTimeout can wait (it would fire after 1 ms) is refused, named with its source', () => {
    const max = 2 ** 31 - 1;
    const timers = CONFIG_KEYS.filter((k) => /Ms$/.test(k.key));
    expect(timers.map((k) => k.key)).toEqual(['faultHangLimitMs', 'stopTimeoutMs', 'upstreamTimeoutMs']);
    for (const def of timers) {
      const command = def.commands?.includes('serve') === false ? 'proxy' : 'serve';
      expect(def.max).toBe(max);
      expect(resolveFor(command, { [def.key]: max }, {})[def.key]).toBe(max);
      expect(() => resolveFor(command, {}, { [def.env]: String(max + 1) })).toThrow(
        `environment ${def.env}: ${def.key} must be at most ${max}, got ${max + 1}`,
      );
      expect(() => resolveFor(command, parseArgsFor(command, [def.flag, '1e10']), {})).toThrow(
        `option: ${def.key} must be at most ${max}`,
      );
    }
    expect(() => resolveConfig({}, { PORT: '65536' })).toThrow(
      'environment PORT: port must be at most 65535, got 65536',
    );
  });

  it("validityDays: 1 to 825 days, the S/MIME Baseline Requirements' maximum (SBR 6.3.2)", () => {
    expect(resolveConfig({ validityDays: 825 }, {}).validityDays).toBe(825);
    expect(resolveConfig({}, { CCM_MOCK_VALIDITY_DAYS: '1' }).validityDays).toBe(1);
    expect(() => resolveConfig({}, { CCM_MOCK_VALIDITY_DAYS: '826' })).toThrow(
      'environment CCM_MOCK_VALIDITY_DAYS: validityDays must be at most 825, got 826',
    );
    expect(() => resolveConfig({ validityDays: 0 }, {})).toThrow('option: validityDays must be at least 1, got 0');
  });

  it('clockStart: the years 1970 to 9979, the last whose generated root still ends by 9999', () => {
    expect(resolveConfig({ clockStart: '9979-12-31T23:59:59Z' }, {}).clockStart).toBe('9979-12-31T23:59:59Z');
    for (const late of ['9980-01-01', '9979-12-31T23:00:00-05:00', '9999-12-31']) {
      expect(() => resolveConfig({ clockStart: late }, {})).toThrow(
        'option: clockStart must be an ISO 8601 date or an instant with its zone, in the years 1970 to 9979',
      );
    }
  });
});
