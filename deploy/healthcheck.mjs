// Container health probe for the api (the Dockerfile's HEALTHCHECK): exits 0 when GET /healthz answers 200.
// It runs beside the api, not inside it, so it reads the api's own PORT and STRATA_TLS_CERT settings to know
// where to knock and whether to speak TLS.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const port = Number(process.env.PORT || 8080);
const useTls = Boolean(process.env.STRATA_TLS_CERT);
const request = useTls ? httpsRequest : httpRequest;

// The certificate names the public host, not 127.0.0.1; this probe only asks whether the process answers.
const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 4000, rejectUnauthorized: false }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  console.error(`healthcheck: ${err.message}`);
  process.exit(1);
});
req.end();
