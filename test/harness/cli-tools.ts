import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = (name: string) => fileURLToPath(new URL(`../tools/${name}`, import.meta.url));

async function runScript(name: string): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [script(name)], { maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 });
  return stdout.trim().split('\n').pop()!;
}

/** Path of a real OpenTofu CLI built from its Go module (cached after the first build). */
export const tofuBinary = () => runScript('build-tofu.sh');

/** Path of a real Terraform CLI: on PATH, or built from its Go module (cached). */
export const terraformBinary = () => runScript('build-terraform.sh');

/**
 * Installation root of a real Pulumi CLI built from its Go modules (cached): `<root>/bin` holds `pulumi` and the
 * `pulumi-resource-pulumi-nodejs` shim that dynamic providers need. Pass the root to the Automation API's
 * `PulumiCommand.get({ root })`, or put `<root>/bin` on PATH.
 */
export const pulumiRoot = () => runScript('build-pulumi.sh');

/** Path of the Pulumi CLI binary (see {@link pulumiRoot}). */
export const pulumiBinary = async () => `${await pulumiRoot()}/bin/pulumi`;
