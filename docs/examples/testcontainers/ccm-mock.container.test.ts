import { X509Certificate } from 'node:crypto';
import { CcmClient, generateKeyAndCsr } from 'ccm-mock/client';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, expect, it } from 'vitest';

// the image built from ccm-mock's Dockerfile (docker build -t ccm-mock .), or your registry's copy of it
const IMAGE = process.env.CCM_MOCK_IMAGE ?? 'ccm-mock';

let container: StartedTestContainer;
let url: string;

beforeAll(async () => {
  container = await new GenericContainer(IMAGE)
    .withEnvironment({
      CCM_MOCK_SEED: 'my-suite',
      CCM_MOCK_CLOCK_START: '2030-01-01T00:00:00Z',
      CCM_MOCK_CLOCK_FROZEN: 'true',
      CCM_MOCK_DELAY: '0', // issue at once: a frozen clock never reaches the image's default delay of 2s-5s
    })
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/readyz', 8080).forStatusCode(200))
    .start();
  url = `http://${container.getHost()}:${container.getMappedPort(8080)}`;
}, 120_000);

afterAll(async () => {
  await container?.stop();
});

it("enrolls and collects a certificate that chains to the container's root", async () => {
  const client = new CcmClient({
    endpoint: url,
    auth: { customerLoginUri: 'sandbox', login: 'admin', password: 'sandbox' },
    orgId: 1001,
    secretKey: 'sandbox-secret',
  });
  const { csrPem } = await generateKeyAndCsr({ email: 'alice@example.com' });
  const cert = await client.enrollAndCollect({ username: 'Alice', email: 'alice@example.com', csr: csrPem });

  expect(cert.leaf.notBefore.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  const root = new X509Certificate(await (await fetch(`${url}/ca/root.pem`)).text());
  const issuing = new X509Certificate(cert.chain[0].toString('pem'));
  expect(new X509Certificate(cert.leafPem).verify(issuing.publicKey)).toBe(true);
  expect(issuing.verify(root.publicKey)).toBe(true);
});
