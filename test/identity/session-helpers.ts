import type { clientFor, TestResponse } from '../harness/http';

type Call = ReturnType<typeof clientFor>;

export const json = { 'content-type': 'application/json' };

/** A user created by the platform admin (the bootstrap token), with a strong password. */
export async function createUser(call: Call, email: string, name = email.split('@')[0]!): Promise<{ id: string; email: string; password: string }> {
  const password = `correct horse ${email} battery`;
  const res = await call('/api/v1/users', { method: 'POST', headers: json, body: JSON.stringify({ email, name, password }) });
  if (res.status !== 201) throw new Error(`creating ${email}: ${res.status} ${res.body.toString()}`);
  return { id: res.json().id, email, password };
}

/** Signs in with email + password: the session cookie and the CSRF token, as a browser would hold them. */
export async function signIn(call: Call, email: string, password: string): Promise<{ cookie: string; csrf: string; res: TestResponse }> {
  const res = await call('/api/v1/auth/login', { method: 'POST', token: null, headers: json, body: JSON.stringify({ email, password }) });
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('strata_session=')) ?? '';
  return { cookie, csrf: res.status === 200 ? res.json().csrfToken : '', res };
}

/** A personal API token of a user, made through their session (`scopes` narrows it). */
export async function userToken(call: Call, session: { cookie: string; csrf: string }, scopes?: string[]): Promise<string> {
  const res = await call('/api/v1/tokens', {
    method: 'POST',
    token: null,
    headers: { ...json, cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: JSON.stringify({ name: `t-${Date.now()}`, ...(scopes ? { scopes } : {}) }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${res.body.toString()}`);
  return res.json().token;
}

export async function createOrg(call: Call, token: string, name: string): Promise<void> {
  const res = await call('/api/v1/orgs', { method: 'POST', token, headers: json, body: JSON.stringify({ name }) });
  if (res.status !== 201) throw new Error(`org ${name}: ${res.status} ${res.body.toString()}`);
}

export async function addMember(call: Call, token: string, org: string, email: string, role: string): Promise<void> {
  const res = await call(`/api/v1/orgs/${org}/members`, { method: 'POST', token, headers: json, body: JSON.stringify({ email, role }) });
  if (res.status !== 201) throw new Error(`member ${email}: ${res.status} ${res.body.toString()}`);
}

export async function createNamespace(call: Call, token: string, org: string, name: string, visibility?: 'private' | 'public'): Promise<void> {
  const res = await call(`/api/v1/orgs/${org}/namespaces`, { method: 'POST', token, headers: json, body: JSON.stringify({ name, ...(visibility ? { visibility } : {}) }) });
  if (res.status !== 201) throw new Error(`namespace ${name}: ${res.status} ${res.body.toString()}`);
}
