/** Replaces every occurrence of each secret in `text` with `***`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  return secrets.reduce<string>(
    (acc, secret) => (secret === undefined || secret === '' ? acc : acc.split(secret).join('***')),
    text,
  );
}
