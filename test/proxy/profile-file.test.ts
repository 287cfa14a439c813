import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../server/cli.js';
import { ConfigError, resolveConfig } from '../../server/config.js';
import { PROFILE_SETTING_NAMES, PROFILE_SETTINGS } from '../../server/profile-file.js';
import { tempDir } from '../support/openssl.js';

/** `ccm-mock serve --profile FILE`: a learned profile fills in what flags and environment leave unset, nothing more. */

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function profileFile(settings: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = join(dir, `profile-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      format: 'ccm-mock-wire-profile',
      version: 1,
      learnedFrom: { upstream: 'https://cert-manager.com/ws/EPKIManager', exchanges: 3 },
      settings,
      evidence: {},
      ...extra,
    }),
  );
  return file;
}

describe('serve --profile', () => {
  const learned = {
    namespace: 'http://smime.ws.epki.comodo.com/',
    certificateFormat: 'x509',
    acceptUriAlias: true,
    strict: true,
    serviceInfo: 'EPKIManager live',
    validityDays: 730,
  };

  it('every setting a profile can hold is a configuration key of serve', () => {
    const config = resolveConfig({ profileFile: profileFile(learned) }, {});
    for (const name of PROFILE_SETTING_NAMES) expect(config[name]).toEqual(learned[name]);
    expect(Object.keys(PROFILE_SETTINGS).sort()).toEqual(Object.keys(learned).sort());
  });

  it('an explicit flag or environment variable wins over the profile; a setting it lacks keeps the default', () => {
    const file = profileFile({ namespace: learned.namespace, certificateFormat: 'x509' });
    const config = resolveConfig(parseServeArgs(['--profile', file, '--namespace', 'http://flag.example/']), {
      CCM_MOCK_CERT_FORMAT: 'pem-chain',
    });
    expect(config).toMatchObject({ namespace: 'http://flag.example/', certificateFormat: 'pem-chain', strict: false });
    expect(resolveConfig({}, { CCM_MOCK_PROFILE: file })).toMatchObject({
      namespace: learned.namespace,
      certificateFormat: 'x509',
      acceptUriAlias: false,
    });
  });

  it('a file that is not a profile is refused, naming where it came from and what is wrong', () => {
    const check = (file: string, message: string) => {
      expect(() => resolveConfig({}, { CCM_MOCK_PROFILE: file })).toThrow(ConfigError);
      expect(() => resolveConfig({}, { CCM_MOCK_PROFILE: file })).toThrow(message);
    };
    check(profileFile({ certificateFormat: 'der' }), `environment CCM_MOCK_PROFILE: the profile ${dir}`);
    check(profileFile({ certificateFormat: 'der' }), 'settings.certificateFormat');
    check(profileFile({ delay: '0' }), 'settings');
    check(profileFile({}, { version: 2 }), 'version');
    check(join(dir, 'missing.json'), 'cannot read the profile');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{');
    check(notJson, 'is not JSON');
  });
});
