/**
 * Removes the password from a URL (and the values of query parameters named
 * like a secret) so it can appear in a message. Unparseable input is replaced
 * whole: it may be a URL with a secret in it.
 *
 * @example
 * ```ts
 * redactUrl('postgres://app:s3cret@db:5432/athena'); // 'postgres://app:***@db:5432/athena'
 * ```
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '<unparseable URL>';
  }
  if (url.password !== '') url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (/pass|secret|key|token/i.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}
