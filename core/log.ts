import pino, { type Logger } from 'pino';

export type { Logger };

/** One logger per process; child loggers carry the component and, in the API, the request id. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'strata',
    level: options.level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', '*.token', '*.secret', '*.password'], censor: '[redacted]' },
  });
}
