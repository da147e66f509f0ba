/**
 * Pure builders for the OpenAPI endpoints; the API server routes /openapi/v2 and /openapi/v3*
 * to these and caches the results (see README.md).
 */
export { openapiV3Document } from './v3.js';

/**
 * /openapi/v3: the discovery document listing one entry per group/version, each pointing at its
 * document with a content hash, as kube-apiserver's OpenAPI v3 discovery does. kubectl appends
 * `&timeout=32s` to serverRelativeURL, so it must already carry a query (`?hash=`).
 */
export function openapiV3Root(groupVersions: string[], hashOf: (gv: string) => string): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of [...groupVersions].sort()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hashOf(gv)}` };
  return { paths };
}

/**
 * /openapi/v2. kubectl 1.27/1.28 require it (apply, create -f, explain) and request it as
 * protobuf. A 200 with an empty body and Content-Type application/octet-stream decodes as an
 * empty, valid OpenAPI v2 document; a JSON body fails protobuf parsing ("cannot parse invalid
 * wire-format data"), and echoing the protobuf media type with its `@v1.0+protobuf` suffix trips
 * Go's MIME parser. Newer kubectl use /openapi/v3 instead (kubectl-wire.md §5).
 */
export const OPENAPI_V2_EMPTY = { contentType: 'application/octet-stream', body: Buffer.alloc(0) };
