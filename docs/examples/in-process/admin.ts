import { createMockServer } from 'ccm-mock';
import { CcmClient, generateKeyAndCsr } from 'ccm-mock/client';

const mock = await createMockServer({ seed: 'my-suite', delay: '5s', clockFrozen: true }); // time moves when advanced
const ccm = new CcmClient({
  endpoint: mock.endpoint,
  auth: { customerLoginUri: 'sandbox', login: 'admin', password: 'sandbox' },
  orgId: 1001,
  secretKey: 'sandbox-secret',
});
const { csrPem } = await generateKeyAndCsr();
const orderNumber = await ccm.enroll({ username: 'Alice', email: 'alice@example.com', csr: csrPem });

console.log(mock.admin.orders({ customer: 'sandbox', state: 'processing' }).length); // 1
mock.admin.advanceClock('5s'); // or milliseconds: the delay has passed
console.log(mock.admin.order(orderNumber).state); // 'issued' (detail: certificate, history)
mock.admin.revoke(orderNumber, 'superseded'); // approve / reject / pay / issue move orders still pending
mock.admin.queueFault({ customer: 'sandbox', operation: 'collect', code: -14, count: 2 });
mock.admin.clearFaults({ customer: 'sandbox' });
mock.admin.updateOrganization(1001, { suspended: true }); // its calls answer -101 until reset
console.log(mock.admin.journal({ customer: 'sandbox', operation: 'enroll' }).length); // 1
mock.admin.reset({ customer: 'sandbox' }); // or reset(), reset({ seed: 'new' })
await mock.close();
