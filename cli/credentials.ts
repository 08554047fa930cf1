/**
 * The stored login: `$XDG_CONFIG_HOME/envctl/credentials.json` (default `~/.config`), the
 * directory 0700 and the file 0600, holding the ID and refresh tokens. A `--token` is never
 * written here.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  api_url: string;
  email: string;
  id_token: string;
  refresh_token: string;
}

export function configDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'envctl');
}

export const credentialsFile = (): string => join(configDir(), 'credentials.json');

export function readCredentials(): Credentials | undefined {
  try {
    return JSON.parse(readFileSync(credentialsFile(), 'utf8')) as Credentials;
  } catch {
    return undefined;
  }
}

export function writeCredentials(credentials: Credentials): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = credentialsFile();
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Removes the stored login; true when there was one. */
export function removeCredentials(): boolean {
  const had = readCredentials() !== undefined;
  rmSync(credentialsFile(), { force: true });
  return had;
}

/** Seconds since the epoch at which a JWT expires (its `exp`), or 0 when unreadable. */
export function expiresAt(jwt: string): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp : 0;
  } catch {
    return 0;
  }
}
