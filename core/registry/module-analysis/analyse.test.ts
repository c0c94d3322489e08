import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArtifact } from '../../errors';
import { analyseModule } from './index';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'strata-analyse-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), contents);
  }
}

const realisticModule: Record<string, string> = {
  'README.md': '# AWS VPC\n\nCreates a VPC with private subnets.\n',
  'versions.tf': `
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 6.0"
    }
    random = ">= 3.0"
  }
}
`,
  'variables.tf': `
variable "name" {
  description = "Name prefix for every resource"
  type        = string
}

variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "subnets" {
  description = <<-EOT
    Private subnets to create.
  EOT
  type = list(object({
    cidr = string
    az   = optional(string)
  }))
  default = [{ cidr = "10.0.1.0/24" }]
}

variable "az_count" {
  type    = number
  default = null
}

variable "enable_nat" {
  type    = bool
  default = false
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "extra" {}
`,
  'main.tf': `
provider "null" {}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "private" {
  count      = length(var.subnets)
  vpc_id     = aws_vpc.this.id
  cidr_block = var.subnets[count.index].cidr
}

resource "random_id" "suffix" {
  byte_length = 4
}

module "endpoints" {
  source = "./modules/endpoints"
  vpc_id = aws_vpc.this.id
}

module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"
}
`,
  'outputs.tf': `
output "vpc_id" {
  description = "ID of the VPC"
  value       = aws_vpc.this.id
}

output "db_password" {
  value     = var.db_password
  sensitive = true
}
`,
  // Terraform skips dotfiles and editor backups, and so must the analysis: these would not parse.
  '.scratch.tf': 'this is { not HCL',
  'main.tf~': 'this is { not HCL',
  'modules/.hidden/main.tf': 'this is { not HCL',
  'modules/endpoints/main.tf': 'variable "vpc_id" {\n  type = string\n}\n',
  'modules/vpc/readme.md': 'The VPC submodule.\n',
  'modules/vpc/main.tf': `
resource "aws_vpc" "this" {
  cidr_block = var.cidr
}
`,
  'modules/vpc/variables.tf.json': JSON.stringify({
    '//': 'generated',
    variable: { cidr: { type: 'string', default: '10.0.0.0/16' }, zones: [{ type: 'list(string)' }] },
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.1' } } },
  }),
  'modules/docs-only/README': 'Nothing to configure here.\n',
  'examples/basic/README.md': '# Basic example\n',
  'examples/basic/main.tf': `
module "vpc" {
  source = "../.."
  name   = "example"
}
`,
};

