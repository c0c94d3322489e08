import { fileURLToPath } from 'node:url';
import { spawnChild, type Child } from './child';

const SCRIPT = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

/**
 * Starts the baseline server in a separate process, loaded the same way as the platform (Node with the tsx
 * loader), and returns its URL.
 */
export async function startBaseline(repoDir: string): Promise<{ url: string; child: Child }> {
  const child = spawnChild(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: repoDir, env: process.env });
  const port = await new Promise<number>((resolve, reject) => {
    let line = '';
    child.process.stdout!.on('data', (chunk: Buffer) => {
      line += chunk.toString('utf8');
      const match = /\{"port":(\d+)\}/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    void child.exited.then(() => reject(new Error(`the baseline server exited:\n${child.output()}`)));
    setTimeout(() => reject(new Error(`the baseline server did not start:\n${child.output()}`)), 30_000).unref();
  });
  return { url: `http://127.0.0.1:${port}`, child };
}
