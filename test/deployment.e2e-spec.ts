import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EnvironmentVariables } from '../src/config/env.validation';

// No Docker engine runs on our machines: these checks keep the deployment files true to the code.
const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('deployment files', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const variables = Object.keys(new EnvironmentVariables()).concat(
    'MONGODB_URI',
    'JWT_SECRET_KEY',
    'STREAM_API_KEY',
    'STREAM_API_SECRET',
    'STREAM_BASE_URL',
  );

  it('runs mongo with a healthcheck and a named volume', () => {
    const mongo = compose.services.mongo;
    expect(mongo.image).toMatch(/^mongo:\d/);
    expect(mongo.healthcheck?.test.join(' ')).toContain('ping');
    const volume = mongo.volumes?.[0].split(':')[0] ?? '';
    expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('runs the API with `nest start` once mongo is healthy, configured from .env', () => {
    const api = compose.services.api;
    expect(api.command?.join(' ')).toMatch(/nest start/);
    expect(api.depends_on?.mongo.condition).toBe('service_healthy');
    expect(api.env_file).toBe('.env');
    expect(api.ports).toContain('5000:5000');
    for (const name of Object.keys(api.environment ?? {})) expect(variables).toContain(name);
  });

  it('documents every environment variable in .env.example, and nothing else', () => {
    const documented = read('.env.example')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split('=')[0]);
    expect([...new Set(documented)].sort()).toEqual([...new Set(variables)].sort());
  });

  it('builds a non-root production image with production dependencies only', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/CMD \["node", "--max-old-space-size=\d+", "dist\/main.js"\]/);
  });
});
