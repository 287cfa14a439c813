import { createMockServer } from 'ccm-mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    ccmMock: { url: string; endpoint: string; rootPem: string };
  }
}

export default async function setup(project: TestProject) {
  const mock = await createMockServer({
    seed: 'my-suite', // the same random draws (delays, fault rates) on every run
    clockStart: '2030-01-01T00:00:00Z',
    clockFrozen: true, // time moves only when a test advances it
  });
  project.provide('ccmMock', { url: mock.url, endpoint: mock.endpoint, rootPem: mock.ca.root.pem });
  return () => mock.close();
}
