import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchApi } from './api-client';
import { startBaseline } from './baseline-process';
import type { Child } from './child';
import { compareWithBaseline, type Answer, type Comparison, type Target } from './load';
import { parseOptions } from './options';
import { pidListeningOn } from './process-cpu';
import { measurePublishLatency } from './publish-latency';
import { measurePublishThroughput } from './publish-throughput';
import { measureApiIdleMemory } from './api-idle-memory';
import { idleRssMiB, rssMiB } from './memory';
import { startPlatform, type RunningPlatform } from './platform-process';
import { baselineSummary, endpointReport, formatReport, writeReport, type BenchReport } from './report';
import { seedCatalogue } from './seed';
import { measureStateBackend } from './state-backend';
import { measureRunOverhead } from './run-overhead';
import { tofuBinary } from '../test/harness/cli-tools';
import { CLIENT_HEADERS, protocolTargets } from './targets';
import { judgeEndpoint, judgeIdleMemory, judgeListingGrowth, judgePublish, judgeThroughput, THRESHOLDS } from './verdicts';

/**
 * `npm run bench`: starts the real platform (`npm start`'s embedded default) and a bare `node:http` baseline as
 * separate processes, seeds the catalogue through the API, loads each protocol read endpoint in turn, times
 * publishes, and prints every result as a ratio to the baseline measured in the same run.
 */
/**
 * Answers at most this big are compared with the baseline's ~100-byte one as they are; a larger answer is also
 * compared with the bare server sending exactly its bytes, and judged on that (see bench/README.md).
 */
const SAME_BYTES_MIN = 512;

const options = parseOptions(process.argv.slice(2));
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const startedAt = new Date().toISOString();
const loadavgStart = loadavg();
const workDir = await mkdtemp(join(tmpdir(), 'strata-bench-'));
// mkdtemp makes it 0700; as root the embedded PostgreSQL runs as `postgres` and must reach the data dir inside.
await chmod(workDir, 0o755);
const profileDir = options.profile ? join(tmpdir(), 'strata-bench', `profiles-${startedAt.replace(/[:.]/g, '-')}`) : null;
const say = (message: string) => process.stderr.write(`[bench] ${message}\n`);

let platform: RunningPlatform | null = null;
let baseline: { url: string; child: Child } | null = null;

