import { writeFileSync } from 'node:fs';
import { printSortedSchema } from '../src/graphql/schema.js';

/** Writes schema.graphql at the repository root from the Pothos schema, types sorted by name. */
const target = new URL('../schema.graphql', import.meta.url);
writeFileSync(target, printSortedSchema());
console.log(`Wrote ${target.pathname}`);
