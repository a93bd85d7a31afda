/**
 * Where the local GitHub keeps its runners' machines, repositories and Pages: a memory file
 * system when the machine has one. Each simulated job checks out ~1,000 files and Node reads
 * hundreds of modules; on this machine's virtual disk the checkout alone cost 0.5-1.1 s of
 * system time, on /dev/shm 0.03 s (docs/workflows.md, "The budget"). Only where the files
 * live changes: every job still gets a fresh checkout.
 */
import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';

function memoryFs(): string | undefined {
  try {
    if (!statSync('/dev/shm').isDirectory()) return undefined;
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return undefined;
  }
}

const dir = memoryFs() ?? os.tmpdir();

/** The folder for the local GitHub's throwaway files. */
export function scratch(): string {
  return dir;
}
