import { execFileSync } from 'node:child_process';
import { closeSync, constants, createWriteStream, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './openssl.js';

/**
 * Files a hostile request may try to make the server read (XXE, XInclude, schema locations), and a way to
 * know whether anything opened them:
 *  - `secretFile`: a real file with a random secret in it; no answer may ever contain the secret;
 *  - `trapFile`: a named pipe with a writer waiting on it; opening a FIFO for writing blocks until
 *    someone opens it for reading, so the writer getting through means something read the path.
 *    (A reader would not hang: the waiting writer is there to pair with it.)
 */
export interface FileTrap {
  dir: string;
  secret: string;
  secretFile: string;
  trapFile: string;
  /** true once anything has opened the trap for reading */
  sprung(): boolean;
  /** release the waiting writer (by opening the pipe ourselves, after recording the verdict) */
  close(): Promise<boolean>;
}

export function fileTrap(): FileTrap {
  const dir = tempDir();
  const secret = `ccm-mock-secret-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const secretFile = join(dir, 'secret.txt');
  writeFileSync(secretFile, secret + '\n');
  const trapFile = join(dir, 'trap.fifo');
  execFileSync('mkfifo', [trapFile]);
  let opened = false;
  const writer = createWriteStream(trapFile); // its open waits in the thread pool for a reader
  writer.on('open', () => (opened = true));
  writer.on('error', () => undefined);
  return {
    dir,
    secret,
    secretFile,
    trapFile,
    sprung: () => opened,
    async close() {
      const verdict = opened;
      const fd = openSync(trapFile, constants.O_RDONLY | constants.O_NONBLOCK);
      await new Promise<void>((resolve) => (writer.pending ? writer.once('open', () => resolve()) : resolve()));
      writer.destroy();
      closeSync(fd);
      return verdict;
    },
  };
}
