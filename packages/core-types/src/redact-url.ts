/**
 * Whether an `@` follows the URL's authority: then its user or password holds
 * an unencoded reserved character (`/`, `?`, `#`, `@`) and the parser cut
 * the URL in the middle of it — part of the password is in the path.
 */
export function hasStrayAt(url: URL): boolean {
  return `${url.pathname}${url.search}${url.hash}`.includes('@');
}

/**
 * Removes the password from a URL (and the values of query parameters named
 * like a secret) so it can appear in a message. Unparseable input is replaced
 * whole: it may be a URL with a secret in it. A URL with an `@` after its
 * authority loses everything up to its last `@`: a password with unencoded
 * reserved characters would otherwise show in the path.
 *
 * @example
 * ```ts
 * redactUrl('postgres://app:s3cret@db:5432/athena'); // 'postgres://app:***@db:5432/athena'
 * redactUrl('postgres://app:s3cr3t:P@ss/w0rd@db/athena'); // 'postgres://***@db/athena'
 * ```
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '<unparseable URL>';
  }
  if (hasStrayAt(url)) return `${url.protocol}//***@${value.slice(value.lastIndexOf('@') + 1)}`;
  if (url.password !== '') url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (/pass|secret|key|token/i.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}
