import { withScriptTags, writeScriptTag, type ScriptTag } from '../../wsdl/script-tags.js';
import { Status } from '../../wsdl/status-codes.js';
import { expect, expectCode, type Check, type CheckContext } from './check.js';

/**
 * Codes a live account produces only by circumstance (a slow, rejected or unpaid order), reached on the
 * mock with its scripted outcomes: a `+tag` in the enroll e-mail (the grammar: wsdl/script-tags.ts). They
 * run with --allow-mock-only, against ccm-mock only.
 */

async function scripted(ctx: CheckContext, tag: ScriptTag): Promise<number> {
  ctx.requireConfig('orgId', 'secretKey', 'emailDomain');
  const label = writeScriptTag(tag);
  const csr = await ctx.csr(`ccm conformance ${label}`);
  const { orderNumber } = await ctx.enroll(label, { csr, email: withScriptTags(ctx.email(label), [tag]) });
  return orderNumber;
}

export const MOCK_ONLY_CHECKS: Check[] = [
  {
    name: 'mock-processing-then-available',
    title: 'an order still processing: getCollectStatus 0, collect 0 without a certificate, then 1',
    tags: ['mock-only', 'issues-certificate'],
    guide: '2.2.2 (0, 1), 2.3.2 (0)',
    async run(ctx) {
      const order = await scripted(ctx, { kind: 'pending', polls: 2 });
      expect((await ctx.client.getCollectStatus(order)) === 0, 'the first getCollectStatus should answer 0');
      const second = await ctx.client.collect(order);
      expect(!second.ready && second.code === 0, 'collect of a processing order should answer 0 without a certificate');
      expect(
        (await ctx.client.getCollectStatus(order)) === 1,
        'getCollectStatus should answer 1 once the order is issued',
      );
    },
  },
  {
    name: 'mock-rejected',
    title: 'a rejected order: collect and revoke answer -20',
    tags: ['mock-only', 'issues-certificate'],
    guide: '2.3.2 (-20), 2.4.2 (-20), history 1.5.1',
    async run(ctx) {
      const order = await scripted(ctx, { kind: 'reject' });
      await expectCode('collect', Status.REJECTED, () => ctx.client.collect(order));
      await expectCode('revoke', Status.REJECTED, () => ctx.client.revoke(order, 'ccm conformance'));
    },
  },
  {
    name: 'mock-awaiting-payment',
    title: 'an unpaid order: collect answers -22',
    tags: ['mock-only', 'issues-certificate'],
    guide: '2.3.2 (-22)',
    async run(ctx) {
      const order = await scripted(ctx, { kind: 'payment' });
      await expectCode('collect', Status.AWAITING_PAYMENT, () => ctx.client.collect(order));
    },
  },
  {
    name: 'mock-being-issued',
    title: 'revoking an order that is being issued answers -26',
    tags: ['mock-only', 'issues-certificate'],
    guide: '2.4.2 (-26)',
    async run(ctx) {
      const order = await scripted(ctx, { kind: 'issuing', polls: 2 });
      await expectCode('revoke', Status.BEING_ISSUED, () => ctx.client.revoke(order, 'ccm conformance'));
    },
  },
  {
    name: 'mock-unknown-error',
    title: 'an unknown error (-14) on one call leaves the order collectable',
    tags: ['mock-only', 'issues-certificate'],
    guide: '2.2.2 (-14)',
    async run(ctx) {
      const order = await scripted(ctx, { kind: 'fail14' });
      await expectCode('getCollectStatus', Status.UNKNOWN_ERROR, () => ctx.client.getCollectStatus(order));
      expect((await ctx.client.getCollectStatus(order)) === 1, 'after the -14, getCollectStatus should answer 1');
    },
  },
];
