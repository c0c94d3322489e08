import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';

/*
 * Stand-ins for the cloud identity APIs that cannot run on a closed machine. Each answers the documented request
 * and error shapes of the real service:
 * - Microsoft Entra ID v2.0 token endpoint (client credentials grant; AADSTS errors as OAuth error bodies) and
 *   Azure Resource Manager `GET /subscriptions/{id}` (ARM error envelope `{ error: { code, message } }`).
 * - Google OAuth 2.0 token endpoint (JWT bearer grant, RFC 7523: the assertion's RS256 signature, issuer,
 *   audience and lifetime are verified against the service account's public key), Cloud Resource Manager
 *   `GET /v1/projects/{id}` and IAM `GET /v1/projects/-/serviceAccounts/{email}/keys/{keyId}` (Google's error
 *   envelope `{ error: { code, message, status } }`).
 * - DigitalOcean `GET /v2/account` (`{ id, message }` errors) and Hetzner Cloud `GET /v1/locations`
 *   (`{ error: { code, message } }` errors), both Bearer tokens.
 * `unavailable` makes every API answer 503 for a while (an outage: a check must retry, not call it invalid).
 */

export interface GcpServiceAccount {
  json: string;
  clientEmail: string;
  keyId: string;
  projectId: string;
}

export interface CloudStandIns {
  url: string;
  azure: { tenantId: string; clientId: string; clientSecret: string; subscriptionId: string; subscriptionName: string };
  gcp: { account: GcpServiceAccount; projectName: string; projectNumber: string; keyValidBefore: string };
  digitalocean: { token: string; email: string };
  hetzner: { token: string };
  /** Requests each API saw, for assertions (method + path). */
  seen: string[];
  /** Answers 503 to the next `n` requests. */
  unavailable(n: number): void;
  /** A service account whose key the stand-in does not know (a deleted key): its JWT is refused. */
  foreignServiceAccount(): GcpServiceAccount;
  close(): Promise<void>;
}

