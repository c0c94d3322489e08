/** A `variable` block. */
export interface ModuleInput {
  name: string;
  /** The type constraint as written, e.g. `string`, `list(string)`, `map(object({...}))`; null when untyped. */
  type: string | null;
  description: string | null;
  /**
   * The default in Terraform's JSON form, as parsed: literals as JSON values, any expression as a `"${…}"`
   * string (so a literal `"${x}"` reads `"$${x}"`). null when there is no default.
   */
  default: unknown;
  /** True when the block has no `default` attribute (`default = null` makes a variable optional). */
  required: boolean;
  sensitive: boolean;
}

/** An `output` block. */
export interface ModuleOutput {
  name: string;
  description: string | null;
  sensitive: boolean;
}

/** A provider the module needs, from `required_providers` and `provider` blocks. */
export interface ProviderRequirement {
  /** The local name, e.g. `aws`. */
  name: string;
  /** e.g. `hashicorp/aws`; null when no declaration gives one (Terraform then assumes `hashicorp/<name>`). */
  source: string | null;
  /** One entry per declaration that constrains the version, as written (`>= 5.0, < 6.0`). */
  versionConstraints: string[];
}

export interface ModuleResource {
  type: string;
  name: string;
  mode: 'managed' | 'data';
}

/** A `module` block calling another module. */
export interface ModuleCall {
  name: string;
  source: string | null;
  version: string | null;
}

/** One Terraform module directory: the root, a submodule or an example. */
export interface ModuleUnit {
  /** Slash-separated path from the module root: `''` for the root, `modules/vpc`, `examples/basic`. */
  path: string;
  /** The directory name; `''` for the root, whose name only the caller knows. */
  name: string;
  readme: string | null;
  /** True when the directory holds no `.tf` or `.tf.json` file. */
  empty: boolean;
  inputs: ModuleInput[];
  outputs: ModuleOutput[];
  providerRequirements: ProviderRequirement[];
  resources: ModuleResource[];
  moduleCalls: ModuleCall[];
}

export interface ModuleAnalysis {
  root: ModuleUnit;
  /** Every non-hidden directory directly under `modules/`, by path. */
  submodules: ModuleUnit[];
  /** Every non-hidden directory directly under `examples/`, by path. */
  examples: ModuleUnit[];
}
