import fc from 'fast-check';
import { ConfigError, loadConfig } from '@app/config';
import { StandardWebhooksVerifier } from '@app/webhooks';

// The verifier's author noted that config used to accept secrets the verifier then refused
// while the app was being built. These pin the two rules together.

const configAccepts = (secret: string): boolean => {
  try {
    loadConfig({ WEBHOOK_SECRET: secret });
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return false;
  }
};

const verifierAccepts = (secret: string): boolean => {
  try {
    new StandardWebhooksVerifier([secret]);
    return true;
  } catch {
    return false;
  }
};

describe('WEBHOOK_SECRET validation', () => {
  it.each([
    ['an impossible base64 length', 'whsec_abcde'],
    ['misplaced padding', 'whsec_ab=c'],
    ['padding on a wrong length', 'whsec_abcdef='],
    ['the URL-safe alphabet', 'whsec_ab-_cd=='],
    ['only the prefix', 'whsec_'],
  ])('fails at boot for %s, naming the variable', (_name, secret) => {
    expect(() => loadConfig({ WEBHOOK_SECRET: secret })).toThrow(/^Invalid configuration: WEBHOOK_SECRET /);
  });

  it('names the bad entry by position and never echoes a secret', () => {
    const good = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const bad = 'whsec_sup3rSecretValue1';
    let message = '';
    try {
      loadConfig({ WEBHOOK_SECRET: `${good} ${bad}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('entry #2');
    expect(message).not.toContain('sup3rSecretValue1');
    expect(message).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });

  it('accepts the published test-vector secret, bare base64 and unpadded base64', () => {
    const config = loadConfig({ WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_YWJjZA' });
    expect(config.webhookSecrets).toHaveLength(3);
    expect(() => new StandardWebhooksVerifier(config.webhookSecrets)).not.toThrow();
  });

  it('accepts exactly the secrets the verifier accepts', () => {
    const chars = [...'ABCXYZabcxyz0189+/=-_.!'];
    const entry = fc
      .tuple(fc.constantFrom('', 'whsec_', 'WHSEC_'), fc.array(fc.constantFrom(...chars), { maxLength: 14 }))
      .map(([prefix, body]) => prefix + body.join(''));
    fc.assert(
      fc.property(entry, (secret) => {
        fc.pre(secret.trim() !== ''); // an empty variable means "unset", not a secret
        expect(configAccepts(secret)).toBe(verifierAccepts(secret));
      }),
      { numRuns: 2000 },
    );
  });
});
