import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SearchAttributeType } from '@temporalio/common';
import { parse } from 'yaml';
import { strataSearchAttributes } from '../temporal/search-attributes';

// Guards the deployment files against drifting from the code they deploy: a renamed setting, script or
// search attribute breaks a deployment silently at run time, so it should break this test instead.

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  command?: string[];
  restart?: string;
  environment?: Record<string, string | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: { test?: unknown; disable?: boolean };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// The production build's entry points (deploy/build.ts): `node dist/<name>.mjs` runs the bundle of <source>.
const buildEntries = Object.fromEntries(
  [.../entryPoints: \{([^}]*)\}/.exec(read('deploy/build.ts'))![1]!.matchAll(/(\w+): join\(root, '([^']+)'\)/g)].map((m) => [m[1]!, m[2]!]),
);
/** True when `cmd` runs a bundle `npm run build` produces from a source file that exists. */
function runsBuiltEntry(cmd: string[]): boolean {
  const name = /^dist\/(\w+)\.mjs$/.exec(cmd[1] ?? '')?.[1];
  return cmd.length === 2 && cmd[0] === 'node' && !!name && !!buildEntries[name] && existsSync(join(root, buildEntries[name]));
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as Compose;
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
};

/** Environment of a service as a map, whichever of the two compose syntaxes it uses. */
function env(s: Service): Record<string, string> {
  const entries = Array.isArray(s.environment)
    ? s.environment.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)])
    : Object.entries(s.environment ?? {});
  return Object.fromEntries(entries.map(([k, v]) => [k, String(v ?? '')]));
}

function mounts(s: Service): { source: string; target: string }[] {
  return (s.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target ?? '' };
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });
}

/** The variable names core/config.ts parses: the keys of its zod object schema. */
const configKeys = new Set([...read('core/config.ts').matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*(?:z\.|bool\b)/gm)].map((m) => m[1]!));
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const apps = ['api', 'worker', 'migrate'] as const;

