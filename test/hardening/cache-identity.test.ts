import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProtocolPath } from '../../api/protocol/protocol-request';
import { blobLink, blobLinkKey, verifyBlobSignature } from '../../core/storage/url-signing';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

// "Distinct artifacts never share an answer": versions that differ only in case are distinct (semver pre-release
// identifiers are case-sensitive), while namespaces, names, systems and provider types are matched
// case-insensitively (PROTOCOLS.md).

/**
 * As written most of the time (so that reads of the same or of nearly the same thing meet in the cache), else
 * with random upper/lower case of every letter and random percent-encoding of any character.
 */
const spelled = (text: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(text) },
    fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: text.length, maxLength: text.length }).map((choices) =>
      [...text]
        .map((ch, i) => {
          const [upper, encode] = choices[i]!;
          const c = upper ? ch.toUpperCase() : ch.toLowerCase();
          return encode ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c;
        })
        .join(''),
    ),
  );
/** As written most of the time, else with random percent-encoding: the case stays as written. */
const encoded = (text: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(text) },
    fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((choices) =>
      [...text].map((ch, i) => (choices[i] ? `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch)).join(''),
    ),
  );

describe('protocol cache keys are exactly the identity of the answer', () => {
  // Small pools so that generated pairs often collide in some fields and differ in others.
  const names = ['acme', 'Acme', 'ACME', 'other'];
  const versions = ['1.0.0-RC1', '1.0.0-rc1', '1.0.0-Rc1', '1.0.0', '1.0.0+B1', '1.0.0+b1'];
  const platforms = ['linux', 'Linux', 'amd64', 'AMD64'];
  const hosts = ['registry.example.com', 'Registry.Example.COM', 'other.example'];

  const request = fc.oneof(
    fc.record({ kind: fc.constant('mv'), ns: fc.constantFrom(...names), name: fc.constantFrom(...names), system: fc.constantFrom('aws', 'AWS', 'gcp') }),
    fc.record({
      kind: fc.constant('md'),
      ns: fc.constantFrom(...names),
      name: fc.constantFrom(...names),
      system: fc.constantFrom('aws', 'AWS'),
      version: fc.constantFrom(...versions),
    }),
    fc.record({ kind: fc.constant('pv'), ns: fc.constantFrom(...names), type: fc.constantFrom(...names) }),
    fc.record({
      kind: fc.constant('pd'),
      ns: fc.constantFrom(...names),
      type: fc.constantFrom(...names),
      version: fc.constantFrom(...versions),
      os: fc.constantFrom(...platforms),
      arch: fc.constantFrom(...platforms),
    }),
    fc.record({ kind: fc.constant('mi'), host: fc.constantFrom(...hosts), ns: fc.constantFrom(...names), type: fc.constantFrom(...names) }),
    fc.record({
      kind: fc.constant('mj'),
      host: fc.constantFrom(...hosts),
      ns: fc.constantFrom(...names),
      type: fc.constantFrom(...names),
      version: fc.constantFrom(...versions),
    }),
  );
  type Req = { kind: string; ns: string; name?: string; system?: string; type?: string; version?: string; os?: string; arch?: string; host?: string };

  /** The identity as PROTOCOLS.md defines it, written independently of the implementation. */
  function identity(r: Req): string {
    const ci = (s?: string) => s?.toLowerCase();
    return JSON.stringify([r.kind, ci(r.host), ci(r.ns), ci(r.name), ci(r.system), ci(r.type), r.version, r.os, r.arch]);
  }

  /** A path for the request, spelled in any way a client may send it. */
  function pathFor(r: Req): fc.Arbitrary<string> {
    const ci = (s: string) => spelled(s);
    const exact = (s: string) => encoded(s);
    switch (r.kind) {
      case 'mv':
        return fc.tuple(ci(r.ns), ci(r.name!), ci(r.system!)).map((p) => `/v1/modules/${p.join('/')}/versions`);
      case 'md':
        return fc.tuple(ci(r.ns), ci(r.name!), ci(r.system!), exact(r.version!)).map((p) => `/v1/modules/${p.join('/')}/download`);
      case 'pv':
        return fc.tuple(ci(r.ns), ci(r.type!)).map((p) => `/v1/providers/${p.join('/')}/versions`);
      case 'pd':
        return fc
          .tuple(ci(r.ns), ci(r.type!), exact(r.version!), exact(r.os!), exact(r.arch!))
          .map(([ns, type, version, os, arch]) => `/v1/providers/${ns}/${type}/${version}/download/${os}/${arch}`);
      case 'mi':
        return fc.tuple(ci(r.host!), ci(r.ns), ci(r.type!)).map((p) => `/v1/mirror/${p.join('/')}/index.json`);
      default:
        return fc.tuple(ci(r.host!), ci(r.ns), ci(r.type!), exact(r.version!)).map(([h, ns, type, v]) => `/v1/mirror/${h}/${ns}/${type}/${v}.json`);
    }
  }

  const spelledRequest = request.chain((r) => pathFor(r as Req).map((path) => ({ r: r as Req, path })));

  it('two paths share a key exactly when they name the same thing', () => {
    fc.assert(
      fc.property(spelledRequest, spelledRequest, (a, b) => {
        const ka = parseProtocolPath(a.path)?.key;
        const kb = parseProtocolPath(b.path)?.key;
        expect(ka, a.path).toBeDefined();
        expect(kb, b.path).toBeDefined();
        expect(ka === kb, `${a.path} vs ${b.path}`).toBe(identity(a.r) === identity(b.r));
      }),
      { numRuns: 5000 },
    );
  });

  it('paths with segments that decode to a separator or control character are not protocol reads', () => {
    expect(parseProtocolPath('/v1/modules/a%00b/c/aws/versions')).toBeNull();
    // `a%2Fb/c` and `a/b%2Fc` decode to the same characters but are different addresses.
    const one = parseProtocolPath('/v1/providers/a%2Fb/c/versions');
    const other = parseProtocolPath('/v1/providers/a/b%2Fc/versions');
    expect(one?.key).not.toBe(other?.key);
  });

  it('a signed link names exactly one blob, and its signature is valid for no other', () => {
    const segment = fc.stringMatching(/^[0-9A-Za-z+_-][0-9A-Za-z._+-]{0,15}$/);
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    const secret = 'test-secret';
    const expiresAt = new Date(Date.now() + 3600_000);
    fc.assert(
      fc.property(key, key, (a, b) => {
        const link = new URL(blobLink({ publicUrl: 'https://r.example', secret, key: a, expiresAt }));
        expect(blobLinkKey(link.pathname)).toBe(a);
        const other = new URL(blobLink({ publicUrl: 'https://r.example', secret, key: b, expiresAt }));
        const crossed = verifyBlobSignature({
          secret,
          path: other.pathname,
          expires: link.searchParams.get('expires'),
          signature: link.searchParams.get('signature'),
          nowUnix: Math.floor(Date.now() / 1000),
        });
        expect(crossed).toBe(a === b);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('versions that differ only in case are served their own bytes (real platform)', () => {
  let platform: Platform;
  let call: ReturnType<typeof clientFor>;
  let work: string;
  const versions = ['1.0.0-RC1', '1.0.0-rc1', '1.0.0-Rc1', '1.0.0'];
  const sha256 = new Map<string, string>();

  beforeAll(async () => {
    platform = await startPlatform();
    call = clientFor(platform);
    work = await mkdtemp(join(tmpdir(), 'strata-identity-'));
    for (const version of versions) {
      const { bytes } = await writeDemoModule(work, version);
      const res = await call(`/api/v1/modules/acme/demo/aws/${version}?wait=true`, {
        method: 'POST',
        body: bytes,
        headers: { 'content-type': 'application/gzip' },
      });
      expect(res.status, res.body.toString()).toBe(201);
      sha256.set(version, createHash('sha256').update(bytes).digest('hex'));
    }
  });

  afterAll(async () => {
    await platform?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('any sequence of differently spelled reads, from an empty cache, gets each version its own archive', async () => {
    const read = fc.oneof(
      fc
        .tuple(spelled('acme'), spelled('demo'), spelled('aws'), fc.constantFrom(...versions).chain((v) => encoded(v).map((path) => ({ v, path }))))
        .map(([ns, name, system, v]) => ({ kind: 'download' as const, version: v.v, path: `/v1/modules/${ns}/${name}/${system}/${v.path}/download` })),
      fc
        .tuple(spelled('acme'), spelled('demo'), spelled('aws'))
        .map(([ns, name, system]) => ({ kind: 'versions' as const, version: '', path: `/v1/modules/${ns}/${name}/${system}/versions` })),
      fc
        .constantFrom('1.0.0-rC1', '1.0.0-RC2', '1.0.0-RC1.0')
        .map((v) => ({ kind: 'missing' as const, version: v, path: `/v1/modules/acme/demo/aws/${v}/download` })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(read, { minLength: 2, maxLength: 10 }), async (reads) => {
        platform.api.cache.clear();
        for (const r of reads) {
          const res = await call(r.path, { token: null });
          if (r.kind === 'missing') {
            expect(res.status, r.path).toBe(404);
          } else if (r.kind === 'versions') {
            expect(res.status).toBe(200);
            const listed = res.json().modules[0].versions.map((v: { version: string }) => v.version);
            expect(new Set(listed)).toEqual(new Set(versions));
          } else {
            expect(res.status, r.path).toBe(204);
            const archive = await call(res.headers['x-terraform-get'] as string, { token: null });
            expect(archive.status).toBe(200);
            expect(createHash('sha256').update(archive.body).digest('hex'), `${r.path} served another version's archive`).toBe(sha256.get(r.version));
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
