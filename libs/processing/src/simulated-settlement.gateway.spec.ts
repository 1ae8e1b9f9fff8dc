import { loadConfig } from '@app/config';
import { type SettlementRequest } from './settlement-gateway';
import { SimulatedSettlementGateway } from './simulated-settlement.gateway';

function request(signal: AbortSignal): SettlementRequest {
  return { transactionId: 'txn_1', sourceAccount: 'a', destinationAccount: 'b', amount: '1.00', currency: 'INR', attempt: 1, signal };
}

describe('SimulatedSettlementGateway', () => {
  it('settles after PROCESSING_DELAY_MS', async () => {
    const gateway = new SimulatedSettlementGateway(loadConfig({ PROCESSING_DELAY_MS: '20' }));
    await expect(gateway.settle(request(new AbortController().signal))).resolves.toBeUndefined();
  });

  it('honours the signal: an aborted call rejects at once and its timer is cleared', async () => {
    const gateway = new SimulatedSettlementGateway(loadConfig({ PROCESSING_DELAY_MS: '3600000' }));
    const controller = new AbortController();
    const started = Date.now();
    const call = gateway.settle(request(controller.signal));
    controller.abort(new Error('deadline'));
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails at the configured rate', async () => {
    const gateway = new SimulatedSettlementGateway(loadConfig({ PROCESSING_DELAY_MS: '0', SIMULATED_FAILURE_RATE: '1' }));
    await expect(gateway.settle(request(new AbortController().signal))).rejects.toThrow('simulated transient failure');
  });
});
