import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

// Summarises a V8 `.cpuprofile` (from `npm run bench -- --cpu-prof`): self time per function and
// per file, heaviest first; `--inclusive` adds total time (self + callees) per function.
// `--callers NAME` lists the call paths (8 frames up) that spend self time in function NAME.
// `--skip MS` drops the first MS of samples (start-up), so only the load is summarised.
// Usage: node --import tsx bench/profile.ts FILE [--top N] [--inclusive] [--callers NAME] [--skip MS]

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: Node[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  options: {
    top: { type: 'string', default: '30' },
    inclusive: { type: 'boolean', default: false },
    callers: { type: 'string' },
    skip: { type: 'string', default: '0' },
  },
  allowPositionals: true,
});
if (positionals.length === 0) {
  console.error('usage: node --import tsx bench/profile.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}

const cwd = process.cwd();
const where = (url: string) => {
  if (!url) return '';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return path.startsWith('/') ? relative(cwd, path) : path;
};

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from the sample timeline (more exact than hitCount × interval).
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const skipUs = Number(values.skip) * 1000;
  let elapsed = 0;
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    elapsed += deltas[i] ?? 0;
    if (elapsed < skipUs) continue;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (node: Node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const loc = where(url);
    return `${functionName || '(anonymous)'} ${loc ? `${loc}:${lineNumber + 1}` : ''}`.trim();
  };
  let total = 0;
  let idle = 0;
  const inclusive = new Map<string, number>();
  const callerPaths = new Map<string, number>();
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    if (node.callFrame.functionName === '(idle)') idle += us;
    const loc = where(node.callFrame.url);
    const key = keyOf(node);
    if (values.inclusive) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const k = keyOf(byId.get(at) as Node);
        if (seen.has(k)) continue;
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      }
    }
    const functionName = node.callFrame.functionName;
    if (values.callers && functionName === values.callers) {
      const frames: string[] = [];
      for (let at = parent.get(id); at !== undefined && frames.length < 8; at = parent.get(at)) {
        frames.push((byId.get(at) as Node).callFrame.functionName || '(anonymous)');
      }
      const path = frames.join(' < ');
      callerPaths.set(path, (callerPaths.get(path) ?? 0) + us);
    }
    fns.set(key, (fns.get(key) ?? 0) + us);
    const group = loc ? groupOf(loc) : functionName;
    files.set(group, (files.get(group) ?? 0) + us);
  }
  const top = Number(values.top);
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled, ${((100 * idle) / total).toFixed(1)} % idle`);
  console.log('\nself time by function:');
  for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
  if (values.inclusive) {
    console.log('\ntotal time (self + callees) by function:');
    for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
  }
  if (values.callers) {
    console.log(`\ncall paths into ${values.callers}:`);
    for (const [k, us] of [...callerPaths].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
  }
  console.log('\nself time by file / package:');
  for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
  console.log('');
}

/** node_modules/<pkg> and node:internal/<area> collapse to one line; project files stay whole. */
function groupOf(loc: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(loc);
  if (nm) return `npm:${nm[1]}`;
  const internal = /^node:internal\/([^/]+(?:\/[^/.]+)?)/.exec(loc);
  if (internal) return `node:internal/${internal[1]}`;
  return loc;
}
