import { startTracing } from '../core/observability/tracing';

// Imported first by the API entry point, so tracing (when configured) hooks `http` and `pg` before they load.
startTracing('strata-api');