describe('analyseModule', () => {
  it('describes the root module, its submodules and its examples', async () => {
    await write(realisticModule);
    const analysis = await analyseModule(root);

    expect(analysis.root).toMatchObject({ path: '', name: '', empty: false });
    expect(analysis.root.readme).toBe('# AWS VPC\n\nCreates a VPC with private subnets.\n');
    expect(analysis.root.inputs).toEqual([
      { name: 'az_count', type: 'number', description: null, default: null, required: false, sensitive: false },
      { name: 'cidr', type: 'string', description: null, default: '10.0.0.0/16', required: false, sensitive: false },
      { name: 'db_password', type: 'string', description: null, default: null, required: true, sensitive: true },
      { name: 'enable_nat', type: 'bool', description: null, default: false, required: false, sensitive: false },
      { name: 'extra', type: null, description: null, default: null, required: true, sensitive: false },
      {
        name: 'name',
        type: 'string',
        description: 'Name prefix for every resource',
        default: null,
        required: true,
        sensitive: false,
      },
      {
        name: 'subnets',
        type: 'list(object({\n  cidr = string\n  az   = optional(string)\n}))',
        description: 'Private subnets to create.',
        default: [{ cidr: '10.0.1.0/24' }],
        required: false,
        sensitive: false,
      },
      { name: 'tags', type: 'map(string)', description: null, default: {}, required: false, sensitive: false },
    ]);
    expect(analysis.root.outputs).toEqual([
      { name: 'db_password', description: null, sensitive: true },
      { name: 'vpc_id', description: 'ID of the VPC', sensitive: false },
    ]);
    expect(analysis.root.providerRequirements).toEqual([
      { name: 'aws', source: 'hashicorp/aws', versionConstraints: ['>= 5.0, < 6.0'] },
      { name: 'null', source: null, versionConstraints: [] },
      { name: 'random', source: null, versionConstraints: ['>= 3.0'] },
    ]);
    expect(analysis.root.resources).toEqual([
      { mode: 'data', type: 'aws_availability_zones', name: 'available' },
      { mode: 'managed', type: 'aws_subnet', name: 'private' },
      { mode: 'managed', type: 'aws_vpc', name: 'this' },
      { mode: 'managed', type: 'random_id', name: 'suffix' },
    ]);
    expect(analysis.root.moduleCalls).toEqual([
      { name: 'endpoints', source: './modules/endpoints', version: null },
      { name: 'label', source: 'cloudposse/label/null', version: '0.25.0' },
    ]);

    expect(analysis.submodules.map((unit) => [unit.path, unit.name, unit.empty])).toEqual([
      ['modules/docs-only', 'docs-only', true],
      ['modules/endpoints', 'endpoints', false],
      ['modules/vpc', 'vpc', false],
    ]);
    expect(analysis.submodules[0]?.readme).toBe('Nothing to configure here.\n');
    const vpc = analysis.submodules[2];
    expect(vpc?.readme).toBe('The VPC submodule.\n');
    expect(vpc?.inputs).toEqual([
      { name: 'cidr', type: 'string', description: null, default: '10.0.0.0/16', required: false, sensitive: false },
      { name: 'zones', type: 'list(string)', description: null, default: null, required: true, sensitive: false },
    ]);
    expect(vpc?.providerRequirements).toEqual([{ name: 'aws', source: 'hashicorp/aws', versionConstraints: ['~> 5.1'] }]);
    expect(vpc?.resources).toEqual([{ mode: 'managed', type: 'aws_vpc', name: 'this' }]);

    expect(analysis.examples).toHaveLength(1);
    expect(analysis.examples[0]).toMatchObject({ path: 'examples/basic', name: 'basic', readme: '# Basic example\n' });
    expect(analysis.examples[0]?.moduleCalls).toEqual([{ name: 'vpc', source: '../..', version: null }]);
  });

  it('gives the same, JSON-serialisable result every time', async () => {
    await write(realisticModule);
    const first = await analyseModule(root);
    const second = await analyseModule(root);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('names the file and the parser diagnostic when a .tf file does not parse', async () => {
    await write({
      'main.tf': 'variable "ok" {}\n',
      'modules/vpc/broken.tf': 'variable "cidr" {\n  type =\n}\n',
    });
    const failure = await analyseModule(root).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(InvalidArtifact);
    expect(failure).toMatchObject({ code: 'module_hcl_invalid', kind: 'invalid_artifact' });
    expect((failure as Error).message).toMatch(/^modules\/vpc\/broken\.tf is not valid Terraform configuration: modules\/vpc\/broken\.tf:2,/);
    expect((failure as Error).message).toContain('Invalid expression');
  });

  it('rejects a .tf.json file that is not JSON', async () => {
    await write({ 'main.tf.json': '{"variable": ' });
    await expect(analyseModule(root)).rejects.toMatchObject({ code: 'module_hcl_invalid', message: expect.stringContaining('main.tf.json') });
  });

  it('reports a directory without configuration as empty', async () => {
    await write({ 'README.md': 'docs only' });
    const analysis = await analyseModule(root);
    expect(analysis).toEqual({
      root: {
        path: '',
        name: '',
        readme: 'docs only',
        empty: true,
        inputs: [],
        outputs: [],
        providerRequirements: [],
        resources: [],
        moduleCalls: [],
      },
      submodules: [],
      examples: [],
    });
  });

  it('does not follow symlinks to files or directories', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'strata-outside-'));
    try {
      await writeFile(join(outside, 'secret.tf'), 'variable "leaked" {}\n');
      await writeFile(join(outside, 'README.md'), 'outside readme');
      await write({ 'main.tf': 'variable "own" {}\n', 'modules/real/main.tf': '' });
      await symlink(join(outside, 'secret.tf'), join(root, 'linked.tf'));
      await symlink(join(outside, 'README.md'), join(root, 'README.md'));
      await symlink(outside, join(root, 'modules', 'linked'));
      await symlink(outside, join(root, 'examples'));
      const analysis = await analyseModule(root);
      expect(analysis.root.inputs.map((input) => input.name)).toEqual(['own']);
      expect(analysis.root.readme).toBeNull();
      expect(analysis.submodules.map((unit) => unit.path)).toEqual(['modules/real']);
      expect(analysis.examples).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('cuts a long README on a character boundary and matches README in any case', async () => {
    await write({ 'Readme.MD': 'ééé' });
    const analysis = await analyseModule(root, { maxReadmeBytes: 5 });
    expect(analysis.root.readme).toBe('éé');
  });

  it('applies override files on top of the declarations they override', async () => {
    await write({
      'variables.tf': 'variable "region" {\n  type = string\n  default = "eu-west-1"\n}\n',
      'override.tf': 'variable "region" {\n  default = "us-east-1"\n}\n',
      'versions.tf': 'terraform {\n  required_providers {\n    aws = ">= 4.0"\n  }\n}\n',
      'providers_override.tf': 'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}\n',
    });
    const { root: unit } = await analyseModule(root);
    expect(unit.inputs).toEqual([
      { name: 'region', type: 'string', description: null, default: 'us-east-1', required: false, sensitive: false },
    ]);
    expect(unit.providerRequirements).toEqual([{ name: 'aws', source: 'hashicorp/aws', versionConstraints: ['>= 5.0'] }]);
  });
});
