/**
 * The one script of the home and canary pages (policy pages ship none). It marks an
 * expired canary as expired, and on request loads the verifier (openpgp.js and the core
 * checks, a separate file) to check the canary in this browser. Nothing leaves this origin.
 * It also says what this browser remembers of the canary log, and forgets it when asked.
 */
import { runInto } from './dom.ts';
import { describeMemory, forget, recall } from './log-memory.ts';
import { markExpired } from './status.ts';

markExpired(document, Date.now());

const panel = document.querySelector<HTMLElement>('[data-verify-here]');
if (panel) setUpVerify(panel);

function setUpVerify(panel: HTMLElement): void {
  const button = panel.querySelector<HTMLButtonElement>('[data-verify-run]')!;
  const pins = panel.querySelector<HTMLTextAreaElement>('textarea')!;
  const result = panel.querySelector<HTMLElement>('[data-verify-result]')!;
  const base = new URL(panel.dataset['base'] ?? '/', location.href).toString();
  panel.querySelector<HTMLElement>('[data-needs-script]')!.hidden = false;
  const showMemory = setUpMemory(panel, base);
  button.addEventListener('click', () => {
    void runInto(button, result, 'Loading the verifier and fetching the canary…', 'The check could not run', async () => {
      const { verifyHere } = await import('./verify-here.ts');
      const fingerprints = pins.value.split(/[\s,]+/).filter(Boolean);
      // Single-layer canaries only: the reader accepts, by ticking it, that the CI key signs alone (candor verify --automated).
      const automated = panel.querySelector<HTMLInputElement>('[data-verify-automated]')?.checked ? fingerprints : [];
      return verifyHere(base, fingerprints, new Date(), automated);
    }).then(showMemory);
  });
}

/** The sentence saying what this browser remembers, and the button that forgets it; returns what refreshes them. */
function setUpMemory(panel: HTMLElement, base: string): () => void {
  const text = panel.querySelector<HTMLElement>('[data-log-memory-text]');
  const forgetButton = panel.querySelector<HTMLButtonElement>('[data-log-forget]');
  // A canary that names no log: nothing is remembered, nothing to say.
  if (!text || !forgetButton) return () => undefined;
  const show = (prefix = '') => {
    const recalled = recall(base);
    text.textContent = `${prefix}${describeMemory(recalled)}`;
    text.dataset['logMemory'] = recalled.status;
    forgetButton.hidden = recalled.status === 'none' || recalled.status === 'unavailable';
  };
  forgetButton.addEventListener('click', () => {
    const failed = forget(base);
    show(failed ? `It could not be forgotten (${failed}). ` : 'Forgotten. ');
    // The button is gone now: keep the reader where they were.
    text.focus();
  });
  show();
  return () => show();
}
