import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@app/config';
import { SHUTDOWN_MARGIN_MS } from '@app/processing';

// No Docker engine runs in CI: these checks read the deployment files so that they cannot
// drift from the code (build paths, config variables, roles, probes) without a red test.

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
// Parsed YAML has no static type; the assertions below are what check its shape.
type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PACKAGE = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const SECRETS = ['DATABASE_URL', 'REDIS_URL', 'WEBHOOK_SECRET', 'API_KEYS'];

/** Every variable loadConfig reads, taken from its source so a new one cannot be forgotten here. */
const CONFIG_VARIABLES = [...read('libs/config/src/load-config.ts').matchAll(/read\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]);

/** `${NAME:-default}` as Compose would resolve it with nothing set. */
const interpolate = (value: unknown): string =>
  String(value).replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_, fallback?: string) => fallback ?? '');

/** Compose durations: 45s, 1m30s, 1500ms. */
function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.map((p) => p[0]).join('') !== value) throw new Error(`not a duration: ${value}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

/** `dist/apps/server/<path>.js` is compiled from `<path>.ts` (nest build, tsc builder). */
const sourceOfBuilt = (builtPath: string): string => builtPath.replace(/^dist\/apps\/server\//, '').replace(/\.js$/, '.ts');
const scriptTarget = (script: string): string => script.replace(/^node\s+/, '');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions grouped by build stage, continuation lines joined, comments dropped. */
function dockerStages(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const match = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`unreadable Dockerfile line: ${line}`);
    const keyword = match[1].toUpperCase();
    if (keyword === 'FROM') stages.push([]);
    stages[stages.length - 1].push({ keyword, args: match[2].trim() });
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerStages(read('Dockerfile'));
  const runtime = stages[stages.length - 1];
  const all = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword);
  const stageNames = stages.map((s) => /\bAS\s+(\S+)/i.exec(s[0].args)?.[1]);

  it('builds in several stages on a Node LTS base of major version 22 or later', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const bases = stages.map((s) => s[0].args.split(/\s+/)[0]).filter((image) => !stageNames.includes(image));
    expect(bases.length).toBeGreaterThan(0);
    for (const image of bases) expect(Number(/^node:(\d+)/.exec(image)?.[1])).toBeGreaterThanOrEqual(22);
  });

  it('installs with npm ci, skipping install scripts, and ships only production dependencies', () => {
    const runs = stages.flatMap((s) => all(s, 'RUN')).map((i) => i.args);
    expect(runs.some((r) => /npm ci\b/.test(r))).toBe(true);
    for (const run of runs.filter((r) => /npm ci\b/.test(r))) expect(run).toContain('--ignore-scripts');
    const copiedModules = all(runtime, 'COPY').find((i) => /node_modules/.test(i.args));
    const from = /--from=(\S+)/.exec(copiedModules?.args ?? '')?.[1];
    const source = stages[stageNames.indexOf(from)];
    expect(source).toBeDefined();
    expect(all(source, 'RUN').some((i) => /npm (ci|prune)\b.*--omit=dev/.test(i.args))).toBe(true);
  });

  it('keeps sources and tests out of the runtime stage', () => {
    const localCopies = all(runtime, 'COPY').filter((i) => !i.args.includes('--from='));
    for (const copy of localCopies) expect(copy.args).toMatch(/^package(-lock)?\.json( package(-lock)?\.json)? \.\/?$/);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['*']));
    expect(read('.dockerignore')).not.toMatch(/^!(test|node_modules|dist|\.env)/m);
  });

  it('builds the console into dist/, which the runtime stage ships', () => {
    expect(PACKAGE.scripts.build).toMatch(/npm run build:console\b/);
    expect(PACKAGE.scripts['build:console']).toBe('node apps/console/build.js');
    const build = stages[stageNames.indexOf('build')];
    expect(all(build, 'COPY').map((i) => i.args)).toContain('apps ./apps');
    expect(all(build, 'RUN').map((i) => i.args)).toContain('npm run build');
    expect(all(runtime, 'COPY').some((i) => /--from=build \/app\/dist \.\/dist$/.test(i.args))).toBe(true);
  });

  it('runs as a non-root user', () => {
    const user = all(runtime, 'USER').pop()?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('probes /health/live and starts the built server in exec form, so SIGTERM reaches Node', () => {
    expect(all(runtime, 'HEALTHCHECK').pop()?.args).toContain('/health/live');
    const cmd = JSON.parse(all(runtime, 'CMD').pop()?.args ?? 'null') as string[];
    expect(cmd.join(' ')).toBe(PACKAGE.scripts['start:prod']);
    // An ENTRYPOINT, if any, may only be an init that forwards signals (tini, dumb-init).
    for (const entrypoint of all(runtime, 'ENTRYPOINT')) expect((JSON.parse(entrypoint.args) as string[])[0]).toMatch(/tini|dumb-init/);
    expect(existsSync(join(ROOT, sourceOfBuilt(cmd[1])))).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as Yaml;
  const services = compose.services as Yaml;
  const env = (service: string): Record<string, string> =>
    Object.fromEntries(Object.entries(services[service].environment as Yaml).map(([k, v]) => [k, interpolate(v)]));

  it('runs postgres and redis with healthchecks, and postgres on a volume', () => {
    for (const name of ['postgres', 'redis']) expect(services[name].healthcheck.test.length).toBeGreaterThan(0);
    expect(services.postgres.volumes.some((v: string) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
  });

  it('starts redis with noeviction and the append-only file', () => {
    const command = [services.redis.command].flat().join(' ');
    expect(command).toMatch(/--maxmemory-policy noeviction\b/);
    expect(command).toMatch(/--appendonly yes\b/);
  });

  it('runs api and worker from the same build, each in its role, against the compose services', () => {
    expect(services.worker.build).toEqual(services.api.build);
    expect(services.worker.image).toEqual(services.api.image);
    expect(env('api').APP_ROLE).toBe('api');
    expect(env('worker').APP_ROLE).toBe('worker');
    expect(services.api.ports).toContain('8080:8080');
    for (const role of ['api', 'worker']) {
      const config = loadConfig(env(role));
      expect(config.port).toBe(8080);
      expect(new URL(config.databaseUrl).hostname).toBe('postgres');
      expect(new URL(config.redisUrl).hostname).toBe('redis');
      expect(services[role].depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
  });

  it("gives every app container a stop grace period longer than the worker's own shutdown bound", () => {
    for (const role of ['api', 'worker']) {
      const config = loadConfig(env(role));
      expect(config.settlementTimeoutMs).toBeGreaterThan(config.processingDelayMs);
      expect(durationMs(services[role].stop_grace_period)).toBeGreaterThan(config.settlementTimeoutMs + SHUTDOWN_MARGIN_MS);
    }
  });

  it('sets only variables the configuration knows', () => {
    for (const role of ['api', 'worker']) expect(CONFIG_VARIABLES).toEqual(expect.arrayContaining(Object.keys(env(role))));
  });

  it('keeps Prometheus and Grafana behind the monitoring profile', () => {
    for (const name of ['prometheus', 'grafana']) {
      expect(services[name].profiles).toEqual(['monitoring']);
      for (const volume of services[name].volumes as string[]) expect(volume).toMatch(/^\.\/monitoring\//);
    }
  });
});

describe('render.yaml', () => {
  const blueprint = parse(read('render.yaml')) as Yaml;
  const groups = new Map((blueprint.envVarGroups ?? []).map((g: Yaml) => [g.name, g.envVars as Yaml[]]));
  const web = blueprint.services.find((s: Yaml) => s.type === 'web') as Yaml;
  const worker = blueprint.services.find((s: Yaml) => s.type === 'worker') as Yaml;
  const vars = (service: Yaml): Yaml[] => service.envVars.flatMap((v: Yaml) => (v.fromGroup ? (groups.get(v.fromGroup) ?? []) : [v]));
  const values = (service: Yaml): Record<string, string> =>
    Object.fromEntries(
      vars(service)
        .filter((v) => 'value' in v)
        .map((v) => [v.key, String(v.value)]),
    );

  it('declares a web service with a health check path and a background worker, each in its role', () => {
    expect(web?.healthCheckPath).toMatch(/^\/health\/(live|ready)$/);
    expect(worker).toBeDefined();
    expect(values(web).APP_ROLE).toBe('api');
    expect(values(worker).APP_ROLE).toBe('worker');
    for (const service of [web, worker]) expect([service.runtime, service.dockerfilePath]).toEqual(['docker', './Dockerfile']);
  });

  it('never carries a secret value: the web service prompts for them, the worker copies them', () => {
    for (const key of SECRETS) {
      expect(vars(web).find((v) => v.key === key)).toEqual({ key, sync: false });
      const copied = vars(worker).find((v) => v.key === key);
      expect(copied?.sync === false || copied?.fromService?.name === web.name).toBe(true);
    }
    for (const service of [web, worker]) for (const key of SECRETS) expect(values(service)).not.toHaveProperty(key);
  });

  it('runs the migration script before deploy wherever migrations do not run at boot', () => {
    for (const service of [web, worker]) {
      const config = loadConfig(values(service));
      if (config.dbMigrationsRun) continue;
      expect(service.preDeployCommand).toBe(PACKAGE.scripts.migrate);
      expect(existsSync(join(ROOT, sourceOfBuilt(scriptTarget(PACKAGE.scripts.migrate))))).toBe(true);
    }
  });

  it('gives the worker longer than its own shutdown bound to drain on shutdown', () => {
    const config = loadConfig(values(worker));
    expect(config.settlementTimeoutMs).toBeGreaterThan(config.processingDelayMs);
    expect(worker.maxShutdownDelaySeconds * 1000).toBeGreaterThan(config.settlementTimeoutMs + SHUTDOWN_MARGIN_MS);
  });

  it('sets only variables the configuration knows', () => {
    for (const service of [web, worker]) expect(CONFIG_VARIABLES).toEqual(expect.arrayContaining(vars(service).map((v) => v.key)));
  });
});

describe('.env.example', () => {
  const lines = read('.env.example').split('\n');
  const entries = lines.flatMap((line, i) => {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    return match ? [{ key: match[1], value: match[2], explained: /^#/.test(lines[i - 1] ?? '') }] : [];
  });

  it('lists exactly the variables the configuration reads', () => {
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(10);
    expect(entries.map((e) => e.key).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('explains each variable in a comment above it', () => {
    expect(entries.filter((e) => !e.explained).map((e) => e.key)).toEqual([]);
  });

  it('gives each variable its default: loading the file equals loading nothing', () => {
    expect(loadConfig(Object.fromEntries(entries.map((e) => [e.key, e.value])))).toEqual(loadConfig({}));
  });
});
