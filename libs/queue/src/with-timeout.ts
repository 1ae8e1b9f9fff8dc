/**
 * `work`, or a rejection with `message` once `ms` have passed. Redis calls use it so a hung
 * connection reads as "down" to probes, scrapes and intake instead of holding them. The
 * underlying call is not cancelled; its late result is ignored.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, message = 'timed out'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
