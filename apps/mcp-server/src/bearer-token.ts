import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks an `Authorization` header against the expected bearer token in
 * constant time: both sides are hashed first, so the comparison sees two
 * equal-length digests and leaks neither the token's length nor how much of
 * it matched.
 *
 * @example
 * ```ts
 * const check = bearerTokenCheck(process.env.ATHENA_MCP_TOKEN!);
 * if (!check(req.headers.authorization)) res.writeHead(401).end();
 * ```
 */
export function bearerTokenCheck(token: string): (header: string | undefined) => boolean {
  const expected = createHash('sha256').update(token, 'utf8').digest();
  return (header) => {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    const given = createHash('sha256')
      .update(match?.[1] ?? '', 'utf8')
      .digest();
    // Compared even without a match, so a missing header takes as long as a wrong one.
    return timingSafeEqual(given, expected) && match !== null;
  };
}

/** Whether a listening address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    bare === '::ffff:127.0.0.1'
  );
}
