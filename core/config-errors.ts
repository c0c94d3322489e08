import type { z } from 'zod';

/** One bad environment variable: which one, what is wrong, and how to fix it. */
export interface ConfigProblem {
  variable: string;
  problem: string;
  fix: string;
}

/** The environment cannot be used; every problem is listed, none carries a secret value. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// How to fix each variable, in the words an operator needs; anything not listed points at the README table.
const FIXES: Record<string, string> = {
  PORT: 'set it to a TCP port number between 0 and 65535',
  STRATA_PUBLIC_URL: 'set it to the absolute URL clients reach Strata under, e.g. https://registry.example.com',
  STRATA_TLS_CERT: 'set STRATA_TLS_CERT and STRATA_TLS_KEY together (PEM files), or neither',
  STRATA_BOOTSTRAP_TOKEN: 'use a random value of at least 20 characters, e.g. $(openssl rand -hex 24), or unset it to have one generated',
  STRATA_SIGNING_SECRET: 'use a random value of at least 32 characters, e.g. $(openssl rand -hex 32), or unset it to have one generated',
  STRATA_ENCRYPTION_KEY: 'use 32 random bytes in hex or base64, e.g. $(openssl rand -hex 32), or unset it to have one generated',
  STRATA_ALLOW_PRIVATE_NETWORKS: 'set it to true or false',
  STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'set it to true or false',
  STRATA_VCS_RECONCILE_MINUTES: 'set it to a whole number of minutes between 1 and 1440',
  STRATA_STORAGE: 'set it to local, s3 or azure',
  STRATA_S3_BUCKET: 'set it to the name of an existing bucket',
  STRATA_S3_ACCESS_KEY_ID: 'set both STRATA_S3_ACCESS_KEY_ID and STRATA_S3_SECRET_ACCESS_KEY, or neither to use the AWS default credential chain',
  STRATA_S3_FORCE_PATH_STYLE: 'set it to true or false',
  STRATA_AZURE_CONTAINER: 'set it to the name of an existing blob container',
  STRATA_AZURE_CONNECTION_STRING: 'see the Azure settings in the Configuration table of README.md',
  STRATA_SIGNED_URL_TTL_SECONDS: 'set it to a whole number of seconds, at least 60',
  STRATA_SERVE_WEB: 'set it to true or false',
  STRATA_OIDC_ISSUER: "set it to the identity provider's issuer URL (https), with STRATA_OIDC_CLIENT_ID and STRATA_OIDC_CLIENT_SECRET",
  STRATA_OIDC_CLIENT_ID: 'set STRATA_OIDC_ISSUER, STRATA_OIDC_CLIENT_ID and STRATA_OIDC_CLIENT_SECRET together, or none of them',
  STRATA_OIDC_CLIENT_SECRET: 'set STRATA_OIDC_ISSUER, STRATA_OIDC_CLIENT_ID and STRATA_OIDC_CLIENT_SECRET together, or none of them',
  STRATA_OIDC_PROVIDERS: 'set it to a JSON array like [{"id":"okta","name":"Okta","issuer":"https://…","clientId":"…","clientSecret":"…"}] with unique ids',
  LOG_LEVEL: 'set it to fatal, error, warn, info, debug, trace or silent',
};

/** Values never echoed back, because they are or may contain credentials. */
const SECRET = /TOKEN|SECRET|KEY|PASSWORD|CONNECTION_STRING|DATABASE_URL/;

function describeIssue(issue: z.core.$ZodIssue, variable: string, value: string | undefined): string {
  const shown = (v: string) => (SECRET.test(variable) ? '' : ` (got ${JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v)})`);
  switch (issue.code) {
    case 'custom':
      // Our own rules read as a sentence after the variable name ("is required when …", "… must be set together").
      if (issue.message.startsWith('required')) return `is ${issue.message}`;
      return issue.message.startsWith(variable) ? issue.message : `is not set correctly: ${issue.message}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}${value === undefined ? '' : shown(value)}`;
    case 'invalid_format':
      return `must be ${issue.format === 'url' ? 'an absolute URL' : `a valid ${issue.format}`}${value === undefined ? '' : shown(value)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `is too short (at least ${String(issue.minimum)} characters)`
        : `must be at least ${String(issue.minimum)}${value === undefined ? '' : shown(value)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `is too long (at most ${String(issue.maximum)} characters)`
        : `must be at most ${String(issue.maximum)}${value === undefined ? '' : shown(value)}`;
    case 'invalid_type':
      if (value === undefined) return 'is required';
      return `must be ${issue.expected === 'int' || issue.expected === 'number' ? 'a whole number' : `a ${issue.expected}`}${shown(value)}`;
    default:
      return `is invalid: ${issue.message}`;
  }
}

/** Turns zod's issues about the environment into one problem per variable, each with its fix. */
export function configProblems(issues: readonly z.core.$ZodIssue[], env: NodeJS.ProcessEnv): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const variable = issue.path.length ? String(issue.path[0]) : (issue.message.match(/^[A-Z][A-Z0-9_]+/)?.[0] ?? 'configuration');
    const problem = describeIssue(issue, variable, env[variable]);
    if (seen.has(`${variable}\0${problem}`)) continue;
    seen.add(`${variable}\0${problem}`);
    problems.push({ variable, problem, fix: FIXES[variable] ?? 'see the Configuration table in README.md' });
  }
  return problems;
}

/** The lines printed when Strata cannot start because of its configuration. */
export function formatConfigError(err: ConfigError): string {
  return err.problems
    .map((p) => {
      const sentence = p.problem.startsWith(p.variable) ? p.problem : `${p.variable} ${p.problem}`;
      return `Strata cannot start: ${sentence} — ${p.fix}`;
    })
    .join('\n');
}
