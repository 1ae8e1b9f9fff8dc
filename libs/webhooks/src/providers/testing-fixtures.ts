import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A provider's sample event (`<provider>/fixtures/<name>.json`, as its docs publish them), with
 * some fields replaced by dotted path. A fresh copy each call. For tests only.
 */
export function providerFixture(provider: string, name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const event = JSON.parse(readFileSync(join(__dirname, provider, 'fixtures', `${name}.json`), 'utf8')) as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) setPath(event, path, value);
  return event;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof current[key] !== 'object' || current[key] === null) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete current[last];
  else current[last] = value;
}
