/**
 * The decorator must keep every Store guarantee: run the shared conformance suite over the memory
 * backend with every key encrypted.
 */
import { randomBytes } from 'node:crypto';
import { runStoreConformance } from '../storage/conformance.js';
import { MemoryStore } from '../storage/memory/index.js';
import { EncryptingStore } from './encryption.js';

runStoreConformance(
  'EncryptingStore over MemoryStore, all keys encrypted',
  () => {
    const store = new EncryptingStore(new MemoryStore({ watchBufferSize: 100 }), randomBytes(32), { prefixes: ['/'] });
    return Promise.resolve({ store, cleanup: () => store.close() });
  },
  { watchBufferSize: 100 },
);
