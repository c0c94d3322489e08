import { describe, expect, it } from 'vitest';
import { verifyBasicAuth, verifyGitHubSignature, verifyGitLabToken } from './verify';

describe('webhook verification', () => {
  it("accepts GitHub's published test vector", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verifyGitHubSignature("It's a Secret to Everybody", Buffer.from('Hello, World!'), header)).toBe(true);
  });

  it('refuses a GitHub signature made with another secret, over another body, or malformed', () => {
    const good = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verifyGitHubSignature('another secret', Buffer.from('Hello, World!'), good)).toBe(false);
    expect(verifyGitHubSignature("It's a Secret to Everybody", Buffer.from('Hello, World?'), good)).toBe(false);
    expect(verifyGitHubSignature("It's a Secret to Everybody", Buffer.from('Hello, World!'), undefined)).toBe(false);
    expect(verifyGitHubSignature("It's a Secret to Everybody", Buffer.from('Hello, World!'), good.replace('sha256=', 'sha1='))).toBe(false);
    expect(verifyGitHubSignature("It's a Secret to Everybody", Buffer.from('Hello, World!'), good.slice(0, -2))).toBe(false);
  });

  it('compares the GitLab token exactly', () => {
    expect(verifyGitLabToken('s3cret-token', 's3cret-token')).toBe(true);
    expect(verifyGitLabToken('s3cret-token', 's3cret-toke')).toBe(false);
    expect(verifyGitLabToken('s3cret-token', '')).toBe(false);
    expect(verifyGitLabToken('s3cret-token', undefined)).toBe(false);
  });

  it('checks both halves of Azure DevOps basic-auth credentials', () => {
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    expect(verifyBasicAuth('strata', 'pa:ss', basic('strata', 'pa:ss'))).toBe(true);
    expect(verifyBasicAuth('strata', 'pa:ss', basic('other', 'pa:ss'))).toBe(false);
    expect(verifyBasicAuth('strata', 'pa:ss', basic('strata', 'pass'))).toBe(false);
    expect(verifyBasicAuth('strata', 'pa:ss', 'Bearer x')).toBe(false);
  });
});
