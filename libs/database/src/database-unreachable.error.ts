/** The initial connection to PostgreSQL failed: says where, never with which password. */
export class DatabaseUnreachableError extends Error {
  readonly variable = 'DATABASE_URL';

  /** `gaveUpAfterMs` is set when the failure was retried until the boot deadline. */
  constructor(
    readonly host: string,
    readonly port: number,
    readonly causeMessage: string,
    readonly gaveUpAfterMs?: number,
  ) {
    const after = gaveUpAfterMs === undefined ? '' : ` (gave up after ${gaveUpAfterMs / 1000} s)`;
    super(`Cannot connect to PostgreSQL at ${host}:${port} (DATABASE_URL)${after}: ${causeMessage}`);
    this.name = 'DatabaseUnreachableError';
  }

  /** The fields of the fatal log line. */
  get fields(): Record<string, unknown> {
    return {
      variable: this.variable,
      host: this.host,
      port: this.port,
      ...(this.gaveUpAfterMs !== undefined && { deadline_ms: this.gaveUpAfterMs }),
    };
  }
}
