/**
 * HTTP basic authentication against a password file (--basic-auth-file): CSV lines
 * `password,user,uid,"group1,group2"`, as kube-apiserver's passwordfile authenticator did before
 * upstream removed it in 1.19. Kubeling keeps it off by default as a teaching feature of the
 * course notes; it is only ever served over TLS (the API server has no plain-HTTP port).
 * A request carrying `Authorization: Basic` with an unknown user or a wrong password gets 401
 * ("invalid username/password combination" stays server-side, the client sees Unauthorized).
 */
import { readFileSync } from 'node:fs';
import { errors } from '../../api/errors.js';
import type { AuthRequest, Authenticator, UserInfo } from './types.js';
import { constantTimeEqual, headerValue, withAuthenticatedGroup } from './bearer.js';
import { parseCsv, splitGroups } from './csv.js';

interface Entry {
  password: string;
  user: UserInfo;
}

/** Parses the file's text, keyed by user name (a later line for the same user wins, as upstream). */
export function parsePasswordFile(text: string, source: string, warn?: (msg: string) => void): Map<string, Entry> {
  const users = new Map<string, Entry>();
  for (const r of parseCsv(text)) {
    if (r.fields.length < 3) throw new Error(`password file '${source}' must have at least 3 columns (password, user name, user uid), found ${r.fields.length}`);
    const [password, name, uid, groups] = r.fields as [string, string, string, string | undefined];
    if (users.has(name)) warn?.(`duplicate username '${name}' has been found in password file '${source}', record number '${r.line}'`);
    users.set(name, { password, user: { name, uid, groups: splitGroups(groups) } });
  }
  return users;
}

/** `Authorization: Basic base64(user:password)` → [user, password], undefined when absent or not basic. */
export function basicCredentials(headers: AuthRequest['headers']): [string, string] | undefined {
  const auth = headerValue(headers, 'authorization')?.trim();
  if (!auth) return undefined;
  const m = /^basic\s+(\S+)$/i.exec(auth);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Go's Request.BasicAuth reports "not found" for a value without a colon: not a basic credential.
  if (colon < 0) return undefined;
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

/** Authenticates HTTP basic credentials against a password file. */
export class BasicAuthAuthenticator implements Authenticator {
  constructor(private readonly users: Map<string, Entry>) {}

  /** Reads and parses `path` (throws with upstream's message on a malformed file). */
  static fromFile(path: string, warn?: (msg: string) => void): BasicAuthAuthenticator {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`--basic-auth-file: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return new BasicAuthAuthenticator(parsePasswordFile(text, path, warn));
  }

  authenticate(req: AuthRequest): Promise<UserInfo | undefined> {
    const creds = basicCredentials(req.headers);
    if (!creds) return Promise.resolve(undefined);
    const [name, password] = creds;
    const entry = this.users.get(name);
    // An unknown user is still compared (against nothing) so the timing does not reveal which names exist.
    const ok = constantTimeEqual(entry?.password ?? '', password) && entry !== undefined;
    if (!ok) return Promise.reject(errors.unauthorized());
    const u = entry.user;
    return Promise.resolve(withAuthenticatedGroup({ name: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups] }));
  }
}
