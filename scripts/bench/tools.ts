/** The external OpenPGP tools the bench compares against, each with its own sandbox. */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from './measure.ts';

export function hasTool(name: string): boolean {
  return (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(path.join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

export interface GpgHome {
  /** HOME and GNUPGHOME inside the sandbox: gpg never touches the user's keyring. */
  env: Record<string, string>;
  remove(): void;
}

/** A fresh gpg homedir in a temp folder, with the bench's public keys imported. */
export function gpgHome(certs: string): GpgHome {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-bench-gpg-'));
  const home = path.join(dir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  const env = { HOME: dir, GNUPGHOME: home };
  runProcess('gpg', ['--batch', '--quiet', '--import', certs], { env });
  return {
    env,
    remove: () => {
      // The import may have started a gpg-agent for this homedir; ask it to leave.
      if (hasTool('gpgconf')) runProcess('gpgconf', ['--kill', 'all'], { env, expect: 'any' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface GpgCheck {
  /** Signatures gpg reports as good and valid (VALIDSIG status lines). */
  valid: number;
  status: number;
}

/** `gpg --verify FILE`, reading gpg's status lines rather than trusting the exit code alone. */
export function gpgVerify(file: string, home: GpgHome): GpgCheck {
  const result = runProcess('gpg', ['--batch', '--status-fd', '1', '--verify', file], { env: home.env, expect: 'any' });
  const valid = result.stdout.split('\n').filter((l) => l.startsWith('[GNUPG:] VALIDSIG ')).length;
  return { valid, status: result.status };
}
