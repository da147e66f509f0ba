/**
 * Small host helpers for the process runtime: running a host tool without a shell and
 * finding programs on PATH. Every call passes argv as separate arguments (never a shell string),
 * so pod-supplied values can never be interpreted by a shell.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The result of a finished host command. */
export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs `file argv…`, optionally feeding `input` on stdin; rejects with stderr in the message on failure. */
export function run(file: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve({ stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The absolute path of `name` on `path` (a PATH-style list), or undefined. Names with a slash are checked as given. */
export function which(name: string, path: string = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'): string | undefined {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return executable(name) ? name : undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (executable(p)) return p;
  }
  return undefined;
}

/** Like `which`, but throws a clear error naming the Debian package to install. */
export function requireTool(name: string, pkg: string): string {
  const p = which(name, `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin:/sbin:/bin`);
  if (!p) throw new Error(`the process runtime needs ${name} (Debian package ${pkg})`);
  return p;
}

/** True when `e` is a Node errno error with one of the codes. */
export function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && codes.includes(String(e.code));
}
