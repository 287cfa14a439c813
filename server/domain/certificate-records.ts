import type { CertificateRecord, CertificateRecords } from '../ca/certificate-records.js';
import type { OrderStore } from '../store/order-store.js';
import type { Order } from './orders.js';

/**
 * The issued certificates as the CA's CRL and OCSP responder see them, read from the order store on
 * every request: whoever revoked an order (a SOAP call, auto-revoke, the admin API) and whatever store
 * holds it, the next CRL fetch or OCSP query shows it.
 */
export function certificateRecords(store: OrderStore): CertificateRecords {
  return {
    bySerial(serial) {
      const order = store.getBySerial(serial);
      return order && recordOf(order);
    },
    revoked() {
      return store
        .list({ state: 'revoked' })
        .map(recordOf)
        .filter((r): r is CertificateRecord => r?.revocation !== undefined);
    },
  };
}

function recordOf(order: Order): CertificateRecord | undefined {
  if (!order.certificate) return undefined;
  const { serial, der: base64 } = order.certificate;
  // a manual revocation only marks the order: the CA was not told (REST's revoke/manual)
  const revoked = order.state === 'revoked' && order.revocation && !order.revocation.manual;
  return {
    serial,
    // decoded only when asked: a CRL fetch with nothing changed does not need the certificates
    get der() {
      return Buffer.from(base64, 'base64');
    },
    revocation: revoked ? { at: order.revocation!.at, reasonCode: order.revocation!.reasonCode } : undefined,
  };
}
