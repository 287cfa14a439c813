import type { IncomingMessage } from 'node:http';

/**
 * An answer that never comes, for injected transport faults of either API: the connection reset (TCP RST) at
 * once, or held silent for `hangMs` and then closed (sooner if the client gives up). `done` hears 0, the HTTP
 * status of no answer.
 */
export function dropConnection(
  req: IncomingMessage,
  how: { kind: 'reset' } | { kind: 'hang'; hangMs: number },
  done: (httpStatus: 0) => void,
): void {
  const socket = req.socket;
  if (how.kind === 'reset') {
    socket.resetAndDestroy();
    done(0);
    return;
  }
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    socket.destroy();
    done(0);
  };
  const timer = setTimeout(end, how.hangMs);
  socket.once('close', end);
}
