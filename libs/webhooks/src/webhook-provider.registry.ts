import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_NAME_PATTERN, WEBHOOK_PROVIDERS, WebhookProvider } from './providers/webhook-provider';

/** The native route's own segment: no provider may shadow it. */
const RESERVED = new Set(['transactions']);

/** Every registered provider by name; checked once at boot so a bad registration fails there. */
@Injectable()
export class WebhookProviderRegistry {
  private readonly byName = new Map<string, WebhookProvider>();

  constructor(@Inject(WEBHOOK_PROVIDERS) providers: WebhookProvider[]) {
    for (const provider of providers) {
      const name = provider.name;
      if (!PROVIDER_NAME_PATTERN.test(name) || RESERVED.has(name)) {
        throw new Error(`Webhook provider name "${name}" must match ${PROVIDER_NAME_PATTERN.source} and not be "transactions"`);
      }
      if (this.byName.has(name)) throw new Error(`Two webhook providers are named "${name}"`);
      this.byName.set(name, provider);
    }
  }

  /** The enabled provider of that name; undefined for an unknown or disabled one (both 404). */
  enabled(name: string): WebhookProvider | undefined {
    const provider = this.byName.get(name.toLowerCase());
    return provider?.enabled ? provider : undefined;
  }

  enabledNames(): string[] {
    return [...this.byName.values()].filter((p) => p.enabled).map((p) => p.name);
  }
}
