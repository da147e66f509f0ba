/**
 * `npm run bench -- <name>`: runs one benchmark (or all). Benchmarks never run in `npm test`;
 * each prints absolute numbers and a ratio against a baseline measured in the same run.
 */
import { runApiBench } from './api.js';
import { runSchedulerBench } from './scheduler.js';
import { runControllersBench } from './controllers.js';
import { runAgentBench } from './agent.js';

const benches: Record<string, () => Promise<void>> = { api: runApiBench, scheduler: runSchedulerBench, controllers: runControllersBench, agent: runAgentBench };

const names = process.argv.slice(2);
const selected = names.length ? names : Object.keys(benches);
for (const n of selected) {
  const b = benches[n];
  if (!b) {
    process.stderr.write(`unknown benchmark "${n}"; known: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`== ${n}\n`);
  await b();
}
process.exit(0);
