import type { MockServer } from '../../server/mock-server.js';

/** Orders as an in-process mock's store holds them. */

/** The delay a new order drew: when its first step is due, after its creation. */
export function drawnDelay(mock: MockServer, orderNumber: number): number {
  const o = mock.store.get(orderNumber)!;
  return o.next!.at! - o.createdAt;
}
