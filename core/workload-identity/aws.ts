export interface AwsTemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`, when STS says. */
  assumedRoleArn: string | null;
}

/**
 * STS refused the exchange or could not be reached. `retryable` tells a network error, throttling or an
 * unreachable identity provider (try again) from a refusal (the token, the role's trust policy or the request is
 * wrong: trying again changes nothing). `code` is the SDK's name of STS's error (`InvalidIdentityTokenException`, `IDPRejectedClaimException`,
 * `AccessDenied`, …).
 */
export class AwsExchangeError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'AwsExchangeError';
  }
}

// STS errors worth another try (the rest are refusals).
const RETRYABLE_CODES = new Set(['IDPCommunicationErrorException', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalFailure']);

/**
 * A role session name for a run phase: STS allows 2–64 characters of `[\w+=,.@-]`, and CloudTrail shows it,
 * so it names the run.
 */
export function awsSessionName(input: { runId: string; phase: string }): string {
  return `strata-${input.phase}-${input.runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/**
 * Exchanges a Strata run ID token for temporary AWS credentials with `AssumeRoleWithWebIdentity` (an unsigned
 * call: the token is the only credential). The role's trust policy decides, matching the token's issuer,
 * audience and `sub`. `endpoint` targets a compatible or private STS; the caller checks it against the network
 * policy first.
 * @throws AwsExchangeError
 */
export async function exchangeAwsWebIdentity(input: {
  roleArn: string;
  token: string;
  region: string;
  endpoint?: string;
  sessionName: string;
  /** 900 to the role's maximum; STS's default (3600) when unset. */
  durationSeconds?: number;
  signal?: AbortSignal;
}): Promise<AwsTemporaryCredentials> {
  // Loaded on first use: only runs with AWS federation need the SDK (test/startup-imports.test.ts).
  const { AssumeRoleWithWebIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const client = new STSClient({ region: input.region, ...(input.endpoint ? { endpoint: input.endpoint } : {}), maxAttempts: 2 });
  try {
    const out = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        WebIdentityToken: input.token,
        ...(input.durationSeconds ? { DurationSeconds: input.durationSeconds } : {}),
      }),
      { abortSignal: input.signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new AwsExchangeError('STS answered AssumeRoleWithWebIdentity without credentials', 'IncompleteCredentials', true);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? null,
    };
  } catch (err) {
    throw stsExchangeError(err);
  } finally {
    client.destroy();
  }
}

/** An error of the STS client as an {@link AwsExchangeError}: a refusal, or worth another try. */
export function stsExchangeError(err: unknown): AwsExchangeError {
  if (err instanceof AwsExchangeError) return err;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  const code = e.name ?? 'Error';
  // No HTTP status: the request never got an answer (DNS, connection refused, reset, timeout).
  const retryable = status === undefined || status >= 500 || status === 429 || RETRYABLE_CODES.has(code) || Boolean(e.$retryable);
  const message = status === undefined ? `STS could not be reached: ${e.message ?? code}` : `STS refused AssumeRoleWithWebIdentity (${code}): ${e.message ?? ''}`.trim();
  return new AwsExchangeError(message, code, retryable);
}
