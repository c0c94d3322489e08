import { describe, expect, it } from 'vitest';
import { workflowSubject } from './workflow-subject';

describe('workflow subjects', () => {
  it('links a publish workflow to what it published', () => {
    expect(workflowSubject('module-publish:acme/net/aws/1.0.0')).toEqual({ kind: 'module-publish', subject: 'acme/net/aws 1.0.0', href: '/modules/acme/net/aws/1.0.0' });
    expect(workflowSubject('provider-publish:acme/thing/2.0.0')).toEqual({ kind: 'provider-publish', subject: 'acme/thing 2.0.0', href: '/providers/acme/thing/2.0.0' });
    expect(workflowSubject('something:else').href).toBeNull();
  });
});

describe('Temporal UI links', async () => {
  const { temporalRunUrl } = await import('./workflow-subject');
  it('point at the run shown, whether or not the API already named it', () => {
    const base = 'http://localhost:8233/namespaces/default/workflows/module-publish%3Aa%2Fb%2Fc%2F1.0.0';
    expect(temporalRunUrl({ temporalUiUrl: base, runId: 'r-1' })).toBe(`${base}/r-1/history`);
    expect(temporalRunUrl({ temporalUiUrl: `${base}/r-1/history`, runId: 'r-1' })).toBe(`${base}/r-1/history`);
  });
});
