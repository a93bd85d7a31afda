/** Parses one policy version file (pure): front matter validated, body kept as is. */
import { parseFrontMatter } from '../content/front-matter.ts';
import { validate } from '../content/yaml.ts';
import { see } from '../docs-links.ts';
import { ContentError } from '../errors.ts';
import { frontMatter, type PolicyVersion } from './model.ts';

/** A problem in the facts is explained with the facts (docs/content.md#policy-facts); the other fields with the versions. */
const versionHint = (field: string): string => (field === 'facts' || /^facts[.[]/.test(field) ? see('facts') : see('policy'));

/** `path` is relative to content/, e.g. policies/privacy/2.0.md. */
export function parsePolicyVersion(source: string, path: string): PolicyVersion {
  const file = `content/${path}`;
  const { data, body, yaml } = parseFrontMatter(source, file);
  const fm = validate(frontMatter, data, file, { hint: versionHint, source: yaml });
  const [, policy, name] = path.split('/');
  if (name !== `${fm.version}.md`) {
    throw new ContentError('SCHEMA_INVALID', 'file name and version differ', {
      file,
      field: 'version',
      expected: `the file to be named ${fm.version}.md`,
      received: name,
      hint: see('policy', 'Name each version file after its version, e.g. 2.1.md.'),
    });
  }
  return { ...fm, policy: policy!, path, body, source };
}
