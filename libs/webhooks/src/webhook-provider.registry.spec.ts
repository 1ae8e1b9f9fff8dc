import { type WebhookProvider } from './providers/webhook-provider';
import { WebhookProviderRegistry } from './webhook-provider.registry';

const provider = (name: string, enabled = true): WebhookProvider => ({
  name,
  enabled,
  verify: () => ({ ok: false, reason: 'test' }),
  map: () => ({ kind: 'ignored', event: 'test' }),
});

describe('WebhookProviderRegistry', () => {
  it('finds enabled providers by name, case-insensitively as Express routes', () => {
    const registry = new WebhookProviderRegistry([provider('stripe'), provider('acme-pay'), provider('paystack', false)]);
    expect(registry.enabled('stripe')?.name).toBe('stripe');
    expect(registry.enabled('ACME-PAY')?.name).toBe('acme-pay');
    expect(registry.enabledNames()).toEqual(['stripe', 'acme-pay']);
  });

  it('treats a disabled provider as absent', () => {
    const registry = new WebhookProviderRegistry([provider('paystack', false)]);
    expect(registry.enabled('paystack')).toBeUndefined();
    expect(registry.enabled('nope')).toBeUndefined();
    expect(registry.enabled('constructor')).toBeUndefined();
  });

  it.each([
    ['two providers with one name', [provider('stripe'), provider('stripe')], /Two webhook providers are named "stripe"/],
    ['a provider shadowing the native route', [provider('transactions')], /must match/],
    ['a name that is not a path segment', [provider('Acme Pay')], /must match/],
    ['an empty name', [provider('')], /must match/],
  ])('refuses %s at boot', (_name, providers, message) => {
    expect(() => new WebhookProviderRegistry(providers)).toThrow(message);
  });
});
