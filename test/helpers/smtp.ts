/**
 * A real SMTP server on 127.0.0.1 (npm smtp-server) for the email channel's tests.
 *
 *   const smtp = await startSmtp({ tls: 'required', users: { notifier: 'pw' } });
 *   try { ...send to smtp.port...; smtp.received[0].raw } finally { await smtp.close() }
 *
 * tls: 'off' offers no STARTTLS; 'on' offers it; 'required' offers it and refuses MAIL
 * FROM before it (like a submission server); 'implicit' speaks TLS from the first byte
 * (port 465 style). TLS modes use a self-signed certificate for 127.0.0.1 made with
 * openssl at test time: node's crypto can make keys but not X.509 certificates.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { hasTool, runOk } from './tools.ts';

export type SmtpTls = 'off' | 'on' | 'required' | 'implicit';

export interface TestCert {
  key: string;
  cert: string;
}

export interface ReceivedMail {
  raw: Buffer;
  mailFrom: string | null;
  rcptTo: string[];
  secure: boolean;
  user: string | undefined;
}

export interface TestSmtp {
  host: '127.0.0.1';
  port: number;
  /** The certificate to trust (tls options `ca`), null without TLS. */
  ca: string | null;
  received: ReceivedMail[];
  /** Every connection and every MAIL FROM the server saw, to prove what never happened. */
  counts: { connections: number; mailFrom: number; authAttempts: number };
  close(): Promise<void>;
}

export interface SmtpOptions {
  tls?: SmtpTls;
  /** user → password; without it, authentication is optional. */
  users?: Record<string, string>;
  /** Recipients the server refuses with 550. */
  rejectRecipients?: string[];
  /** Listen on this port (e.g. one from deadPort(), to bring a server "back up"); default: any free port. */
  port?: number;
}

let certificate: Promise<TestCert> | undefined;

/** One self-signed certificate per test file (EC P-256, valid for 127.0.0.1 and localhost). */
export function testCertificate(): Promise<TestCert> {
  if (!hasTool('openssl')) return Promise.reject(new Error('openssl not installed: cannot make a test certificate'));
  certificate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-smtp-'));
    try {
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      await runOk('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ]);
      return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return certificate;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSmtp(opts: SmtpOptions = {}): Promise<TestSmtp> {
  const mode = opts.tls ?? 'off';
  const cert = mode === 'off' ? null : await testCertificate();
  const received: ReceivedMail[] = [];
  const counts = { connections: 0, mailFrom: 0, authAttempts: 0 };
  const users = opts.users;
  const options: SMTPServerOptions = {
    logger: false,
    secure: mode === 'implicit',
    ...(cert ? { key: cert.key, cert: cert.cert } : {}),
    disabledCommands: mode === 'off' ? ['STARTTLS'] : [],
    // Lets the plain-text tests authenticate; the channel itself refuses to.
    allowInsecureAuth: mode === 'off',
    authOptional: !users,
    authMethods: ['PLAIN', 'LOGIN'],
    closeTimeout: 1000,
    onConnect(_session, callback) {
      counts.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      counts.authAttempts++;
      if (users && auth.username !== undefined && users[auth.username] === auth.password) callback(null, { user: auth.username });
      else callback(smtpError('Invalid username or password', 535));
    },
    onMailFrom(_address, session: SMTPServerSession, callback) {
      counts.mailFrom++;
      if (mode === 'required' && !session.secure) return callback(smtpError('Must issue a STARTTLS command first', 530));
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (opts.rejectRecipients?.includes(address.address)) return callback(smtpError(`<${address.address}>: Recipient address rejected`, 550));
      callback();
    },
    onData(stream, session, callback) {
      readAll(stream).then((raw) => {
        const { mailFrom, rcptTo } = session.envelope;
        received.push({ raw, mailFrom: mailFrom ? mailFrom.address : null, rcptTo: rcptTo.map((r) => r.address), secure: session.secure, user: session.user });
        callback();
      }, callback);
    },
  };
  const server = new SMTPServer(options);
  server.listen(opts.port ?? 0, '127.0.0.1');
  await once(server.server, 'listening');
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('smtp-server did not bind a TCP port');
  return {
    host: '127.0.0.1',
    port: address.port,
    ca: cert?.cert ?? null,
    received,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = address && typeof address !== 'string' ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
