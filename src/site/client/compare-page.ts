/**
 * The script of a long policy's compare page: two version pickers and a button. The diff
 * code (the core's comparePolicyVersions, a separate file) loads only when asked. The
 * pair is kept in the address (#from=1.0&to=2.3) so that a comparison can be shared.
 */
const panel = document.querySelector<HTMLElement>('[data-compare-any]');
if (panel) setUp(panel);

function setUp(panel: HTMLElement): void {
  const [from, to] = [...panel.querySelectorAll<HTMLSelectElement>('select')] as [HTMLSelectElement, HTMLSelectElement];
  const button = panel.querySelector<HTMLButtonElement>('button')!;
  const result = panel.querySelector<HTMLElement>('[data-compare-result]')!;
  panel.querySelector<HTMLElement>('[data-needs-script]')!.hidden = false;
  const run = async () => {
    button.disabled = true;
    result.replaceChildren(text('p', `Comparing ${from.value} with ${to.value}…`));
    try {
      const { compareHere } = await import('./compare-here.ts');
      result.replaceChildren(...(await compareHere(panel.dataset['policy']!, from.value, to.value)));
      history.replaceState(null, '', `#from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`);
    } catch (error) {
      const p = text('p', `The comparison could not run: ${error instanceof Error ? error.message : String(error)}`);
      p.className = 'status bad';
      result.replaceChildren(p);
    } finally {
      button.disabled = false;
    }
  };
  button.addEventListener('click', () => void run());
  const asked = new URLSearchParams(location.hash.slice(1));
  const options = (s: HTMLSelectElement) => [...s.options].map((o) => o.value);
  if (options(from).includes(asked.get('from') ?? '') && options(to).includes(asked.get('to') ?? '')) {
    from.value = asked.get('from')!;
    to.value = asked.get('to')!;
    void run();
  }
}

function text(tag: string, content: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = content;
  return el;
}
