import { pathToFileURL } from 'node:url';

/**
 * One Pulumi operation on one stack, in a process of its own (a child of the worker, killed with it): the plugin's
 * program is imported and run here as an Automation API inline program, so a program that throws, loops or exits
 * cannot take the worker down, and each operation has a Pulumi runtime of its own. Reads one JSON request on
 * standard input; writes JSON lines on standard output: `{type: 'output', text}` while it works, then `{type:
 * 'result', …}` or `{type: 'error', message}`.
 */
export interface ChildRequest {
  op: 'preview' | 'previewDestroy' | 'previewRefresh' | 'up' | 'destroy' | 'refresh';
  entry: string;
  inputs: Record<string, unknown>;
  stackName: string;
  projectName: string;
  backendUrl: string;
  cliRoot: string;
  pulumiHome: string;
  envVars: Record<string, string>;
}

export type ChildMessage =
  | { type: 'output'; text: string }
  | { type: 'result'; changeSummary?: Record<string, number>; outputs?: Record<string, { value: unknown; secret: boolean }> }
  | { type: 'error'; message: string };

const emit = (m: ChildMessage): void => {
  process.stdout.write(`${JSON.stringify(m)}\n`);
};

async function readRequest(): Promise<ChildRequest> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChildRequest;
}

async function main(): Promise<void> {
  const req = await readRequest();
  const mod = (await import(pathToFileURL(req.entry).href)) as { default?: unknown };
  const program = mod.default;
  if (typeof program !== 'function') throw new Error('the plugin has no default export function');
  const auto = await import('@pulumi/pulumi/automation');
  const stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName: req.stackName, projectName: req.projectName, program: async () => ((await (program as (i: unknown) => Promise<unknown>)(req.inputs)) ?? {}) as Record<string, unknown> },
    {
      pulumiCommand: await auto.PulumiCommand.get({ root: req.cliRoot, skipVersionCheck: true }),
      pulumiHome: req.pulumiHome,
      projectSettings: { name: req.projectName, runtime: 'nodejs', backend: { url: req.backendUrl } },
      envVars: req.envVars,
    },
  );
  const opts = { onOutput: (text: string) => emit({ type: 'output', text }), color: 'never' as const };
  switch (req.op) {
    case 'preview':
      return emit({ type: 'result', changeSummary: (await stack.preview(opts)).changeSummary as Record<string, number> });
    case 'previewDestroy':
      return emit({ type: 'result', changeSummary: (await stack.previewDestroy(opts)).changeSummary as Record<string, number> });
    case 'previewRefresh':
      return emit({ type: 'result', changeSummary: (await stack.previewRefresh(opts)).changeSummary as Record<string, number> });
    case 'up':
      await stack.up(opts);
      break;
    case 'destroy':
      await stack.destroy(opts);
      break;
    case 'refresh':
      await stack.refresh(opts);
      break;
  }
  emit({ type: 'result', outputs: await stack.outputs() });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    emit({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
