import { describe, expect, it } from 'vitest';
import { identifier, moduleSnippet, networkMirrorSnippet, requiredProvidersSnippet, versionConstraint } from './snippets';

describe('version constraints', () => {
  it('allows compatible updates from 1.0, patch updates before 1.0, and pins pre-releases', () => {
    expect(versionConstraint('1.4.2')).toBe('~> 1.4');
    expect(versionConstraint('12.0.0')).toBe('~> 12.0');
    expect(versionConstraint('0.3.1')).toBe('~> 0.3.1');
    expect(versionConstraint('2.0.0-rc.1')).toBe('2.0.0-rc.1');
    expect(versionConstraint('1.0.0+build.5')).toBe('~> 1.0');
  });
});

describe('module snippet', () => {
  it('is a module block with the registry host, the address, a ~> constraint and the required inputs', () => {
    const snippet = moduleSnippet({
      host: 'registry.example.com',
      namespace: 'acme',
      name: 'vpc-network',
      system: 'aws',
      version: '1.2.3',
      inputs: [
        { name: 'cidr', type: 'string', required: true, description: null },
        { name: 'azs', type: 'list(string)', required: true, description: null },
        { name: 'tags', type: 'map(string)', required: false, description: null },
      ],
    });
    expect(snippet).toBe(
      [
        'module "vpc_network" {',
        '  source  = "registry.example.com/acme/vpc-network/aws"',
        '  version = "~> 1.2"',
        '',
        '  cidr = "" # string',
        '  azs  = [] # list(string)',
        '}',
      ].join('\n'),
    );
  });

  it('points a submodule at its subdirectory and names the block after it', () => {
    const snippet = moduleSnippet({ host: 'r.example.com:8443', namespace: 'acme', name: 'net', system: 'aws', version: '0.9.0', unitPath: 'modules/subnet' });
    expect(snippet).toContain('module "subnet" {');
    expect(snippet).toContain('source  = "r.example.com:8443/acme/net/aws//modules/subnet"');
    expect(snippet).toContain('version = "~> 0.9.0"');
  });

  it('makes identifiers valid HCL labels', () => {
    expect(identifier('3tier')).toBe('m_3tier');
    expect(identifier('a.b-c')).toBe('a_b_c');
  });
});

describe('provider snippets', () => {
  it('writes required_providers with the hosted source', () => {
    const s = requiredProvidersSnippet({ host: 'registry.example.com', namespace: 'acme', type: 'thing', version: '2.1.0' });
    expect(s).toContain('thing = {');
    expect(s).toContain('source  = "registry.example.com/acme/thing"');
    expect(s).toContain('version = "~> 2.1"');
  });

  it('sends only this host through the mirror, over https, with the trailing slash clients need', () => {
    const s = networkMirrorSnippet({ origin: 'http://registry.example.com', host: 'registry.example.com' });
    expect(s).toContain('url     = "https://registry.example.com/v1/mirror/"');
    expect(s).toContain('include = ["registry.example.com/*/*"]');
    expect(s).toContain('exclude = ["registry.example.com/*/*"]');
  });
});
