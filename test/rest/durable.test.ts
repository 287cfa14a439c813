import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockServer } from '../../server/mock-server.js';
import { CertificateListSchema, PersonIdSchema, restPath } from '../../wsdl/rest/index.js';
import { tempDir } from '../support/openssl.js';
import { enrollBody, restClient } from '../support/rest.js';

/** With a data directory, what REST made survives a restart: its orders (marked REST), their persons, person ids. */

const dataDir = tempDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('REST state in a data directory', () => {
  it('orders, persons and their ids are there after a restart, and new persons get new ids', async () => {
    const first = await createMockServer({ seed: 'rest-durable', dataDir });
    let id: string;
    let personId: number;
    try {
      const api = restClient(first.url);
      id = (
        (await api('POST', '/smime/v1/enroll', enrollBody({ email: 'kept@example.com' }))).json as {
          backendCertId: string;
        }
      ).backendCertId;
      personId = PersonIdSchema.parse((await api('GET', '/person/v1/id/byEmail/kept@example.com')).json).personId;
    } finally {
      await first.close();
    }

    const second = await createMockServer({ seed: 'rest-durable', dataDir });
    try {
      const api = restClient(second.url);
      expect((await api('GET', restPath('smime.collect', { backendCertId: id }))).status).toBe(200);
      expect(PersonIdSchema.parse((await api('GET', '/person/v1/id/byEmail/kept@example.com')).json).personId).toBe(
        personId,
      );
      expect(CertificateListSchema.parse((await api('GET', `/smime/v2?personId=${personId}`)).json)).toHaveLength(1);
      expect(second.store.get(Number(id))?.api).toBe('rest');
      await api('POST', '/smime/v1/enroll', enrollBody({ email: 'new@example.com' }));
      const next = PersonIdSchema.parse((await api('GET', '/person/v1/id/byEmail/new@example.com')).json).personId;
      expect(next).toBe(personId + 1);
    } finally {
      await second.close();
    }
  });
});
