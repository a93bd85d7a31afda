/** The few DOM helpers the page scripts share. Text always goes in as text, never as markup. */

export function element(tag: string, text?: string): HTMLElement {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Runs a button's action: the button is disabled meanwhile, `result` shows `pending`,
 * then what the action returns, or a red paragraph (data-verdict="error") saying why it failed.
 */
export async function runInto(
  button: HTMLButtonElement,
  result: HTMLElement,
  pending: string,
  failure: string,
  action: () => Promise<HTMLElement[]>,
): Promise<void> {
  button.disabled = true;
  result.replaceChildren(element('p', pending));
  try {
    result.replaceChildren(...(await action()));
  } catch (error) {
    const p = element('p', `${failure}: ${error instanceof Error ? error.message : String(error)}`);
    p.className = 'status bad';
    p.dataset['verdict'] = 'error';
    result.replaceChildren(p);
  } finally {
    button.disabled = false;
  }
}
