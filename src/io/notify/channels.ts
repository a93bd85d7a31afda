/**
 * The channels content/notify.yml asks for. Secrets come from the environment
 * variables the config names. A channel that cannot be set up (a secret or token
 * missing) still takes part in the run and fails on every send: the others go out,
 * and the next run retries it once the secret is there.
 */
import path from 'node:path';
import { parseServiceConfig } from '../../core/content/canary-config.ts';
import type { Channel, NotifyConfig } from '../../core/notify/model.ts';
import { createEmailChannel } from '../channels/email.ts';
import { createGitHubChannels } from '../channels/github.ts';
import { createWebhookChannel } from '../channels/webhook.ts';
import { readText } from '../files.ts';
import { createGitHub, type GitHub } from '../github.ts';
import type { Project } from '../project.ts';

export type Env = Record<string, string | undefined>;

/**
 * A GitHub client that could not be made (no token): the channels are still built from
 * it, so they keep their names and the events they handle, and each send fails with
 * the reason when it first touches the API.
 */
function unusableGitHub(repository: string, error: unknown): GitHub {
  const [owner = '', repo = ''] = repository.split('/');
  return {
    owner,
    repo,
    repository,
    get octokit(): never {
      throw error;
    },
    viewer: () => Promise.reject(error instanceof Error ? error : new Error(String(error))),
  };
}

function githubChannels(config: NonNullable<NotifyConfig['github']>, env: Env): Channel[] {
  let github: GitHub;
  try {
    github = createGitHub({
      token: env['GITHUB_TOKEN'] ?? '',
      repository: config.repository,
      ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
    });
  } catch (error) {
    github = unusableGitHub(config.repository, error);
  }
  return createGitHubChannels({ github, config });
}

export async function buildChannels(project: Project, config: NotifyConfig, env: Env): Promise<Channel[]> {
  const channels: Channel[] = config.webhooks.map((w) => createWebhookChannel({ url: w.url, secret: env[w.secretEnv], secretEnv: w.secretEnv }));
  if (config.email) {
    const file = path.join(project.content, 'service.yml');
    const service = parseServiceConfig(await readText(file, 'content/service.yml'), 'content/service.yml');
    channels.push(createEmailChannel({ config: config.email, service: { name: service.name, url: service.url }, env }));
  }
  if (config.github) channels.push(...githubChannels(config.github, env));
  return channels;
}
