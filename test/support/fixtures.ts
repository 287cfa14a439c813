import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ACCOUNTS_FILE } from '../../server/config.js';
import { readAccountsFile, type AccountsFile } from '../../server/domain/accounts.js';
import { fixturesDir } from '../../wsdl/paths.js';
import { openssl } from './openssl.js';

export const csrPath = (name: string) => join(fixturesDir, 'csr', name);
export const readCsr = (name = 'rsa-2048.csr') => readFileSync(csrPath(name), 'utf8');

/** the default accounts file, read as the server reads it (a fresh copy each call, to change and pass as `accounts`) */
export const defaultAccounts = (): AccountsFile => readAccountsFile(DEFAULT_ACCOUNTS_FILE);

/**
 * A valid request (the rsa-2048 key) whose subject asks for everything a CA must not take from a CSR: another
 * country, organization, unit, title, name and mailbox. Made by openssl.
 */
export function greedyCsr(): string {
  return openssl([
    'req',
    '-new',
    '-key',
    csrPath('rsa-2048.key'),
    '-subj',
    '/C=DE/ST=Bayern/L=Munich/O=Evil Corp/OU=Ops/title=CEO/CN=Mallory/emailAddress=evil@evil.com',
  ]);
}