describe('docker-compose.yml', () => {
  it('reads the settings from core/config.ts (sanity check of the extraction below)', () => {
    for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'STRATA_SIGNING_SECRET', 'STRATA_STORAGE_DIR', 'PORT']) {
      expect(configKeys).toContain(key);
    }
  });

  it('sets only environment variables that core/config.ts reads on api, worker and migrate', () => {
    const overrides = parse(read('deploy/compose.tls.yml'), { logLevel: 'error' }) as Compose;
    const sets = [...apps.map((name) => [name, env(service(name))] as const), ['api (compose.tls.yml)', env(overrides.services.api!)] as const];
    for (const [name, vars] of sets) {
      const unknown = Object.keys(vars).filter((k) => !configKeys.has(k));
      expect(unknown, `${name} sets variables core/config.ts ignores`).toEqual([]);
    }
  });

  it('runs each process as the compiled bundle of the same name (no tsx at run time)', () => {
    for (const name of apps) {
      expect(service(name).command).toEqual(['node', `dist/${name}.mjs`]);
      expect(runsBuiltEntry(service(name).command!), `deploy/build.ts builds no dist/${name}.mjs`).toBe(true);
    }
  });

  it('runs api, worker and migrate from the same image', () => {
    const images = new Set(apps.map((name) => service(name).image));
    expect(images.size).toBe(1);
  });

  it('gives api and worker the same blob storage volume at their STRATA_STORAGE_DIR', () => {
    const storage = ['api', 'worker'].map((name) => {
      const dir = env(service(name)).STRATA_STORAGE_DIR;
      const mount = mounts(service(name)).find((m) => m.target === dir);
      expect(dir, `${name} sets no STRATA_STORAGE_DIR`).toBeTruthy();
      expect(mount, `${name} mounts nothing at ${dir}`).toBeDefined();
      return { dir, source: mount!.source };
    });
    expect(storage[0]).toEqual(storage[1]);
    expect(Object.keys(compose.volumes ?? {}), 'the blob volume must be a named volume').toContain(storage[0]!.source);
  });

  it('gives api and worker the same database, Temporal, public URL and signing secret', () => {
    const [api, worker, migrate] = apps.map((name) => env(service(name)));
    const shared = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'STRATA_TASK_QUEUE', 'STRATA_PUBLIC_URL', 'STRATA_SIGNING_SECRET'];
    for (const key of shared) {
      expect(api![key], `api sets no ${key}`).toBeTruthy();
      expect(worker![key], `api and worker disagree on ${key}`).toBe(api![key]);
    }
    expect(migrate!.DATABASE_URL).toBe(api!.DATABASE_URL);
    // A required variable, never a literal secret committed to the repository.
    expect(api!.STRATA_SIGNING_SECRET).toMatch(/^\$\{STRATA_SIGNING_SECRET:\?[^}]*\}$/);
  });

  it('runs migrate once, after PostgreSQL is healthy, and starts api and worker only after it succeeded', () => {
    const migrate = service('migrate');
    expect(['always', 'unless-stopped']).not.toContain(migrate.restart);
    expect(migrate.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    expect(service('postgres').healthcheck?.test).toBeTruthy();
    for (const name of ['api', 'worker']) {
      expect(service(name).depends_on, name).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('points DATABASE_URL and TEMPORAL_ADDRESS at services of the stack', () => {
    const vars = env(service('api'));
    const db = new URL(vars.DATABASE_URL!.replace(/\$\{[^}]*\}/g, 'secret'));
    expect(compose.services[db.hostname], `no service ${db.hostname}`).toBeDefined();
    const [temporalHost] = vars.TEMPORAL_ADDRESS!.split(':');
    expect(compose.services[temporalHost!]?.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(service('temporal-namespace').depends_on).toMatchObject({ [temporalHost!]: { condition: 'service_healthy' } });
  });

  it('creates the roles and databases that Strata and Temporal connect with', () => {
    const init = read('deploy/compose/postgres-init.sh');
    const db = new URL(env(service('api')).DATABASE_URL!.replace(/\$\{[^}]*\}/g, 'secret'));
    const strataDb = db.pathname.slice(1);
    expect(init).toMatch(new RegExp(`CREATE ROLE ${db.username} LOGIN`));
    expect(init).toMatch(new RegExp(`CREATE DATABASE ${strataDb} OWNER ${db.username};`));
    const temporal = env(service('temporal'));
    for (const name of [temporal.DBNAME, temporal.VISIBILITY_DBNAME]) {
      expect(init).toMatch(new RegExp(`CREATE DATABASE ${name} OWNER ${temporal.POSTGRES_USER};`));
    }
  });

  it('registers exactly the search attributes the worker registers, as Keyword', () => {
    const script = read('deploy/compose/temporal-namespace.sh');
    const listed = /for name in ([A-Za-z ]+); do/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect(listed.sort()).toEqual(strataSearchAttributes.map((k) => k.name).sort());
    expect(new Set(strataSearchAttributes.map((k) => k.type))).toEqual(new Set([SearchAttributeType.KEYWORD]));
    expect(script).toContain('--type Keyword');
  });

  it('mounts only repository files that exist', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const { source } of mounts(s).filter((m) => m.source.startsWith('./'))) {
        expect(existsSync(join(root, source)), `${name} mounts missing ${source}`).toBe(true);
      }
    }
  });

  it('documents every required variable in the .env recipe at the top of the file', () => {
    const required = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]!));
    const recipe = new Set([...composeText.matchAll(/^#\s+"([A-Z0-9_]+)=[^"]*\$\(/gm)].map((m) => m[1]!));
    expect([...recipe].sort()).toEqual([...required].sort());
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');

  it('builds with npm ci and npm run build, defaults to the compiled api and probes with a file that exists', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(cmd).toEqual(['node', 'dist/api.mjs']);
    expect(runsBuiltEntry(cmd)).toBe(true);
    expect(dockerfile).toMatch(/^RUN .*npm ci --omit=dev$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).not.toMatch(/npm install(?! --global)/);
    expect(scripts.build).toBe('tsx deploy/build.ts');
    const probe = /^HEALTHCHECK .* CMD \["node", "([^"]+)"\]$/m.exec(dockerfile)?.[1];
    expect(probe && existsSync(join(root, probe))).toBe(true);
  });

  it('sets only Strata settings that core/config.ts reads', () => {
    const names = [...dockerfile.matchAll(/\b((?:STRATA|TEMPORAL)_[A-Z0-9_]+|DATABASE_URL|PORT)=/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !configKeys.has(n))).toEqual([]);
  });
});

describe('deploy/helm/strata', () => {
  const dir = 'deploy/helm/strata/templates';
  const templates = readdirSync(join(root, dir)).map((file) => ({ file, text: read(`${dir}/${file}`) }));
  const values = parse(read('deploy/helm/strata/values.yaml')) as Record<string, unknown>;

  it('uses only values that values.yaml defines', () => {
    const missing: string[] = [];
    for (const { file, text } of templates) {
      for (const [, path] of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
        let node: unknown = values;
        for (const key of path!.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
        if (node === undefined) missing.push(`${file}: .Values.${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('sets only environment variables that core/config.ts reads', () => {
    const names = templates.flatMap(({ file, text }) => [
      ...(['configmap.yaml', 'secret.yaml', 'migrate-secret.yaml'].includes(file) ? text.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm) : []),
      ...text.matchAll(/- name: ([A-Z][A-Z0-9_]*)$/gm),
    ].map((m) => m[1]!));
    expect(names).toContain('STRATA_SIGNING_SECRET');
    expect(names.filter((n) => !configKeys.has(n))).toEqual([]);
  });

  it('runs every process as a compiled bundle that npm run build produces', () => {
    const commands = templates.flatMap(({ text }) => [...text.matchAll(/command: (\[.*\])/g)].map((m) => JSON.parse(m[1]!) as string[]));
    expect(commands.map((c) => c[1]).sort()).toEqual(['dist/api.mjs', 'dist/migrate.mjs', 'dist/worker.mjs']);
    for (const c of commands) expect(runsBuiltEntry(c), c.join(' ')).toBe(true);
  });
});
