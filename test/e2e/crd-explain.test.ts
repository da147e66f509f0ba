/**
 * CustomResourceDefinitions are served as soon as they exist (schema validation, defaulting,
 * printer columns), and `kubectl explain` reads our OpenAPI documents.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Spec
      type: string
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec:
                type: string
                description: the schedule
              image:
                type: string
              replicas:
                type: integer
                minimum: 1
                default: 1
            required: [cronSpec]
`;

describe('CRDs and explain', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('explains deployment.spec.strategy from the OpenAPI v3 documents', async () => {
    const out = await c.k(['explain', 'deployment.spec.strategy']);
    assert.match(out, /GROUP:\s+apps/);
    assert.match(out, /KIND:\s+Deployment/);
    assert.match(out, /FIELD: strategy <DeploymentStrategy>/);
    assert.match(out, /rollingUpdate\s+<RollingUpdateDeployment>/);
    assert.match(out, /type\s+<string>/);
  });

  it('serves a custom resource with its printer columns, defaults and validation', async () => {
    assert.equal((await c.k(['apply', '-f', '-'], { input: crd })).trim(), 'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created');
    await waitFor(async () => (await c.kubectl(['get', 'crontabs'])).code === 0, 10_000, 'crontabs to be served');
    const cr = 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: nightly\nspec:\n  cronSpec: "0 3 * * *"\n  image: backup\n';
    assert.equal((await c.k(['apply', '-f', '-'], { input: cr })).trim(), 'crontab.stable.example.com/nightly created');
    const table = await c.k(['get', 'ct']);
    assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE$/m);
    assert.match(table, /^nightly\s+0 3 \* \* \*\s+1\s+\d+s$/m);
    const bad = await c.kubectl(['apply', '-f', '-'], { input: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: broken\nspec:\n  image: x\n  replicas: 0\n' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /spec\.cronSpec: Required value/);
    assert.match(bad.stderr, /spec\.replicas: Invalid value: 0: spec\.replicas in body should be greater than or equal to 1/);
    const crdTable = await c.k(['get', 'crd']);
    assert.match(crdTable, /^NAME\s+CREATED AT$/m);
    assert.match(crdTable, /^crontabs\.stable\.example\.com\s+\d{4}-/m);
  });
});
