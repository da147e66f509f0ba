/**
 * `kubeling token create|list|delete` (kubeadm token's commands): bootstrap tokens are Secrets
 * kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token, written with the admin
 * kubeconfig. `kubeling agent --server URL --token TOKEN --ca-cert CA` joins a node with one;
 * deleting the Secret revokes the token, and the token cleaner removes expired ones.
 */
import { randomInt } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { ApiStatusError, RestClient, isStatus } from '../client/rest.js';
import { BootstrapToken, parseBootstrapToken, secretValue } from '../controllers/bootstrap/index.js';
import { UsageError, type OptionSpec, type ParsedOptions } from './options.js';

/** kubeadm's default extra group of node-join tokens. */
export const DEFAULT_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
const SECRETS = { group: '', version: 'v1', resource: 'secrets', namespace: BootstrapToken.namespace };
const USAGES = ['signing', 'authentication'];

/** Flags of `kubeling token` (kubeadm token's names). */
export const tokenOptions: OptionSpec[] = [
  { name: 'ttl', type: 'string', default: '24h', help: 'create: how long the token is valid (Go duration: 24h, 30m, 1h30m; 0 = never expires)' },
  { name: 'description', type: 'string', default: '', help: 'create: a human-friendly description of the token' },
  { name: 'groups', type: 'string', default: DEFAULT_TOKEN_GROUP, help: 'create: extra groups the token authenticates as, comma separated (each system:bootstrappers:…)' },
  { name: 'usages', type: 'string', default: USAGES.join(','), help: 'create: what the token may be used for: signing, authentication' },
  { name: 'print-join-command', type: 'boolean', default: false, help: 'create: print the whole `kubeling agent` command that joins a node with the token' },
  { name: 'kubeconfig', type: 'string', default: '', help: 'admin kubeconfig (default <data-dir>/admin.kubeconfig)' },
  { name: 'data-dir', type: 'string', default: '', help: "the cluster's data dir (default ~/.kubeling)" },
  { name: 'help', type: 'boolean', default: false, help: 'show this help' },
];

const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, in milliseconds ("24h", "1h30m", "0"). */
export function parseGoDuration(s: string): number {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (units[m[2]!] ?? 0);
    at = re.lastIndex;
  }
  if (!s || at !== s.length) throw new UsageError(`invalid duration "${s}": want e.g. 24h, 30m or 1h30m`);
  return total;
}

/** duration.ShortHumanDuration, as kubeadm's TTL column prints it. */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** A new random token `[a-z0-9]{6}.[a-z0-9]{16}` (bootstraputil.GenerateBootstrapToken). */
export function generateToken(rand: (n: number) => number = randomInt): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  const pick = (n: number): string => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
  return `${pick(6)}.${pick(16)}`;
}

