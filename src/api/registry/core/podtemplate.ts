/**
 * PodTemplate (pkg/registry/core/podtemplate): a stored pod template, defaulted and validated as
 * any template; printed as NAME CONTAINERS IMAGES POD LABELS.
 */
import type { ResourceDef } from '../../resource.js';
import { formatLabels } from '../printers.js';
import { defaultPodTemplateSpec } from '../../defaults/pod.js';
import { validatePodTemplateSpec } from '../../validation/pod.js';
import { col, containerCells, nameColumn, view } from './helpers.js';

export const podTemplateResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  resource: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  strategy: {
    default(obj) {
      if (obj.template === undefined || obj.template === null) obj.template = {};
      defaultPodTemplateSpec(obj.template as Record<string, unknown>);
    },
    validate: (obj) => validatePodTemplateSpec(obj.template, 'template'),
    columns: [
      nameColumn,
      col('Containers', 'string', 'Names of each container in the template.'),
      col('Images', 'string', 'Images referenced by each container in the template.'),
      col('Pod Labels', 'string', 'The labels for the pod template.'),
    ],
    row(obj) {
      const tmpl = view(obj.template);
      const [names, images] = containerCells(tmpl.spec);
      return [obj.metadata.name ?? '', names, images, formatLabels(view(tmpl.metadata).labels as Record<string, string> | undefined)];
    },
  },
};
