import { ensureTemporalCli, ensureTemporalTestServer } from '../../temporal/dev-server';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { ensureChromium } from '../browser/chromium';
import { providerBinaries } from '../fixtures/provider-release';
import { pulumiBinary, terraformBinary, tofuBinary } from '../harness/cli-tools';
import { ensureMoto } from '../harness/moto';
import { ensureSeaweedFs } from '../harness/object-stores';
import { ensureAiosmtpd } from '../harness/smtp';

// Installs or builds, once, the real components the test suite drives (cached under ~/.cache/strata-tools):
// the Temporal CLI and time-skipping test server, OpenTofu, Terraform and Pulumi CLIs, a real provider binary for two
// platforms, SeaweedFS (a real S3 server), moto (a real AWS STS/IAM implementation), aiosmtpd (a real SMTP server),
// the web dashboard (web/dist, rebuilt when its sources changed) and Debian's Chromium for the browser tests.
// Sequential on purpose: two Go builds at once on a 2-core machine are slower than one after the other.
const started = Date.now();
const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const t = Date.now();
  const out = await fn();
  console.log(`prepare: ${name} ready in ${((Date.now() - t) / 1000).toFixed(1)}s -> ${JSON.stringify(out)}`);
  return out;
};
await step('temporal CLI', () => ensureTemporalCli());
await step('temporal time-skipping test server', () => ensureTemporalTestServer());
await step('tofu', tofuBinary);
await step('provider binaries', async () => (await providerBinaries()).map((b) => `${b.os}_${b.arch}`));
await step('terraform', terraformBinary);
await step('pulumi (CLI and dynamic-provider shim)', pulumiBinary);
await step('seaweedfs (S3 test server)', ensureSeaweedFs);
await step('moto (AWS STS/IAM test server)', ensureMoto);
await step('aiosmtpd (SMTP test server)', ensureAiosmtpd);
await step('web dashboard', () => ensureWebBuilt());
await step('chromium', ensureChromium);
console.log(`prepare: done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