/** What `token create` writes. */
export interface TokenSpec {
  token: string;
  ttlMs: number;
  description: string;
  groups: string[];
  usages: string[];
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Checks the create flags as kubeadm does; returns the parsed spec. */
export function tokenSpec(o: ParsedOptions, token: string | undefined, rand?: (n: number) => number): TokenSpec {
  const t = token ?? generateToken(rand);
  if (!parseBootstrapToken(t)) throw new UsageError(`the bootstrap token "${t}" was not of the form "${BootstrapToken.pattern.source}"`);
  const groups = String(o.groups ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  for (const g of groups) if (!BootstrapToken.groupPattern.test(g)) throw new UsageError(`--groups: group "${g}" must match "${BootstrapToken.groupPattern.source}"`);
  const usages = String(o.usages ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  for (const u of usages) if (!USAGES.includes(u)) throw new UsageError(`--usages: unknown usage "${u}": want ${USAGES.join(', ')}`);
  return { token: t, ttlMs: parseGoDuration(String(o.ttl ?? '24h')), description: String(o.description ?? ''), groups, usages };
}

/** The bootstrap token Secret of a spec (bootstraptoken.BootstrapTokenToSecret). */
export function tokenSecret(spec: TokenSpec, now: Date): KubeObject {
  const { id, secret } = parseBootstrapToken(spec.token)!;
  const data: Record<string, string> = { 'token-id': b64(id), 'token-secret': b64(secret) };
  if (spec.description) data.description = b64(spec.description);
  if (spec.ttlMs > 0) data.expiration = b64(rfc3339(new Date(now.getTime() + spec.ttlMs)));
  for (const u of spec.usages) data[`usage-bootstrap-${u}`] = b64('true');
  if (spec.groups.length) data['auth-extra-groups'] = b64(spec.groups.join(','));
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${BootstrapToken.secretPrefix}${id}`, namespace: BootstrapToken.namespace }, type: BootstrapToken.secretType, data };
}

/** kubeadm token list's rows (TOKEN TTL EXPIRES USAGES DESCRIPTION EXTRA GROUPS) for the token Secrets. */
export function tokenRows(secrets: KubeObject[], now: Date): string[][] {
  const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
  for (const s of secrets) {
    if (s.type !== BootstrapToken.secretType) continue;
    const id = secretValue(s, 'token-id');
    const secret = secretValue(s, 'token-secret');
    if (!parseBootstrapToken(`${id}.${secret}`)) continue; // kubeadm skips malformed token Secrets
    const exp = secretValue(s, 'expiration');
    const ttl = exp ? shortHumanDuration(Date.parse(exp) - now.getTime()) : '<forever>';
    const usages = USAGES.filter((u) => secretValue(s, `usage-bootstrap-${u}`) === 'true').sort();
    rows.push([`${id}.${secret}`, ttl, exp || '<never>', usages.join(',') || '<none>', secretValue(s, 'description') || '<none>', secretValue(s, 'auth-extra-groups') || '<none>']);
  }
  return rows;
}

/** Left-aligned columns three spaces apart, as kubeadm's tabwriter prints them. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd()).join('\n') + '\n';
}

/** The token id of `delete`'s argument: an id or a whole token. */
export function tokenIdOf(arg: string): string {
  const full = parseBootstrapToken(arg);
  if (full) return full.id;
  if (BootstrapToken.idPattern.test(arg)) return arg;
  throw new UsageError(`given token didn't match pattern "^(?P<token_id>[a-z0-9]{6})$" or "${BootstrapToken.pattern.source}"`);
}

function paths(o: ParsedOptions): { dataDir: string; kubeconfig: string } {
  const dataDir = resolve(String(o['data-dir'] || join(homedir(), '.kubeling')));
  return { dataDir, kubeconfig: resolve(String(o.kubeconfig || join(dataDir, 'admin.kubeconfig'))) };
}

function clientFor(kubeconfig: string): RestClient {
  try {
    return RestClient.fromKubeconfig(kubeconfig);
  } catch (e) {
    throw new UsageError(`cannot read the admin kubeconfig ${kubeconfig} (${e instanceof Error ? e.message : String(e)}); pass --kubeconfig or --data-dir`);
  }
}

/** Runs `kubeling token <create|list|delete> …`. */
export async function tokenCommand(o: ParsedOptions, args: string[], out: (s: string) => void = (s) => void process.stdout.write(s)): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || !['create', 'list', 'delete'].includes(sub)) throw new UsageError('usage: kubeling token create [TOKEN] [--ttl 24h] [--description D] [--groups G] | list | delete TOKEN-ID|TOKEN…');
  const { dataDir, kubeconfig } = paths(o);
  const spec = sub === 'create' ? tokenSpec(o, rest[0]) : undefined;
  const client = clientFor(kubeconfig);
  try {
    if (spec) {
      try {
        await client.create(SECRETS, tokenSecret(spec, new Date()));
      } catch (e) {
        if (isStatus(e, 409)) throw new Error(`a token with id "${parseBootstrapToken(spec.token)!.id}" already exists`);
        throw e;
      }
      if (o['print-join-command']) out(`kubeling agent --server ${client.opts.server} --token ${spec.token} --ca-cert ${join(dataDir, 'pki', 'ca.crt')}\n`);
      else out(`${spec.token}\n`);
    } else if (sub === 'list') {
      const list = await client.list(SECRETS, { fieldSelector: `type=${BootstrapToken.secretType}` }).catch(async (e: unknown) => {
        // Servers without the Secret type field selector: filter here.
        if (e instanceof ApiStatusError && e.code === 400) return client.list(SECRETS);
        throw e;
      });
      out(formatTable(tokenRows(list.items, new Date())));
    } else {
      if (!rest.length) throw new UsageError('missing subcommand; "token delete" is missing token of form "^(?P<token_id>[a-z0-9]{6})$"');
      for (const arg of rest) {
        const id = tokenIdOf(arg);
        try {
          await client.delete({ ...SECRETS, name: `${BootstrapToken.secretPrefix}${id}` });
        } catch (e) {
          throw new Error(`failed to delete bootstrap token "${id}": ${e instanceof Error ? e.message : String(e)}`);
        }
        out(`bootstrap token "${id}" deleted\n`);
      }
    }
  } finally {
    await client.close();
  }
}
