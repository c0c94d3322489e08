import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../core/log';

const ORDER: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * Routes the Temporal SDK's own logs (worker lifecycle, activity failures, bundler output) into the process's
 * pino logger, from `minLevel` up. Call once per process, before any worker is created.
 */
export function installTemporalLogging(log: Logger, minLevel: LogLevel = 'WARN'): void {
  const child = log.child({ component: 'temporal' });
  const enabled = (level: LogLevel) => ORDER.indexOf(level) >= ORDER.indexOf(minLevel);
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (!enabled(level)) return;
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    child[method](meta ?? {}, message);
  };
  Runtime.install({
    logger: {
      log: write,
      trace: (m, meta) => write('TRACE', m, meta),
      debug: (m, meta) => write('DEBUG', m, meta),
      info: (m, meta) => write('INFO', m, meta),
      warn: (m, meta) => write('WARN', m, meta),
      error: (m, meta) => write('ERROR', m, meta),
    },
  });
}
