import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRuntimeConformance } from '../conformance.js';
import { SimulatedRuntime } from './index.js';

runRuntimeConformance('simulated', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'kubeling-sim-conf-'));
  return {
    runtime: new SimulatedRuntime({ logDir }),
    cleanup: () => {
      rmSync(logDir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});
