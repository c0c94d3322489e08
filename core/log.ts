import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { currentTraceId } from './observability/trace-context';
import { activeSpanTraceId } from './observability/tracing';

export type { Logger };

/** `json` for machines (one object per line), `pretty` for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * One logger per process; child loggers carry the component and, in the API, the request id. Every line written
 * inside a traced piece of work carries its `traceId`.
 */
export function createLogger(options: { level: string; name?: string; format?: LogFormat; destination?: pino.DestinationStream }): Logger {
  const settings: pino.LoggerOptions = {
    name: options.name ?? 'strata',
    level: options.level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', '*.token', '*.secret', '*.password'], censor: '[redacted]' },
    mixin: () => {
      // With OpenTelemetry on, the active span's trace (the one exported); else the request's propagated id.
      const traceId = activeSpanTraceId() ?? currentTraceId();
      return traceId ? { traceId } : {};
    },
  };
  if (options.destination) return pino(settings, options.destination);
  if (options.format === 'pretty') {
    return pino(settings, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
  }
  return pino(settings);
}
