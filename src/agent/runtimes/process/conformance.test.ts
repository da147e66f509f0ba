import { runRuntimeConformance } from '../conformance.js';
import { isRoot, makeTestProcessRuntime } from './testing.js';

runRuntimeConformance(`process${isRoot ? '' : ' (unprivileged: plain child processes)'}`, () => {
  const t = makeTestProcessRuntime();
  return { runtime: t.runtime, podIP: t.ip, cleanup: t.cleanup };
});
