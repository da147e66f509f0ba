/**
 * hostPath volumes (pkg/volume/hostpath): the host path itself, after kubelet's type checks —
 * DirectoryOrCreate/FileOrCreate create what is missing (0755 dir / 0644 empty file), the other
 * types require the path to exist with that kind; "" checks nothing.
 */
import { closeSync, lstatSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { HostPathVolumeSource } from 'kubernetes-types/core/v1.js';

function statOf(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    try {
      return lstatSync(p);
    } catch {
      return undefined;
    }
  }
}

/** Checks (and for the *OrCreate types creates) a hostPath; throws kubelet's message. Returns the path. */
export function setUpHostPath(src: HostPathVolumeSource): string {
  const p = src.path;
  const type = src.type ?? '';
  let st = statOf(p);
  switch (type) {
    case '':
      return p;
    case 'DirectoryOrCreate':
      if (!st) {
        mkdirSync(p, { recursive: true, mode: 0o755 });
        st = statOf(p);
      }
      if (!st?.isDirectory()) throw new Error(`hostPath type check failed: ${p} is not a directory`);
      return p;
    case 'Directory':
      if (!st?.isDirectory()) throw new Error(`hostPath type check failed: ${p} is not a directory`);
      return p;
    case 'FileOrCreate':
      if (!st) {
        mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
        closeSync(openSync(p, 'a', 0o644));
        st = statOf(p);
      }
      if (!st?.isFile()) throw new Error(`hostPath type check failed: ${p} is not a file`);
      return p;
    case 'File':
      if (!st?.isFile()) throw new Error(`hostPath type check failed: ${p} is not a file`);
      return p;
    case 'Socket':
      if (!st?.isSocket()) throw new Error(`hostPath type check failed: ${p} is not a socket file`);
      return p;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw new Error(`hostPath type check failed: ${p} is not a character device`);
      return p;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw new Error(`hostPath type check failed: ${p} is not a block device`);
      return p;
    default:
      throw new Error(`invalid HostPathType ${type}`);
  }
}
