/** What a BullMQ queue or worker offers to end its Redis connection. */
export interface RedisClosable {
  close(): Promise<void>;
  disconnect(): Promise<void> | void;
}

/**
 * A graceful close (QUIT) given `ms`, then a plain disconnect. A frozen or partitioned Redis
 * never answers QUIT, and BullMQ's close() waits for that answer forever; a disconnect only
 * drops the socket, which is all a stopping process needs. Resolves true when the graceful
 * close made it in time.
 */
export async function closeWithin(closable: RedisClosable, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const closing = closable.close().then(
    () => true,
    () => false, // an error while closing leaves the same thing to do: drop the socket
  );
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([closing, deadline]);
  clearTimeout(timer);
  if (outcome === true) return true;
  await Promise.resolve(closable.disconnect()).catch(() => undefined);
  return false;
}
