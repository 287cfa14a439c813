import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountsFile } from '../../server/domain/accounts.js';
import { fixturesDir } from '../../wsdl/paths.js';

export const csrPath = (name: string) => join(fixturesDir, 'csr', name);
export const readCsr = (name = 'rsa-2048.csr') => readFileSync(csrPath(name), 'utf8');

export const accountsPath = join(fixturesDir, 'accounts.json');
/** fixtures/accounts.json as written (a fresh copy each call, to change and pass as `accounts`) */
export const defaultAccounts = (): AccountsFile => JSON.parse(readFileSync(accountsPath, 'utf8')) as AccountsFile;
