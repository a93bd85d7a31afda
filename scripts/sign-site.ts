// node scripts/sign-site.ts [SITE]: signs a built site (default dist/site, or
// $CANDOR_SITE_OUT): security.txt gets a cleartext signature, manifest.json is
// recomputed and gets a detached signature (manifest.json.asc). The automation key
// comes from CANDOR_SIGNING_KEY and CANDOR_PASSPHRASE, or --key FILE --passphrase-file FILE.
// The publish workflow runs this as its own step, so that the key is never in the
// environment of the build (Astro, Vite and their plugins).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isCandorError } from '../src/core/errors.ts';
import { exitCodeFor } from '../src/cli/exit-codes.ts';
import { readSigningKey } from '../src/io/keyring.ts';
import { finishBuiltSite } from './build-site.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { key: { type: 'string' }, 'passphrase-file': { type: 'string' }, root: { type: 'string' } },
});
const out = path.resolve(positionals[0] ?? process.env['CANDOR_SITE_OUT'] ?? 'dist/site');
try {
  const key = await readSigningKey(
    { ...(values.key ? { keyFile: values.key } : {}), ...(values['passphrase-file'] ? { passphraseFile: values['passphrase-file'] } : {}) },
    process.env,
  );
  const result = await finishBuiltSite(out, values.root ? { key, root: values.root } : { key });
  console.log(
    `Signed ${path.relative(process.cwd(), out) || '.'}: manifest.json lists ${result.files} files${result.securityTxt ? ', security.txt signed' : ''} (key ${result.signer})`,
  );
} catch (error) {
  if (!isCandorError(error)) throw error;
  console.error(`sign-site: error ${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
  process.exitCode = exitCodeFor(error);
}