function serviceAccount(url: string, projectId: string): { account: GcpServiceAccount; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `deployer@${projectId}.iam.gserviceaccount.com`;
  const keyId = randomBytes(20).toString('hex');
  const json = JSON.stringify({
    type: 'service_account',
    project_id: projectId,
    private_key_id: keyId,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '1' + randomBytes(10).toString('hex').replace(/\D/g, '').padEnd(20, '7').slice(0, 20),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: `${url}/token`,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  });
  return { account: { json, clientEmail, keyId, projectId }, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function startCloudStandIns(): Promise<CloudStandIns> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const azure = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `az~${randomBytes(16).toString('hex')}`, subscriptionId: randomUUID(), subscriptionName: 'Platform Production' };
  const gcpProject = 'acme-infra-42';
  const sa = serviceAccount(url, gcpProject);
  const foreign = serviceAccount(url, gcpProject);
  const keyValidBefore = new Date(Date.now() + 5 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const gcp = { account: sa.account, projectName: 'ACME Infrastructure', projectNumber: '412345678901', keyValidBefore };
  const digitalocean = { token: `dop_v1_${randomBytes(32).toString('hex')}`, email: 'ops@acme.test' };
  const hetzner = { token: randomBytes(32).toString('base64url') };
  const accessTokens = new Map<string, 'azure' | 'gcp'>();
  const seen: string[] = [];
  let outage = 0;
  const gcpPublicKey = await importSPKI(sa.publicKeyPem, 'RS256');

  const bearer = (req: IncomingMessage) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];

  server.on('request', (req, res) => {
    void (async () => {
      const u = new URL(req.url!, url);
      seen.push(`${req.method} ${u.pathname}`);
      if (outage > 0) {
        outage--;
        return send(res, 503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
      }
      // ---- Microsoft Entra ID token endpoint
      const entra = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(u.pathname);
      if (entra && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        const fail = (status: number, error: string, code: number, text: string) =>
          send(res, status, { error, error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
        if (decodeURIComponent(entra[1]!) !== azure.tenantId) return fail(400, 'invalid_request', 90002, `Tenant '${decodeURIComponent(entra[1]!)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
        if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
        if (form.get('client_id') !== azure.clientId) return fail(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory '${azure.tenantId}'.`);
        if (form.get('client_secret') !== azure.clientSecret) return fail(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app \'' + azure.clientId + '\'.');
        if (form.get('scope') !== 'https://management.azure.com/.default') return fail(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
        const token = randomBytes(24).toString('hex');
        accessTokens.set(token, 'azure');
        return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      }
      // ---- Azure Resource Manager
      const sub = /^\/subscriptions\/([^/]+)$/.exec(u.pathname);
      if (sub && req.method === 'GET') {
        const t = bearer(req);
        if (!t || accessTokens.get(t) !== 'azure') return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
        if (!u.searchParams.get('api-version')) return send(res, 400, { error: { code: 'MissingApiVersionParameter', message: "The api-version query parameter (?api-version=) is required for all requests." } });
        const id = decodeURIComponent(sub[1]!);
        if (id !== azure.subscriptionId) return send(res, 404, { error: { code: 'SubscriptionNotFound', message: `The subscription '${id}' could not be found.` } });
        return send(res, 200, {
          id: `/subscriptions/${id}`,
          authorizationSource: 'RoleBased',
          managedByTenants: [],
          subscriptionId: id,
          tenantId: azure.tenantId,
          displayName: azure.subscriptionName,
          state: 'Enabled',
          subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
        });
      }
      // ---- Google OAuth 2.0 token endpoint (JWT bearer grant)
      if (u.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + form.get('grant_type') });
        try {
          const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', gcpPublicKey, { issuer: sa.account.clientEmail, audience: `${url}/token`, algorithms: ['RS256'], maxTokenAge: '1h' });
          if (protectedHeader.kid !== sa.account.keyId || typeof payload.scope !== 'string') throw new Error('kid/scope');
        } catch {
          return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
        }
        const token = `ya29.${randomBytes(24).toString('hex')}`;
        accessTokens.set(token, 'gcp');
        return send(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
      }
      const googleDenied = () => send(res, 403, { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } });
      const googleAuth = () => {
        const t = bearer(req);
        if (t && accessTokens.get(t) === 'gcp') return true;
        send(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', status: 'UNAUTHENTICATED' } });
        return false;
      };
      // ---- Cloud Resource Manager v1
      const project = /^\/v1\/projects\/([^/]+)$/.exec(u.pathname);
      if (project && req.method === 'GET') {
        if (!googleAuth()) return;
        if (decodeURIComponent(project[1]!) !== gcpProject) return googleDenied();
        return send(res, 200, { projectNumber: gcp.projectNumber, projectId: gcpProject, lifecycleState: 'ACTIVE', name: gcp.projectName, createTime: '2024-03-01T10:00:00.000Z' });
      }
      // ---- IAM: the service account's key
      const key = /^\/v1\/projects\/-\/serviceAccounts\/([^/]+)\/keys\/([^/]+)$/.exec(u.pathname);
      if (key && req.method === 'GET') {
        if (!googleAuth()) return;
        const [email, keyId] = [decodeURIComponent(key[1]!), decodeURIComponent(key[2]!)];
        if (email !== sa.account.clientEmail || keyId !== sa.account.keyId) return googleDenied();
        return send(res, 200, {
          name: `projects/${gcpProject}/serviceAccounts/${email}/keys/${keyId}`,
          validAfterTime: '2026-11-01T00:00:00Z',
          validBeforeTime: gcp.keyValidBefore,
          keyAlgorithm: 'KEY_ALG_RSA_2048',
          keyOrigin: 'GOOGLE_PROVIDED',
          keyType: 'USER_MANAGED',
        });
      }
      // ---- DigitalOcean
      if (u.pathname === '/v2/account' && req.method === 'GET') {
        if (bearer(req) !== digitalocean.token) return send(res, 401, { id: 'Unauthorized', message: 'Unable to authenticate you' });
        return send(res, 200, {
          account: {
            droplet_limit: 25,
            floating_ip_limit: 5,
            email: digitalocean.email,
            name: 'Ops',
            uuid: 'b6fr89dbf6d9156cace5f3c78dc9851d957381ef',
            email_verified: true,
            status: 'active',
            status_message: '',
            team: { uuid: '5df3e3004a17e242b7c20ca6c9fc25b701a47ece', name: 'ACME Platform' },
          },
        });
      }
      // ---- Hetzner Cloud
      if (u.pathname === '/v1/locations' && req.method === 'GET') {
        if (bearer(req) !== hetzner.token) return send(res, 401, { error: { code: 'unauthorized', message: 'unable to authenticate', details: {} } });
        const loc = (id: number, name: string, city: string, country: string, zone: string) => ({ id, name, description: `${city} DC Park 1`, country, city, latitude: 0, longitude: 0, network_zone: zone });
        return send(res, 200, {
          locations: [loc(1, 'fsn1', 'Falkenstein', 'DE', 'eu-central'), loc(2, 'nbg1', 'Nuremberg', 'DE', 'eu-central'), loc(3, 'hel1', 'Helsinki', 'FI', 'eu-central')],
          meta: { pagination: { page: 1, per_page: 25, previous_page: null, next_page: null, last_page: 1, total_entries: 3 } },
        });
      }
      send(res, 404, { error: { code: 'not_found', message: `no route ${req.method} ${u.pathname}` } });
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(err) } });
    });
  });

  return {
    url,
    azure,
    gcp,
    digitalocean,
    hetzner,
    seen,
    unavailable: (n) => (outage = n),
    foreignServiceAccount: () => foreign.account,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
