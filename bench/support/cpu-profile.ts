import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 `.cpuprofile` this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  samples: number[];
}

/** Share of samples spent in one place, in percent of all samples. */
export interface ProfileEntry {
  name: string;
  selfPercent: number;
}

/** Returns where a script URL belongs: an npm package, a jobtoken source file, or Node. */
function ownerOf(url: string): string {
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch?.[1]) return packageMatch[1];
  const sourceMatch = /\/(src\/.+)$/.exec(url);
  if (sourceMatch?.[1]) return sourceMatch[1];
  if (url.startsWith('node:')) return 'node (built-in modules)';
  return url === '' ? '(native, GC, idle)' : url;
}

function top(counts: Map<string, number>, total: number, limit: number): ProfileEntry[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => ({ name, selfPercent: Math.round((count / total) * 1000) / 10 }));
}

/**
 * Summarises the one `.cpuprofile` in `dir` by self time: the top functions, and the top
 * owners (package or source file). Idle samples are left out of the total.
 */
export function summarizeCpuProfile(dir: string, limit = 15) {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`No .cpuprofile was written to ${dir}.`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const id of profile.samples) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    total += 1;
    const owner = ownerOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} (${owner}:${frame.lineNumber + 1})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
  }
  return { functions: top(byFunction, total, limit), owners: top(byOwner, total, limit) };
}
