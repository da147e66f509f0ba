/**
 * A CRD's schemas as /openapi/v3 components, as apiextensions-apiserver's builder publishes them:
 * named by reversed group ("com.example.stable.v1.CronTab"), metadata replaced by a $ref to
 * ObjectMeta, apiVersion/kind documented, and the kind and its List tagged with
 * x-kubernetes-group-version-kind so that `kubectl explain crontab.spec` finds them.
 */
import type { KubeObject } from '../../api/object.js';
import type { Definitions, Schema } from '../../api/schema/types.js';
import { namesOf } from './status.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (n: string): Schema => ({ $ref: `#/components/schemas/${n}` });

const apiVersionDoc =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const kindDoc =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const metadataDoc = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** "stable.example.com" → "com.example.stable". */
export function reverseGroup(group: string): string {
  return group.split('.').reverse().join('.');
}

/** The definition name of a custom kind, e.g. ("stable.example.com","v1","CronTab") → "com.example.stable.v1.CronTab". */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return `${reverseGroup(group)}.${version}.${kind}`;
}

/** The components every served version of the CRD contributes (kind and List). */
export function crdSchemaDefinitions(crd: KubeObject): Definitions {
  const spec = (crd.spec ?? {}) as { group?: string; versions?: { name?: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[] };
  const group = spec.group ?? '';
  const names = namesOf(crd);
  const out: Definitions = {};
  for (const v of spec.versions ?? []) {
    if (!v.name || v.served === false) continue;
    const kindName = crdDefinitionName(group, v.name, names.kind);
    const root: Schema = structuredClone(v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    root.type = 'object';
    root.properties = {
      apiVersion: { type: 'string', description: apiVersionDoc },
      kind: { type: 'string', description: kindDoc },
      ...(root.properties ?? {}),
      metadata: { ...ref(`${META}.ObjectMeta`), description: metadataDoc },
    };
    root['x-kubernetes-group-version-kind'] = [{ group, version: v.name, kind: names.kind }];
    out[kindName] = root;
    out[crdDefinitionName(group, v.name, names.listKind)] = {
      type: 'object',
      description: `${names.listKind} is a list of ${names.kind}`,
      required: ['items'],
      properties: {
        apiVersion: { type: 'string', description: apiVersionDoc },
        items: {
          type: 'array',
          description: `List of ${names.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
          items: ref(kindName),
        },
        kind: { type: 'string', description: kindDoc },
        metadata: { ...ref(`${META}.ListMeta`), description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
      },
      'x-kubernetes-group-version-kind': [{ group, version: v.name, kind: names.listKind }],
    };
  }
  return out;
}
