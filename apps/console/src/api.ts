import { parseJsonKeepingAmounts } from './money.js';

const KEY_STORAGE = 'paycheck.console.apiKey';
/** Every call gives up after this: a stalled API must not leave the console waiting for ever. */
export const REQUEST_DEADLINE_MS = 10_000;

interface Problem {
  title?: string;
  detail?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? (status === 0 ? 'The API did not answer.' : `The API answered ${status}.`));
  }
}

/** Shows the sign-in form and resolves with the key typed; `rejected` says the last key was refused. */
export type AskForKey = (rejected: boolean) => Promise<string>;

/**
 * Calls to /v1 with `Authorization: Bearer <key>` and nothing else: no cookies and no Basic
 * credentials the browser may hold for the page (credentials: 'omit'). The key is asked for once,
 * when the API first answers 401, and kept in sessionStorage (gone when the tab closes).
 */
export class Api {
  private signingIn: Promise<void> | undefined;

  constructor(private readonly askForKey: AskForKey) {}

  authorization(): Record<string, string> {
    const key = sessionStorage.getItem(KEY_STORAGE);
    return key ? { Authorization: `Bearer ${key}` } : {};
  }

  hasKey(): boolean {
    return sessionStorage.getItem(KEY_STORAGE) !== null;
  }

  signOut(): void {
    sessionStorage.removeItem(KEY_STORAGE);
  }

  /** After a 401: one sign-in form for every caller waiting on it. */
  signIn(): Promise<void> {
    this.signingIn ??= (async () => {
      const rejected = this.hasKey();
      this.signOut();
      sessionStorage.setItem(KEY_STORAGE, await this.askForKey(rejected));
    })().finally(() => (this.signingIn = undefined));
    return this.signingIn;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (;;) {
      let res: Response;
      let text: string;
      try {
        res = await fetch(path, {
          method,
          headers: {
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...this.authorization(),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          credentials: 'omit',
          cache: 'no-store',
          signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
        });
        text = await res.text();
      } catch {
        throw new ApiError(0, undefined);
      }
      if (res.status === 401) {
        await this.signIn();
        continue;
      }
      const parsed = text === '' ? undefined : parseJsonKeepingAmounts(text);
      if (!res.ok) throw new ApiError(res.status, parsed as Problem | undefined);
      return parsed as T;
    }
  }
}
