import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { open, rename } from 'node:fs/promises';

/**
 * Whole or not at all, and on disk once this returns: the text goes to a temporary file that is fsync'd,
 * renamed over `file`, and the directory is fsync'd so the rename itself survives a power cut. A process
 * killed while writing never leaves a truncated file the next start would choke on.
 */
export function writeFileDurably(file: string, text: string, mode = 0o644): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * `writeFileDurably` off the event loop (the writes and fsyncs run in libuv's thread pool), for files rewritten
 * while a server is answering. Its temporary file is its own, so it never collides with a synchronous write.
 */
export async function writeFileDurablyAsync(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-async`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