async function cleanUp(): Promise<{ clean: boolean; ms: number } | null> {
  await baseline?.child.stop('SIGTERM', 5000);
  baseline = null;
  let shutdown = null;
  if (platform) {
    const started = performance.now();
    const clean = await platform.stop();
    shutdown = { clean, ms: Math.round(performance.now() - started) };
    platform = null;
  }
  // PostgreSQL's last backends may still be flushing WAL for a moment after the platform's process exited.
  await rm(workDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 }).catch((err: unknown) =>
    say(`could not remove ${workDir}: ${describe(err)}`),
  );
  return shutdown;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping the platform`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  if (profileDir) await mkdir(profileDir, { recursive: true });
  say(`starting the platform: ${profileDir ? 'node --cpu-prof --import tsx' : 'npx tsx'} temporal/dev-all.ts`);
  // The run overhead measurement plans with the tofu the tests build (the platform inherits this environment).
  const tofu = await tofuBinary();
  process.env.STRATA_TOFU_BIN = tofu;
  platform = await startPlatform({
    repoDir,
    dataDir: join(workDir, 'data'),
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined,
  });
  const api = new BenchApi(platform.url, platform.token);
  say('seeding: a 5-version module, a 1,000-version module, the signed hashicorp/time release, and a private namespace with both');
  const { readerToken } = await seedCatalogue(platform, api, workDir);
  baseline = await startBaseline(repoDir);

  const baselinePid = pidListeningOn(Number(new URL(baseline.url).port));
  const platformPid = pidListeningOn(Number(new URL(platform.url).port));
  say('measuring the idle API process\'s memory');
  const idleApiRssMiB = await idleRssMiB(platformPid);
  const baselineTarget: Target = { id: 'baseline', label: 'bare node:http', url: baseline.url, headers: CLIENT_HEADERS, ok: [200], pid: baselinePid };
  const compare = async (target: Target): Promise<Comparison> => {
    say(`loading ${target.label} (${target.url}), alternating with the baseline`);
    return compareWithBaseline(target, baselineTarget, options);
  };
  const comparisons: Comparison[] = [];
  /** Target id → the bare server sending that target's answer byte for byte (answers above the baseline's size). */
  const sameBytes = new Map<string, Comparison>();
  const targets = protocolTargets(platform.url, platform.publicUrl, platformPid, readerToken);
  const unknown = options.only?.filter((id) => !targets.some((t) => t.id === id)) ?? [];
  if (unknown.length) throw new Error(`--only: no target ${unknown.join(', ')}; the targets are ${targets.map((t) => t.id).join(', ')}`);
  for (const target of targets) {
    if (options.only && !options.only.includes(target.id)) continue;
    const c = await compare(target);
    comparisons.push(c);
    if (c.answer.bytes.length > SAME_BYTES_MIN) sameBytes.set(target.id, await compare(await repeatAnswer(baseline.url, baselinePid, target, c.answer)));
  }
  if (options.only) {
    // A quick look at a few endpoints (while working on them): no verdicts, no report file.
    for (const c of comparisons) {
      const r = c.result;
      const same = sameBytes.get(r.id);
      process.stdout.write(
        `${r.label}: ${c.ratio.toFixed(3)}× baseline (slices ${c.sliceRatios.map((x) => x.toFixed(2)).join(' ')})` +
          `${same ? `, ${(c.ratio / same.ratio).toFixed(3)}× the bare server sending the same ${c.answer.bytes.length} bytes` : ''}, ` +
          `CPU ${r.cpuMicrosPerRequest?.toFixed(1)} µs/req (${c.cpuRatio?.toFixed(2)}× base), p99 ${r.p99} ms\n`,
      );
    }
    await cleanUp();
    if (profileDir) process.stdout.write(`CPU profiles: ${profileDir}\n`);
    process.exit(0);
  }
  say(`publishing ${options.publishes} small modules one after another`);
  const publish = await measurePublishLatency(api, options.publishes);
  say(`publishing ${options.throughputVersions} versions from ${options.throughputClients} concurrent clients`);
  const throughput = await measurePublishThroughput(api, options.throughputVersions, options.throughputClients);
  say('timing the http state backend: GET and POST of a ~1 MB state, one at a time, against the baseline');
  const state = await measureStateBackend(platform, baseline.url);
  say(`timing a ${1000}-resource speculative plan through the run workflow against the same tofu plan by hand`);
  const runOverhead = await measureRunOverhead(platform, tofu);
  const afterLoadApiRssMiB = rssMiB(platformPid);

  const shutdown = await cleanUp();
  // The memory target is the production API's: the compiled bundle (`npm run build`), started on its own
  // PostgreSQL and Temporal, idle. The figure above is `npm start`'s process under tsx, for information.
  say('building the production bundles (npm run build) and measuring the compiled API at idle (about a minute)');
  await runBuild();
  const productionApi = await measureApiIdleMemory();
  const endpoints = comparisons.map((c) => endpointReport(c, judgeEndpoint(c, sameBytes.get(c.result.id)), sameBytes.get(c.result.id)));
  const byId = (id: string) => comparisons.find((c) => c.result.id === id)!;
  const bareLarge = sameBytes.get('module-versions-1000')!;
  const listingGrowth = judgeListingGrowth({ small: byId('module-versions'), large: byId('module-versions-1000'), bareLarge });
  const publishVerdict = { ...publish, ...judgePublish(publish) };
  const throughputVerdict = { ...throughput, ...judgeThroughput(throughput) };
  const memory = { idleApiRssMiB, afterLoadApiRssMiB, productionApi, ...judgeIdleMemory(productionApi.idleMiB) };
  const report: BenchReport = {
    startedAt,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgStart, loadavgEnd: loadavg() },
    settings: {
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      sliceSeconds: options.sliceSeconds,
      publishes: options.publishes,
      throughputVersions: options.throughputVersions,
      throughputClients: options.throughputClients,
    },
    thresholds: THRESHOLDS,
    baseline: baselineSummary(
      [...comparisons, ...sameBytes.values()],
      [...sameBytes.values()].map((c) => endpointReport(c, { id: c.result.id, pass: true, misses: [] })),
    ),
    endpoints,
    listingGrowth,
    publish: publishVerdict,
    throughput: throughputVerdict,
    state,
    runOverhead,
    memory,
    shutdown,
    pass: endpoints.every((e) => e.pass) && listingGrowth.pass && publishVerdict.pass && throughputVerdict.pass && memory.pass,
  };
  process.stdout.write(`\n${formatReport(report)}\n\n`);
  process.stdout.write(`results: ${await writeReport(report)}\n`);
  if (profileDir) process.stdout.write(`CPU profiles (open in Chrome DevTools → Performance): ${profileDir}\n`);
} catch (err) {
  say(`failed: ${describe(err)}`);
  if (platform) {
    const state = platform.child.process.exitCode !== null || platform.child.process.signalCode !== null
      ? `it exited (code ${platform.child.process.exitCode}, signal ${platform.child.process.signalCode})`
      : 'it is still running';
    say(`the platform: ${state}; its last output:\n${platform.child.output()}`);
  }
  await cleanUp();
  process.exitCode = 1;
}

/** An error with its cause chain: fetch reports the interesting part (ECONNRESET, …) only as the cause. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause ? `${err.stack ?? err.message}\ncaused by: ${describe(err.cause)}` : (err.stack ?? err.message);
}

/** Gives the baseline server a target's answer to repeat byte for byte, and returns the target that loads it. */
async function repeatAnswer(baselineUrl: string, pid: number | null, target: Target, answer: Answer): Promise<Target> {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'content-encoding', 'etag', 'cache-control', 'vary', 'x-content-type-options']) {
    const value = answer.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const id = `same-bytes-${target.id}`;
  const response = await fetch(`${baselineUrl}/answers/${id}`, {
    method: 'PUT',
    body: JSON.stringify({ status: answer.status, headers, body: answer.bytes.toString('base64') }),
  });
  if (response.status !== 204) throw new Error(`the baseline server refused ${id}: ${response.status}`);
  return {
    id,
    label: `bare node:http, the same ${answer.bytes.length.toLocaleString('en-US')} bytes`,
    url: `${baselineUrl}/answers/${id}`,
    headers: target.headers,
    ok: [answer.status],
    pid,
  };
}

/** `npm run build` (it skips what its input digest says is already built). */
async function runBuild(): Promise<void> {
  const child = spawn(process.execPath, [join(repoDir, 'node_modules/tsx/dist/cli.mjs'), 'deploy/build.ts'], { cwd: repoDir, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run build exited with ${String(code)}`);
}
