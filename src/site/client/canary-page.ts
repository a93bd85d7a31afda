/**
 * The one script of the home and canary pages (policy pages ship none). It marks an
 * expired canary as expired, and on request loads the verifier (openpgp.js and the core
 * checks, a separate file) to check the canary in this browser. Nothing leaves this origin.
 */
import { runInto } from './dom.ts';
import { markExpired } from './status.ts';

markExpired(document, Date.now());

const panel = document.querySelector<HTMLElement>('[data-verify-here]');
if (panel) setUpVerify(panel);

function setUpVerify(panel: HTMLElement): void {
  const button = panel.querySelector<HTMLButtonElement>('button')!;
  const pins = panel.querySelector<HTMLTextAreaElement>('textarea')!;
  const result = panel.querySelector<HTMLElement>('[data-verify-result]')!;
  panel.querySelector<HTMLElement>('[data-needs-script]')!.hidden = false;
  button.addEventListener(
    'click',
    () =>
      void runInto(button, result, 'Loading the verifier and fetching the canary…', 'The check could not run', async () => {
        const { verifyHere } = await import('./verify-here.ts');
        const fingerprints = pins.value.split(/[\s,]+/).filter(Boolean);
        // Single-layer canaries only: the reader accepts, by ticking it, that the CI key signs alone (candor verify --automated).
        const automated = panel.querySelector<HTMLInputElement>('[data-verify-automated]')?.checked ? fingerprints : [];
        return verifyHere(new URL(panel.dataset['base'] ?? '/', location.href).toString(), fingerprints, new Date(), automated);
      }),
  );
}
