import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const config = join(root, '.dependency-cruiser.cjs');

/** Runs the lint's layering check over a tree of files; its exit code and report. */
async function cruise(cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(depcruise, ['src', '--config', config], { cwd });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

/** A throwaway src/ tree with these files (path → source). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs' } }));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  return dir;
}

describe('layering (dependency-cruiser in npm run lint)', () => {
  const dirs: string[] = [];
  const fixture = (files: Record<string, string>) => {
    const dir = tree(files);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('passes the real tree', async () => {
    expect(await cruise(root)).toMatchObject({ code: 0 });
  });

  it('passes an import down a layer', async () => {
    const dir = fixture({
      'src/users/profile.ts': 'export const profile = 1;\n',
      'src/auth/flows.ts': "import { profile } from '../users/profile';\nexport const flow = profile;\n",
    });
    expect(await cruise(dir)).toMatchObject({ code: 0 });
  });

  it.each([
    ['up a layer', 'src/users/profile.ts', '../auth/flows', 'src/auth/flows.ts', 'layer-users'],
    ['across a layer', 'src/chat/chat.ts', '../auth/flows', 'src/auth/flows.ts', 'layer-chat'],
    [
      'from the identity core to a feature',
      'src/identity/guard.ts',
      '../users/profile',
      'src/users/profile.ts',
      'layer-identity',
    ],
  ])('fails an import %s', async (_, from, specifier, to, rule) => {
    const dir = fixture({
      [to]: 'export const target = 1;\n',
      [from]: `import { target } from '${specifier}';\nexport const source = target;\n`,
    });
    const { code, out } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(out).toContain(`${rule}: ${from} → ${to}`);
  });

  it('fails an import cycle inside one folder', async () => {
    const dir = fixture({
      'src/users/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/users/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    const { code, out } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(out).toContain('no-circular');
  });

  it('fails a folder the layers do not place', async () => {
    const dir = fixture({
      'src/users/profile.ts': 'export const profile = 1;\n',
      'src/newthing/x.ts': "import { profile } from '../users/profile';\nexport const x = profile;\n",
    });
    const { code, out } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(out).toContain('known-folder');
  });
});
