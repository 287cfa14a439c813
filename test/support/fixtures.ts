import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../wsdl/paths.js';

export const csrPath = (name: string) => join(fixturesDir, 'csr', name);
export const readCsr = (name = 'rsa-2048.csr') => readFileSync(csrPath(name), 'utf8');
