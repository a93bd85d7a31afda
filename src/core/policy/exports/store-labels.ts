/**
 * What the app-store privacy forms ask, answered from the policy facts in force
 * (`candor policy labels`; docs/content.md#app-store-labels). A data item is placed by
 * its DPV `category`; what the facts cannot place or cannot say is listed as a question
 * for the operator, never guessed.
 */
import type { Facts } from '../facts.ts';
import type { PolicyVersion } from '../model.ts';
import { APPLE, GOOGLE, type StoreForm } from './store-labels-data.ts';

export interface LabelType {
  category: string;
  type: string;
  /** The policy's own words for the data, with the policy and version that say it. */
  items: string[];
  purposes: string[];
}

export interface StoreLabels {
  store: StoreForm['store'];
  title: string;
  types: LabelType[];
  /** Statements the facts make that the form asks about. */
  statements: string[];
  /** What the operator still has to answer, in words. */
  open: string[];
}

type Item = NonNullable<Facts['dataCollected']>[number];

function statements(inForce: PolicyVersion[]): string[] {
  const out: string[] = [];
  const facts = inForce.map((v) => v.facts ?? {});
  if (facts.some((f) => f.disclosure?.sold === false) && !facts.some((f) => f.disclosure?.sold === true)) out.push('No data is sold.');
  if (facts.some((f) => f.trackers !== undefined) && facts.every((f) => (f.trackers ?? []).length === 0))
    out.push('No tracker: nothing is used to track users.');
  const parties = facts.flatMap((f) => f.thirdParties ?? []);
  if (facts.some((f) => f.thirdParties !== undefined) && parties.length === 0) out.push('No data is shared with third parties.');
  for (const t of parties) out.push(`Shared with ${t.name}${t.operator ? ` (${t.operator})` : ''}: ${t.receives.join(', ')}.`);
  return out;
}

export function storeLabels(inForce: PolicyVersion[], form: StoreForm): StoreLabels {
  const types = new Map<string, LabelType>();
  const open: string[] = [];
  for (const v of inForce) {
    const where = `${v.policy} ${v.version}`;
    for (const d of v.facts?.dataCollected ?? ([] as Item[])) {
      const t = d.category ? form.types.find((x) => x.pd.includes(d.category!)) : undefined;
      if (!t) {
        open.push(
          d.category
            ? `${where}: "${d.what}" has category ${d.category}, which no ${form.title} type lists: choose one (or "${form.types.at(-1)!.type}").`
            : `${where}: "${d.what}" has no category: give it one (a DPV pd: concept such as EmailAddress) to place it.`,
        );
        continue;
      }
      const key = `${t.category}\u0000${t.type}`;
      const entry = types.get(key) ?? { category: t.category, type: t.type, items: [], purposes: [] };
      entry.items.push(`${d.what} (${where})`);
      if (d.why && !entry.purposes.includes(d.why)) entry.purposes.push(d.why);
      types.set(key, entry);
    }
  }
  const order = (t: LabelType) => form.types.findIndex((x) => x.type === t.type && x.category === t.category);
  return {
    store: form.store,
    title: form.title,
    types: [...types.values()].sort((a, b) => order(a) - order(b)),
    statements: statements(inForce),
    open: [...open, ...form.questions.map((q) => `For each type: ${q}`), `Map each purpose to the form's: ${form.purposes.join('; ')}.`],
  };
}

export const STORE_FORMS = { apple: APPLE, google: GOOGLE } as const;

export function renderLabels(labels: StoreLabels): string {
  const lines = [`${labels.title}`, ''];
  if (labels.types.length === 0) lines.push('  No data type placed from the facts.');
  for (const t of labels.types) {
    lines.push(`  ${t.category} › ${t.type}`);
    for (const i of t.items) lines.push(`    - ${i}`);
    if (t.purposes.length) lines.push(`    purposes in the policy: ${t.purposes.join('; ')}`);
  }
  if (labels.statements.length) lines.push('', '  The facts also say:', ...labels.statements.map((s) => `    - ${s}`));
  lines.push('', '  Left for you to answer:', ...labels.open.map((s) => `    - ${s}`));
  return lines.join('\n');
}
