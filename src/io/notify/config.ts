/** content/notify.yml: the notifier's channels, and the operators the watchdog e-mails. */
import path from 'node:path';
import { parseYaml, validate } from '../../core/content/yaml.ts';
import { see } from '../../core/docs-links.ts';
import { notifyConfig, type NotifyConfig } from '../../core/notify/model.ts';
import { exists, readText } from '../files.ts';
import type { Project } from '../project.ts';

export const NOTIFY_FILE = 'content/notify.yml';

/** The configuration, or undefined when the repository has none. Throws SCHEMA_INVALID (ContentError) when it does not validate. */
export async function readNotifyConfig(project: Project): Promise<NotifyConfig | undefined> {
  const file = path.join(project.content, 'notify.yml');
  if (!(await exists(file))) return undefined;
  return validate(notifyConfig, parseYaml(await readText(file, NOTIFY_FILE), NOTIFY_FILE), NOTIFY_FILE, { hint: see('notify') });
}
