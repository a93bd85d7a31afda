/**
 * The one script of the home and canary pages (policy pages ship none). It marks an
 * expired canary as expired, and on request loads the verifier (openpgp.js and the core
 * checks, a separate file) to check the canary in this browser. Nothing leaves this origin.
 */
import { markExpired } from './status.ts';

markExpired(document, Date.now());

const panel = document.querySelector<HTMLElement>('[data-verify-here]');
if (panel) setUpVerify(panel);

function setUpVerify(panel: HTMLElement): void {
  const button = panel.querySelector<HTMLButtonElement>('button')!;
  const pins = panel.querySelector<HTMLTextAreaElement>('textarea')!;
  const result = panel.querySelector<HTMLElement>('[data-verify-result]')!;
  panel.querySelector<HTMLElement>('[data-needs-script]')!.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.replaceChildren(paragraph('Loading the verifier and fetching the canary…'));
    try {
      const { verifyHere } = await import('./verify-here.ts');
      const fingerprints = pins.value.split(/[\s,]+/).map((s) => s.replace(/\s/g, '')).filter(Boolean);
      result.replaceChildren(...(await verifyHere(new URL('/', location.href).toString(), fingerprints, new Date())));
    } catch (error) {
      const p = paragraph(`The check could not run: ${error instanceof Error ? error.message : String(error)}`);
      p.className = 'status bad';
      p.dataset['verdict'] = 'error';
      result.replaceChildren(p);
    } finally {
      button.disabled = false;
    }
  });
}

function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}
