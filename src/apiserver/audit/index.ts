/**
 * The audit log of the API server (kube-apiserver's WithAudit filter): after authentication each
 * request gets an audit ID (also the `Audit-Id` response header) and a level from the policy;
 * events are written at RequestReceived, ResponseStarted (long-running requests: watch, logs,
 * exec, attach, port-forward, proxy), and ResponseComplete or Panic, with the bodies the level
 * asks for. Secrets, TokenRequests and TokenReviews are capped at Metadata, and no response
 * holding a Secret is recorded.
 */
import { randomUUID } from 'node:crypto';
import type { UserInfo } from '../authn/types.js';
import type { Req, Res } from '../http.js';
import { BODY_TAP, type BodyTap } from '../http.js';
import { AuditLogWriter, type AuditLogWriterOptions } from './log-writer.js';
import { defaultPolicy, evaluatePolicy, loadPolicyFile, type Level, type Policy, type RequestAuditConfig, type Stage } from './policy.js';
import { containsSecret, decodeRequestBody, eventUser, isSensitive, microTime, objectRef, responseStatus, sourceIPs, withoutManagedFields, type AuditEvent } from './event.js';
import type { AuthorizationAttributes } from '../authz/types.js';

export { AuditLogWriter } from './log-writer.js';
export { parsePolicy, loadPolicyFile, evaluatePolicy, defaultPolicy, AuditPolicyError } from './policy.js';
export type { Policy, PolicyRule, Level, Stage } from './policy.js';
export type { AuditEvent } from './event.js';

/** Where events go: the log writer, or anything with write(line). */
export interface AuditSink {
  write(line: string): void;
  close?(): Promise<void>;
}

export interface AuditorOptions {
  policy: Policy;
  sink: AuditSink;
  now?: () => Date;
  newId?: () => string;
}

/** What the server knows about a request when auditing starts (after authentication). */
export interface AuditRequestInfo extends Omit<AuthorizationAttributes, 'user'> {
  user?: UserInfo;
}

const AUDIT_REQUEST = Symbol('kubeling.auditRequest');

/**
 * Adds an annotation to the request's audit events, if it is audited (for admission plugins,
 * e.g. pod-security.kubernetes.io/enforce-policy, as upstream's audit.AddAuditAnnotation).
 */
export function addAuditAnnotation(req: Req, key: string, value: string): void {
  (req as { [AUDIT_REQUEST]?: AuditRequest })[AUDIT_REQUEST]?.annotate(key, value);
}

const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
const rank = (l: Level): number => ['None', 'Metadata', 'Request', 'RequestResponse'].indexOf(l);

/** Evaluates the policy per request and writes its events. */
export class Auditor {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly o: AuditorOptions) {
    this.now = o.now ?? (() => new Date());
    this.newId = o.newId ?? randomUUID;
  }

  /**
   * Starts auditing one request: sets the Audit-Id header (the client's own Audit-ID is kept, as
   * upstream does) and, unless the policy says None, writes RequestReceived and arranges the
   * later stages. Returns undefined when nothing is logged.
   */
  begin(req: Req, res: Res, info: AuditRequestInfo): AuditRequest | undefined {
    const given = req.headers['audit-id'];
    const id = typeof given === 'string' && given ? given : this.newId();
    if (!res.headersSent) res.setHeader('Audit-Id', id);
    const cfg = evaluatePolicy(this.o.policy, info);
    if (cfg.level === 'None') return undefined;
    return new AuditRequest(req, res, info, id, cfg, this.now, (e) => this.o.sink.write(JSON.stringify(e)));
  }

  /** Writes what is queued and closes the log. */
  async close(): Promise<void> {
    await this.o.sink.close?.();
  }
}

/** One audited request. The server reports authorization and impersonation; the rest is observed. */
export class AuditRequest {
  private readonly received: Date;
  private readonly base: Omit<AuditEvent, 'stage' | 'stageTimestamp'>;
  private readonly level: Level;
  private reqBody: Buffer | undefined;
  private respCode: number | undefined;
  private respBody: unknown;
  private panicked = false;
  private done = false;

  constructor(
    private readonly req: Req,
    private readonly res: Res,
    private readonly info: AuditRequestInfo,
    id: string,
    private readonly cfg: RequestAuditConfig,
    private readonly now: () => Date,
    private readonly emit: (e: AuditEvent) => void,
  ) {
    this.received = now();
    const ref = objectRef(info);
    // Credentials never reach the log, whatever the policy asks for.
    this.level = isSensitive(ref) && rank(cfg.level) > rank('Metadata') ? 'Metadata' : cfg.level;
    this.base = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: this.level,
      auditID: id,
      requestURI: req.url ?? '/',
      verb: info.verb,
      user: eventUser(info.user),
      sourceIPs: sourceIPs(req.headers, req.socket?.remoteAddress),
      requestReceivedTimestamp: microTime(this.received),
    };
    const ua = req.headers['user-agent'];
    if (typeof ua === 'string') this.base.userAgent = ua;
    if (ref) this.base.objectRef = ref;
    this.write('RequestReceived');

