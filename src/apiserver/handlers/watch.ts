/**
 * watch: a stream of newline-delimited WatchEvents (objects or Table rows), filtered by selectors
 * with upstream's transition rule (an object leaving the selection is DELETED for this watcher),
 * bookmarks on request, timeoutSeconds, and a 410 Expired ERROR event for compacted versions.
 */
import type { ServerResponse } from 'node:http';
import { errors, ApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/resource.js';
import { StorageError } from '../../storage/store.js';
import type { Watch, WatchEvent } from '../../storage/store.js';
import { wantedOutput } from '../negotiate.js';
import { toExternal } from '../pipeline.js';
import { storagePrefix, storageKey } from '../resources.js';
import { parseIncludeObject, toTable } from '../table.js';
import type { RequestCtx } from './context.js';
import { selectorPredicate } from './context.js';

export async function handleWatch(rc: RequestCtx): Promise<void> {
  const want = wantedOutput(rc.req.headers.accept);
  const rvStr = rc.query.get('resourceVersion');
  if (rvStr && !/^\d+$/.test(rvStr)) throw errors.badRequest(`resourceVersion: Invalid value: "${rvStr}": must be a non-negative integer`);
  const rv = rvStr ? Number(rvStr) : 0;
  const predicate = selectorPredicate(rc.def, rc.query);
  const bookmarks = rc.query.get('allowWatchBookmarks') === 'true';
  const timeoutStr = rc.query.get('timeoutSeconds');
  const timeoutMs = (timeoutStr ? Number(timeoutStr) : 1800) * 1000;
  const include = parseIncludeObject(rc.query.get('includeObject'));
  const sendInitial = rc.query.get('sendInitialEvents');
  const initialEvents = sendInitial === 'true' || (sendInitial === null && rv === 0);
  const prefix = rc.info.name
    ? storageKey(rc.def, rc.info.namespace, rc.info.name)
    : storagePrefix(rc.def, rc.def.namespaced ? rc.info.namespace || undefined : undefined);

  const res = rc.res as ServerResponse;
  // No content-length: HTTP/1.1 responses are chunked by Node, HTTP/2 ones are framed by streams.
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  (res as { flushHeaders?: () => void }).flushHeaders?.();
  let first = true;
  const write = (type: string, obj: unknown) => {
    let o = obj;
    if (want.output === 'table' && type !== 'ERROR' && type !== 'BOOKMARK') {
      o = toTable(rc.def, [obj as KubeObject], { include, version: want.version, withColumns: first });
      first = false;
    }
    res.write(JSON.stringify({ type, object: o }) + '\n');
  };
  const writeError = (e: ApiError) => write('ERROR', e.toStatus());

  let watch: Watch | undefined;
  const timer = setTimeout(() => watch?.stop(), timeoutMs);
  const onClose = () => watch?.stop();
  rc.req.on('close', onClose);
  try {
    watch = rc.deps.store.watch(prefix, { resourceVersion: rv, initialEvents, bookmarks });
    if (initialEvents && sendInitial === 'true') {
      // sendInitialEvents=true ends the initial list with a bookmark annotated as upstream does.
    }
    for await (const ev of watch) {
      const out = filterEvent(ev, predicate);
      if (!out) continue;
      if (out.type === 'BOOKMARK') {
        if (bookmarks) write('BOOKMARK', { kind: rc.def.kind, apiVersion: apiVersionOf(rc.def), metadata: { resourceVersion: ev.object.metadata.resourceVersion, ...(ev.object.metadata.annotations ? { annotations: ev.object.metadata.annotations } : {}) } });
        continue;
      }
      write(out.type, toExternal(rc.def, out.object));
    }
  } catch (e) {
    if (e instanceof StorageError && e.code === 'Gone') writeError(errors.gone(e.message));
    else if (e instanceof ApiError) writeError(e);
    else writeError(errors.internal(e instanceof Error ? e.message : String(e)));
  } finally {
    clearTimeout(timer);
    rc.req.off('close', onClose);
    watch?.stop();
    res.end();
  }
}

/** Selector transitions: entering the selection is ADDED, leaving it is DELETED. */
export function filterEvent(ev: WatchEvent, predicate: ((o: KubeObject) => boolean) | undefined): { type: string; object: KubeObject } | undefined {
  if (ev.type === 'BOOKMARK' || ev.type === 'ERROR' || !predicate) return { type: ev.type, object: ev.object };
  const now = predicate(ev.object);
  if (ev.type === 'ADDED') return now ? ev : undefined;
  if (ev.type === 'DELETED') return ev.prevObject ? (predicate(ev.prevObject) || now ? ev : undefined) : now ? ev : undefined;
  const before = ev.prevObject ? predicate(ev.prevObject) : false;
  if (now && before) return ev;
  if (now && !before) return { type: 'ADDED', object: ev.object };
  if (!now && before) return { type: 'DELETED', object: ev.object };
  return undefined;
}
