import { MemoryJobStore } from '../../src/store/memory/memory-store.js';
import { describeJobStoreContract } from './job-store-contract.js';

describeJobStoreContract('memory', (options) => new MemoryJobStore(options));