    const tap: BodyTap = {
      request: (b) => (this.reqBody = b),
      response: (code, body) => {
        this.respCode = code;
        this.respBody = body;
      },
    };
    (req as { [BODY_TAP]?: BodyTap })[BODY_TAP] = tap;
    (req as { [AUDIT_REQUEST]?: AuditRequest })[AUDIT_REQUEST] = this;
    (res as { [BODY_TAP]?: BodyTap })[BODY_TAP] = tap;
    if (LONG_RUNNING_VERBS.has(info.verb) || LONG_RUNNING_SUBRESOURCES.has(info.subresource)) this.watchHeaders();
    const finish = () => this.finish();
    res.once('finish', finish);
    res.once('close', finish);
  }

  /** Records who the request acts as (after impersonation). */
  impersonated(user: UserInfo): void {
    this.base.impersonatedUser = eventUser(user);
  }

  /** Records the authorization decision as upstream's annotations. */
  authorized(allowed: boolean, reason?: string): void {
    this.annotate('authorization.k8s.io/decision', allowed ? 'allow' : 'forbid');
    this.annotate('authorization.k8s.io/reason', reason ?? '');
  }

  /**
   * Adds an annotation (admission plugins add theirs, e.g. pod-security.kubernetes.io/enforce-policy).
   * The first value of a key stays, as upstream keeps it (and only logs) when a later one differs:
   * an update retried after a conflict runs admission again.
   */
  annotate(key: string, value: string): void {
    const annotations = (this.base.annotations ??= {});
    if (!(key in annotations)) annotations[key] = value;
  }

  /** The request failed with an unexpected error: the final event is a Panic one. */
  panic(): void {
    this.panicked = true;
  }

  /** Long-running requests get a ResponseStarted event when their headers go out. */
  private watchHeaders(): void {
    const res = this.res as { writeHead: (...a: unknown[]) => unknown };
    const orig = res.writeHead.bind(res);
    res.writeHead = (...a: unknown[]) => {
      const r = orig(...a);
      if (!this.done) this.write('ResponseStarted', typeof a[0] === 'number' ? a[0] : this.res.statusCode);
      return r;
    };
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.write(this.panicked ? 'Panic' : 'ResponseComplete', this.respCode ?? this.res.statusCode, true);
  }

  private write(stage: Stage, code?: number, final = false): void {
    if (this.cfg.omitStages.includes(stage)) return;
    const b = this.base;
    // built in the field order of upstream's JSON lines
    const e = { kind: b.kind, apiVersion: b.apiVersion, level: b.level, auditID: b.auditID, stage, requestURI: b.requestURI, verb: b.verb, user: b.user } as AuditEvent;
    if (b.impersonatedUser) e.impersonatedUser = b.impersonatedUser;
    e.sourceIPs = b.sourceIPs;
    if (b.userAgent !== undefined) e.userAgent = b.userAgent;
    if (b.objectRef) e.objectRef = b.objectRef;
    if (code !== undefined) e.responseStatus = responseStatus(code, final ? this.respBody : undefined);
    if (final) this.addBodies(e);
    e.requestReceivedTimestamp = b.requestReceivedTimestamp;
    e.stageTimestamp = microTime(this.now());
    if (b.annotations) e.annotations = { ...b.annotations };
    this.emit(e);
  }

  private addBodies(e: AuditEvent): void {
    const level = rank(this.level);
    const wantsRequest = level >= rank('Request');
    const needsName = !this.info.name && this.info.verb === 'create' && e.objectRef;
    if (!wantsRequest && !needsName) return;
    const body = decodeRequestBody(String(this.req.headers['content-type'] ?? ''), this.reqBody);
    if (needsName && e.objectRef) {
      const name = (body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name ?? (this.respBody as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
      if (typeof name === 'string' && name) e.objectRef = { ...e.objectRef, name };
    }
    const strip = (v: unknown) => (this.cfg.omitManagedFields ? withoutManagedFields(v) : v);
    if (wantsRequest && body !== undefined && !containsSecret(body)) e.requestObject = strip(body);
    const streaming = LONG_RUNNING_VERBS.has(this.info.verb) || LONG_RUNNING_SUBRESOURCES.has(this.info.subresource);
    if (level >= rank('RequestResponse') && !streaming && this.respBody !== undefined && !containsSecret(this.respBody)) e.responseObject = strip(this.respBody);
  }
}

/** The audit flags of `kubeling up` / `kubeling server`. */
export interface AuditFlags {
  policyFile?: string;
  logPath?: string;
  maxSizeMB?: number;
  maxBackups?: number;
  maxAgeDays?: number;
  /** when a log path is given without a policy: log with defaultPolicy() (Kubeling), else nothing (upstream) */
  defaultPolicyWithoutFile?: boolean;
  onError?: (message: string) => void;
  now?: () => Date;
}

/**
 * Builds the auditor the flags ask for, or undefined: a log path is needed, and a policy file
 * (or the Kubeling default), as kube-apiserver logs nothing without --audit-policy-file. A
 * policy file that does not validate throws, stopping the start.
 */
export function auditorFromFlags(f: AuditFlags): Auditor | undefined {
  const policy = f.policyFile ? loadPolicyFile(f.policyFile) : f.defaultPolicyWithoutFile ? defaultPolicy() : undefined;
  if (!f.logPath || !policy) return undefined;
  const opts: AuditLogWriterOptions = { path: f.logPath, maxSizeMB: f.maxSizeMB, maxBackups: f.maxBackups, maxAgeDays: f.maxAgeDays, onError: f.onError, now: f.now };
  return new Auditor({ policy, sink: new AuditLogWriter(opts), now: f.now });
}
