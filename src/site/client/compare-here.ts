/**
 * Any two versions of a policy compared in the browser: the same comparePolicyVersions
 * as the pre-rendered compare pages, over the published /policies/<id>/<version>.json.
 * The diff HTML comes from the core renderer, which escapes every piece of policy text.
 */
import { compareVersions, type PolicyVersion } from '../../core/policy/model.ts';
import { comparePolicyVersions, versionPath } from '../../core/policy/site.ts';
import { element } from './dom.ts';
import { underBase } from '../../core/site/base-path.ts';

async function version(policy: string, number: string, base: string): Promise<PolicyVersion> {
  const url = `${base.replace(/\/$/, '')}/policies/${encodeURIComponent(policy)}/${encodeURIComponent(number)}.json`;
  const response = await fetch(url, { credentials: 'omit' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { ...((await response.json()) as Omit<PolicyVersion, 'source'>), source: '' };
}

function link(href: string, text: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

export async function compareHere(policy: string, a: string, b: string, base = '/'): Promise<HTMLElement[]> {
  if (a === b) return [element('p', 'Choose two different versions.')];
  // Older first, whichever order they were picked in: as on the compare pages.
  const [older, newer] = compareVersions(a, b) < 0 ? [a, b] : [b, a];
  const [from, to] = await Promise.all([version(policy, older, base), version(policy, newer, base)]);
  const c = comparePolicyVersions(from, to);
  const heading = element('h3', `Version ${from.version} compared with version ${to.version}`);
  const links = element('p');
  links.append(
    link(underBase(base, versionPath(policy, from.version)), `Version ${from.version}`),
    ` (effective ${from.effective}) · `,
    link(underBase(base, versionPath(policy, to.version)), `version ${to.version}`),
    ` (effective ${to.effective})`,
  );
  const facts = element('h4', 'Facts that changed');
  const factList = c.facts.length === 0 ? element('p', 'No change to the stated facts.') : element('ul');
  factList.className = 'fact-changes';
  for (const f of c.facts) factList.append(element('li', f.text));
  const textHeading = element('h4', 'Text that changed');
  const diff = element('div');
  diff.dataset['diff'] = `${from.version}...${to.version}`;
  // Trusted markup: renderDiffHtml escapes the policy text it is given (src/core/policy/diff/).
  diff.innerHTML = c.html;
  return [heading, links, facts, factList, textHeading, diff];
}
