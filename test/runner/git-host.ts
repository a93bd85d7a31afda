/**
 * The "GitHub" git host: a real smart-HTTP server on 127.0.0.1 (Node's http server running
 * `git http-backend` as a CGI program, as Apache or nginx would), so that clones, fetches
 * and pushes go through git's own HTTP transport and its credential handling.
 *
 * - Reads are anonymous (the repositories are public), as on github.com.
 * - A push needs HTTP Basic credentials whose password is a token the `authorize` hook
 *   accepts with `contents: write` on that repository; anything else is refused (401 without
 *   credentials or with an unknown token, 403 without the permission), before git runs.
 * - Every accepted ref update is reported to `onPush` (old, new, ref, who), read from a
 *   post-receive hook, so that the runner can trigger `push` workflows as GitHub does.
 *
 *   const host = await startGitHost({ authorize });
 *   await host.createRepository('lumen/privacy');
 *   git clone ${host.url}/lumen/privacy
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { git } from './git.ts';
import { scratch } from './scratch.ts';

export interface PushGrant {
  /** contents permission of the token ('write' to push). */
  contents: 'read' | 'write' | undefined;
  /** The repositories the token belongs to (owner/name). */
  repositories: string[];
  /** Who pushes: a job's token (GitHub triggers no workflow for it) or a person. */
  kind: 'workflow' | 'user';
  login: string;
}

export interface RefUpdate {
  repository: string;
  ref: string;
  before: string;
  after: string;
  pusher: PushGrant;
}

export interface GitHostOptions {
  authorize: (token: string) => PushGrant | undefined;
  onPush?: (update: RefUpdate) => void | Promise<void>;
  /**
   * Fault injection: when it returns a promise, an accepted push is held until the promise
   * settles and then dropped without being applied (a runner that dies mid-push).
   */
  holdPush?: (pusher: PushGrant, repository: string) => Promise<void> | undefined;
}

export interface GitHost {
  /** http://127.0.0.1:PORT, what GITHUB_SERVER_URL is set to. */
  url: string;
  /** The bare repository behind owner/name. */
  bare(repository: string): string;
  cloneUrl(repository: string): string;
  createRepository(repository: string): Promise<string>;
  /** Pushes refused, with the reason (tests of least privilege read this). */
  refused: { repository: string; status: number; reason: string }[];
  /** Every ref update accepted. */
  pushes: RefUpdate[];
  close(): Promise<void>;
}

const ZERO = '0'.repeat(40);

/** post-receive: appends "old new ref" lines to the file the server names for this request. */
const POST_RECEIVE = '#!/bin/sh\n[ -n "$CANDOR_PUSH_LOG" ] && cat >> "$CANDOR_PUSH_LOG"\nexit 0\n';

function basicToken(header: string | undefined): string | undefined {
  const match = /^basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** /owner/name(.git)/rest → [owner/name, rest], or undefined. */
function route(urlPath: string): [string, string] | undefined {
  const match = /^\/([\w.-]+)\/([\w-]+(?:\.[\w-]+)*?)(?:\.git)?(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/.exec(urlPath);
  return match ? [`${match[1]}/${match[2]}`, match[3]!] : undefined;
}

export async function startGitHost(opts: GitHostOptions): Promise<GitHost> {
  const root = await mkdtemp(path.join(scratch(), 'candor-githost-'));
  const logs = await mkdtemp(path.join(scratch(), 'candor-githost-log-'));
  const known = new Set<string>();
  const refused: GitHost['refused'] = [];
  const pushes: RefUpdate[] = [];
  let requests = 0;

  const bare = (repository: string): string => path.join(root, `${repository}.git`);

  const refuse = (res: ServerResponse, repository: string, status: number, reason: string): void => {
    refused.push({ repository, status, reason });
    res.writeHead(status, { 'content-type': 'text/plain', ...(status === 401 ? { 'www-authenticate': 'Basic realm="GitHub"' } : {}) }).end(`${reason}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const found = route(url.pathname);
    if (!found || !known.has(found[0])) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found.\n');
    const [repository, rest] = found;
    const pushing = rest === '/git-receive-pack' || url.searchParams.get('service') === 'git-receive-pack';
    const token = basicToken(req.headers.authorization);
    const grant = token === undefined ? undefined : opts.authorize(token);
    if (token !== undefined && !grant) return refuse(res, repository, 401, 'Invalid username or token.');
    if (pushing) {
      if (!grant) return refuse(res, repository, 401, 'Authentication required to push.');
      if (!grant.repositories.includes(repository)) return refuse(res, repository, 403, `Permission to ${repository} denied to ${grant.login}.`);
      if (grant.contents !== 'write')
        return refuse(res, repository, 403, `Permission to ${repository} denied to ${grant.login}: the token has no contents: write.`);
    }
    const hold = pushing && grant && rest === '/git-receive-pack' ? opts.holdPush?.(grant, repository) : undefined;
    if (hold) {
      await hold;
      refused.push({ repository, status: 0, reason: 'push held and dropped (fault injection)' });
      return void res.destroy();
    }
    const pushLog = path.join(logs, `push-${++requests}.log`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${repository}.git${rest}`,
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(pushing && grant ? { REMOTE_USER: grant.login, CANDOR_PUSH_LOG: pushLog } : {}),
    };
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    let stderr = '';
    cgi.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      res.write(head.subarray(end + 4));
    });
    const code = await new Promise<number>((resolve) => cgi.on('close', (c) => resolve(c ?? 1)));
    if (!headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).write(`git http-backend failed (${code}): ${stderr}`);
    // The push is reported before git push returns: as on GitHub, its workflows are queued by then.
    if (pushing && grant) {
      const lines = await readFile(pushLog, 'utf8').catch(() => '');
      await rm(pushLog, { force: true });
      for (const line of lines.split('\n').filter(Boolean)) {
        const [before = ZERO, after = ZERO, ref = ''] = line.split(' ');
        const update = { repository, ref, before, after, pusher: grant };
        pushes.push(update);
        await opts.onPush?.(update);
      }
    }
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    bare,
    cloneUrl: (repository) => `${url}/${repository}`,
    refused,
    pushes,
    async createRepository(repository) {
      const dir = bare(repository);
      await mkdir(path.dirname(dir), { recursive: true });
      await git(['init', '--quiet', '--bare', '--initial-branch=main', dir]);
      // uploadpack.allowReachableSHA1InWant: checkout fetches a commit by its SHA, as GitHub allows.
      await git(['-C', dir, 'config', 'uploadpack.allowReachableSHA1InWant', 'true']);
      await git(['-C', dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true']);
      await git(['-C', dir, 'config', 'receive.denyNonFastForwards', 'false']);
      // No delta search when packing a fetch: every job's shallow checkout packs the whole
      // tree again; without the search the host spends half the CPU and sends the same objects.
      await git(['-C', dir, 'config', 'pack.window', '0']);
      const hook = path.join(dir, 'hooks', 'post-receive');
      await writeFile(hook, POST_RECEIVE);
      await chmod(hook, 0o755);
      known.add(repository);
      return dir;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
      await rm(logs, { recursive: true, force: true });
    },
  };
}
