import { MemoryJobStore } from '../../src/store/memory/memory-store.js';
import { withTestClock } from '../support/test-clock.js';
import { describeJobStoreContract } from './job-store-contract.js';

describeJobStoreContract(
  'memory',
  withTestClock((options) => new MemoryJobStore(options)),
);
