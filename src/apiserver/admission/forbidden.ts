/**
 * admission.NewForbidden: a plugin's rejection as apierrors.NewForbidden prints it —
 * `<resource>[.<group>] "<name>" is forbidden: <reason>` (no quoted name when it is empty).
 */
import { errors, qualifiedResource, type ApiError } from '../../api/errors.js';
import type { AdmissionAttributes } from './types.js';

/** The 403 a plugin returns for `a`, with `message` as the reason. */
export function admissionForbidden(a: Pick<AdmissionAttributes, 'def' | 'name'>, message: string): ApiError {
  const gr = { group: a.def.group, resource: a.def.resource };
  const what = qualifiedResource(gr);
  return errors.forbidden(a.name ? `${what} "${a.name}" is forbidden: ${message}` : `${what} is forbidden: ${message}`, gr, a.name);
}
