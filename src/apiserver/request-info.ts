/**
 * Splits a request path into the pieces kube-apiserver's RequestInfoFactory derives: API prefix,
 * group, version, namespace, resource, name, subresource and the verb.
 */

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string; // get list watch create update patch delete deletecollection, or the HTTP method lowercased
  apiPrefix?: 'api' | 'apis';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** path segments after the resource/name, e.g. proxy paths */
  rest: string[];
}

const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path: pathname,
    verb: method.toLowerCase(),
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    rest: [],
  };
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts[0] === 'api') {
    info.apiPrefix = 'api';
    if (parts.length < 2) return info;
    info.version = parts[1]!;
    parts.splice(0, 2);
  } else if (parts[0] === 'apis') {
    info.apiPrefix = 'apis';
    if (parts.length < 3) {
      if (parts[1]) info.group = parts[1];
      return info;
    }
    info.group = parts[1]!;
    info.version = parts[2]!;
    parts.splice(0, 3);
  } else {
    return info;
  }
  if (parts.length === 0) return info;
  info.isResourceRequest = true;
  let watchPrefix = false;
  if ((parts[0] as string) === 'watch') {
    watchPrefix = true;
    parts.shift();
  }
  let cur = parts;
  if (cur[0] === 'namespaces' && cur.length > 1) {
    info.namespace = cur[1]!;
    if (cur.length > 2 && !namespaceSubresources.has(cur[2]!)) cur = cur.slice(2);
  }
  info.resource = cur[0] ?? '';
  info.name = cur[1] ?? '';
  info.subresource = cur[2] ?? '';
  info.rest = cur.slice(3);
  if (info.resource === 'namespaces' && cur === parts) info.namespace = '';

  const m = method.toUpperCase();
  const watchParam = query.get('watch');
  const isWatch = watchPrefix || watchParam === 'true' || watchParam === '1';
  if (m === 'GET' || m === 'HEAD') info.verb = info.name ? (isWatch ? 'watch' : 'get') : isWatch ? 'watch' : 'list';
  else if (m === 'POST') info.verb = 'create';
  else if (m === 'PUT') info.verb = 'update';
  else if (m === 'PATCH') info.verb = 'patch';
  else if (m === 'DELETE') info.verb = info.name ? 'delete' : 'deletecollection';
  return info;
}
