import { AcceptUnsignedVerifier } from './unsigned-webhooks.verifier';

describe('AcceptUnsignedVerifier', () => {
  const verifier = new AcceptUnsignedVerifier();

  it('accepts a request with no signature headers at all', () => {
    expect(verifier.verify(Buffer.from('{}'), {})).toEqual({ ok: true });
  });

  it('accepts a bad signature and passes the webhook id through for idempotency', () => {
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '0', 'webhook-signature': 'v1,nope' };
    expect(verifier.verify(Buffer.from('x'), headers)).toEqual({ ok: true, webhookId: 'msg_1' });
  });

  it('leaves the id out when it is ambiguous or empty', () => {
    expect(verifier.verify(Buffer.alloc(0), { 'webhook-id': ['a', 'b'] })).toEqual({ ok: true });
    expect(verifier.verify(Buffer.alloc(0), { 'webhook-id': '' })).toEqual({ ok: true });
  });
});
