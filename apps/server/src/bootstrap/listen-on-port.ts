import type { Server } from 'node:http';

/** The port could not be bound (in use, or privileged): names PORT and the port. */
export class PortUnavailableError extends Error {
  readonly variable = 'PORT';

  constructor(
    readonly port: number,
    causeMessage: string,
  ) {
    super(`Cannot listen on port ${port} (PORT): ${causeMessage}`);
    this.name = 'PortUnavailableError';
  }
}

/** Binds the application's HTTP server on every interface, as Nest's app.listen(port) would. */
export function listenOnPort(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(new PortUnavailableError(port, error.message));
    server.once('error', onError);
    server.listen(port, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
