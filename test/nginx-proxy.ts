import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from './http-probe';

/** Debian's nginx (`apt-get install nginx`; .ci/run installs it). */
export const NGINX_BINARY = '/usr/sbin/nginx';

export interface NginxProxy {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The JSON access lines nginx wrote so far (deploy/nginx.conf's `api_json` format). */
  accessLog: () => Record<string, unknown>[];
  close: () => Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/**
 * Runs nginx in the foreground with the repository's deploy/nginx.conf, changed only where Docker differs: the
 * replicas' addresses instead of Docker's DNS, a loopback port instead of 80, and every file nginx writes in a
 * temporary directory (no root needed).
 */
export async function startNginx(upstreams: string[]): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'lingo-nginx-'));
  const port = await freePort();
  const site = readFileSync(join(__dirname, '..', 'deploy', 'nginx.conf'), 'utf8')
    .replace(/^resolver .*;$/m, '')
    .replace(/^\s*server api:\d+ resolve(.*);$/m, (_, params: string) =>
      upstreams.map((u) => `    server ${u}${params};`).join('\n'),
    )
    .replace('listen 80;', `listen 127.0.0.1:${port};`)
    .replace('/var/log/nginx/access.log', join(dir, 'access.log'));
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      // Run as root (CI), nginx would hand its workers to `nobody`, who cannot write in this directory.
      process.getuid?.() === 0 ? 'user root;' : '',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
      `  include ${join(dir, 'site.conf')};`,
      '}',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(NGINX_BINARY, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')]);
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while ((await probe(`${origin}/proxy-health`).catch(() => undefined))?.status !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start:\n${output}${readFileSync(join(dir, 'error.log'), 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const accessLog = () =>
    readFileSync(join(dir, 'access.log'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const close = async () => {
    child.kill('SIGQUIT'); // graceful stop
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { origin, accessLog, close };
}
