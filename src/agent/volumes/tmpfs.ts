/**
 * tmpfs mounts for memory-backed volumes (emptyDir medium Memory, secrets, projected), as kubelet
 * mounts them when it can (root); otherwise the directory stays on disk.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Mount points currently mounted (from /proc/self/mountinfo). */
export function mountPoints(): Set<string> {
  const out = new Set<string>();
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const f = line.split(' ');
      // field 5 is the mount point, octal-escaped
      if (f[4]) out.add(f[4].replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
    }
  } catch {
    // no /proc: nothing is known to be mounted
  }
  return out;
}

/** Whether this process may mount (root on Linux). */
export function canMount(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0;
}

/** Mounts a tmpfs at `dir` unless something is mounted there already; `sizeBytes` limits it. */
export function mountTmpfs(dir: string, sizeBytes?: number): void {
  if (mountPoints().has(dir)) return;
  const opts = ['mode=0755', ...(sizeBytes && sizeBytes > 0 ? [`size=${Math.ceil(sizeBytes)}`] : [])].join(',');
  execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { stdio: 'pipe' });
}

/** Unmounts every mount at or below `dir` (deepest first). */
export function unmountUnder(dir: string): void {
  const under = [...mountPoints()].filter((m) => m === dir || m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
  for (const m of under) {
    try {
      execFileSync('umount', [m], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', m], { stdio: 'pipe' });
    }
  }
}
