/**
 * Static token file (--token-auth-file, plugin/pkg/auth/authenticator/token/tokenfile): CSV lines
 * `token,user,uid,"group1,group2"`. The file is read once at start (upstream does not reload it
 * either). A token not in the file is not handled here (the bearer authenticator answers 401
 * when no token authenticator accepts it); tokens are compared in constant time.
 */
import { readFileSync } from 'node:fs';
import type { UserInfo } from './types.js';
import type { TokenAuthenticator } from './bearer.js';
import { constantTimeEqual } from './bearer.js';
import { parseCsv, splitGroups } from './csv.js';

interface Entry {
  token: string;
  user: UserInfo;
}

/** Parses the file's text; `source` names the file in errors (upstream's messages). */
export function parseTokenFile(text: string, source: string, warn?: (msg: string) => void): Entry[] {
  const byToken = new Map<string, Entry>();
  for (const r of parseCsv(text)) {
    if (r.fields.length < 3) throw new Error(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${r.fields.length}`);
    const [token, name, uid, groups] = r.fields as [string, string, string, string | undefined];
    if (token === '') {
      warn?.(`empty token has been found in token file '${source}', record number '${r.line}'`);
      continue;
    }
    if (byToken.has(token)) warn?.(`duplicate token has been found in token file '${source}', record number '${r.line}'`);
    byToken.set(token, { token, user: { name, uid, groups: splitGroups(groups) } });
  }
  return [...byToken.values()];
}

/** Authenticates bearer tokens listed in a static token file. */
export class TokenFileAuthenticator implements TokenAuthenticator {
  private readonly entries: Entry[];

  constructor(entries: Entry[]) {
    this.entries = entries;
  }

  /** Reads and parses `path` (throws with upstream's message on a malformed file). */
  static fromFile(path: string, warn?: (msg: string) => void): TokenFileAuthenticator {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`--token-auth-file: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return new TokenFileAuthenticator(parseTokenFile(text, path, warn));
  }

  authenticateToken(token: string): Promise<UserInfo | undefined> {
    // Every entry is compared, so the time taken does not tell which token prefix matched.
    let found: Entry | undefined;
    for (const e of this.entries) if (constantTimeEqual(e.token, token) && !found) found = e;
    if (!found) return Promise.resolve(undefined);
    const u = found.user;
    return Promise.resolve({ name: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups] });
  }
}
