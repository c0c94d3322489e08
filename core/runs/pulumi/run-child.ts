import { createInterface } from 'node:readline';
import { spawnBoundChild } from '../../embedded/processes';
import { layout } from '../../layout';
import type { ChildMessage, ChildRequest } from './program-child';

/**
 * Runs one Pulumi operation in a child process (core/runs/pulumi/program-child.ts) bound to this one (killed with
 * it): streams its output lines to `onOutput` and resolves with its result. The request (inputs, passphrase,
 * credentials) goes over standard input, never the command line. Aborting kills the child.
 */
export function runPulumiChild(request: ChildRequest, options: { enginePath: string; onOutput: (text: string) => void; signal?: AbortSignal }): Promise<Extract<ChildMessage, { type: 'result' }>> {
  return new Promise((resolve, reject) => {
    const child = spawnBoundChild(process.execPath, layout.pulumiChild.args, {
      deathSignal: 'SIGKILL',
      cwd: layout.pulumiChild.cwd,
      env: { PATH: options.enginePath, HOME: request.pulumiHome },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let result: Extract<ChildMessage, { type: 'result' }> | null = null;
    let failure: string | null = null;
    let stderr = '';
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      let m: ChildMessage;
      try {
        m = JSON.parse(line) as ChildMessage;
      } catch {
        // A program that writes to standard output itself: shown as output.
        return options.onOutput(line);
      }
      if (m.type === 'output') options.onOutput(m.text);
      else if (m.type === 'result') result = m;
      else failure = m.message;
    });
    child.stdin!.end(JSON.stringify(request));
    child.once('error', reject);
    child.once('close', (code, sig) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(options.signal.reason instanceof Error ? options.signal.reason : new Error('canceled'));
      if (code === 0 && result) return resolve(result);
      reject(new Error(failure ?? `the Pulumi process ended (${sig ? `signal ${sig}` : `exit code ${code}`}) without a result${stderr ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`));
    });
  });
}
