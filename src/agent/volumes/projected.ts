/**
 * projected volumes (pkg/volume/projected): configMap, secret, downwardAPI and serviceAccountToken
 * sources merged into one directory, with the volume's defaultMode for items without a mode.
 * A token source needs `POST serviceaccounts/<sa>/token`; when the API server cannot issue one the
 * other sources are still mounted and a note says the token is missing (kubelet would retry).
 */
import type { Pod, ProjectedVolumeSource } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { configMapPayload } from './configmap.js';
import { downwardApiPayload } from './downward-api.js';
import type { PodRuntimeInfo } from './downward.js';
import { secretPayload } from './secret.js';
import type { VolumeSources } from './sources.js';

/** A projected payload and what could not be projected. */
export interface ProjectedResult {
  payload: Payload;
  notes: string[];
}

/** Builds the merged payload of a projected volume. */
export async function projectedPayload(pod: Pod, src: ProjectedVolumeSource, info: PodRuntimeInfo, sources: VolumeSources): Promise<ProjectedResult> {
  const ns = pod.metadata?.namespace ?? 'default';
  const mode = src.defaultMode;
  const payload: Payload = new Map();
  const notes: string[] = [];
  const merge = (p: Payload) => {
    for (const [k, v] of p) payload.set(k, v);
  };
  for (const s of src.sources ?? []) {
    if (s.configMap) {
      const name = s.configMap.name ?? '';
      merge(configMapPayload(name, await sources.configMap(ns, name), s.configMap, mode));
    } else if (s.secret) {
      const name = s.secret.name ?? '';
      merge(secretPayload(name, await sources.secret(ns, name), s.secret, mode));
    } else if (s.downwardAPI) {
      merge(downwardApiPayload(pod, s.downwardAPI.items, mode, info));
    } else if (s.serviceAccountToken) {
      const sa = pod.spec?.serviceAccountName ?? 'default';
      const t = s.serviceAccountToken;
      try {
        const token = await sources.serviceAccountToken(ns, sa, pod.metadata?.name ?? '', pod.metadata?.uid ?? '', { audience: t.audience, expirationSeconds: t.expirationSeconds ?? 3600 });
        payload.set(t.path, { data: Buffer.from(token, 'utf8'), mode: mode ?? 0o644 });
      } catch (e) {
        notes.push(`service account token for "${sa}" not projected to ${t.path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return { payload, notes };
}
