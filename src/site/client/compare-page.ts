/**
 * The script of a long policy's compare page: two version pickers and a button. The diff
 * code (the core's comparePolicyVersions, a separate file) loads only when asked. The
 * pair is kept in the address (#from=1.0&to=2.3) so that a comparison can be shared.
 */
import { runInto } from './dom.ts';

const panel = document.querySelector<HTMLElement>('[data-compare-any]');
if (panel) setUp(panel);

function setUp(panel: HTMLElement): void {
  const [from, to] = [...panel.querySelectorAll<HTMLSelectElement>('select')] as [HTMLSelectElement, HTMLSelectElement];
  const button = panel.querySelector<HTMLButtonElement>('button')!;
  const result = panel.querySelector<HTMLElement>('[data-compare-result]')!;
  panel.querySelector<HTMLElement>('[data-needs-script]')!.hidden = false;
  const run = () =>
    runInto(button, result, `Comparing ${from.value} with ${to.value}…`, 'The comparison could not run', async () => {
      const { compareHere } = await import('./compare-here.ts');
      const shown = await compareHere(panel.dataset['policy']!, from.value, to.value, panel.dataset['base'] ?? '/');
      history.replaceState(null, '', `#from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`);
      return shown;
    });
  button.addEventListener('click', () => void run());
  const asked = new URLSearchParams(location.hash.slice(1));
  const options = (s: HTMLSelectElement) => [...s.options].map((o) => o.value);
  if (options(from).includes(asked.get('from') ?? '') && options(to).includes(asked.get('to') ?? '')) {
    from.value = asked.get('from')!;
    to.value = asked.get('to')!;
    void run();
  }
}
