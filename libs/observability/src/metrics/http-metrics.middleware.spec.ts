import { webhookOutcomeFor } from './http-metrics.middleware';

describe('webhookOutcomeFor', () => {
  it.each([
    [202, false, 'accepted'],
    [202, true, 'duplicate'],
    [409, false, 'conflict'],
    [401, false, 'unauthorized'],
    [400, false, 'rejected'],
    [413, false, 'rejected'],
    [415, false, 'rejected'],
    [429, false, 'rejected'],
  ])('names a %i answer (replayed: %s) %s', (status, replayed, outcome) => {
    expect(webhookOutcomeFor(status, replayed)).toBe(outcome);
  });

  it('does not count server errors as deliveries received', () => {
    expect(webhookOutcomeFor(503, false)).toBeUndefined();
    expect(webhookOutcomeFor(500, false)).toBeUndefined();
  });
});
