import type { PollEvent } from '../client.js';
import type { RestPollEvent } from '../rest-client.js';

/** Where `ccm` writes: results on stdout (text or --json), progress and diagnostics on stderr. */

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  /** fires on Ctrl-C; waits and requests stop */
  signal?: AbortSignal;
  /** directory relative paths are resolved against (default process.cwd()) */
  cwd?: string;
  /** the HTTP client (tests and proxies); default global fetch */
  fetch?: typeof fetch;
}

const SPINNER = ['|', '/', '-', '\\'];

export class Output {
  private progressOpen = false;

  constructor(
    readonly io: CliIo,
    readonly json: boolean,
    readonly quiet: boolean,
  ) {}

  /** a line of human output on stdout (not in --json mode) */
  line(text = ''): void {
    if (!this.json) this.io.stdout.write(text + '\n');
  }

  /** raw text on stdout (PEM), not in --json mode */
  raw(text: string): void {
    if (!this.json) this.io.stdout.write(text);
  }

  data(value: unknown): void {
    if (this.json) this.io.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** a diagnostic on stderr */
  info(text: string): void {
    if (this.quiet) return;
    this.endProgress();
    this.io.stderr.write(text + '\n');
  }

  error(text: string): void {
    this.endProgress();
    this.io.stderr.write(`ccm: ${text}\n`);
  }

  /** One poll of --wait: a rewritten status line on a terminal, a line per poll otherwise. */
  poll(event: PollEvent | RestPollEvent): void {
    if (this.quiet) return;
    // SOAP polls answer 0 while processing; a REST poll that did not fail answered one of the pending codes
    const rest = 'backendCertId' in event;
    const state = event.error
      ? `${event.error.message} (retrying)`
      : rest
        ? `being processed (${event.code})`
        : event.code === 0
          ? 'being processed'
          : `status ${event.code}`;
    const text = `waiting for order ${rest ? event.backendCertId : event.orderNumber}: ${state}, poll ${event.poll}, ${Math.round(event.elapsedMs / 1000)} s elapsed, next poll in ${(event.nextDelayMs / 1000).toFixed(1)} s`;
    if (this.io.stderr.isTTY) {
      this.io.stderr.write(`\r\x1b[2K${SPINNER[event.poll % SPINNER.length]} ${text}`);
      this.progressOpen = true;
    } else {
      this.io.stderr.write(text + '\n');
    }
  }

  endProgress(): void {
    if (this.progressOpen) {
      this.io.stderr.write('\r\x1b[2K');
      this.progressOpen = false;
    }
  }
}
