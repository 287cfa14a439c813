import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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
