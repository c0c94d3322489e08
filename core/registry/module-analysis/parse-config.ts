import { InvalidArtifact } from '../../errors';

/** A configuration file in Terraform's JSON shape: block types → labels → block bodies. */
export type ConfigDocument = Record<string, unknown>;

type Hcl2Json = typeof import('@cdktf/hcl2json');

let parser: Promise<Hcl2Json> | undefined;

/**
 * Loads @cdktf/hcl2json on first use. Importing it starts reading and instantiating a Go WASM program, so
 * it is deferred until a module is actually analysed rather than paid by every process that imports this.
 */
function loadParser(): Promise<Hcl2Json> {
  parser ??= import('@cdktf/hcl2json');
  return parser;
}

function invalid(relPath: string, detail: string): InvalidArtifact {
  return new InvalidArtifact(`${relPath} is not valid Terraform configuration: ${detail}`, 'module_hcl_invalid');
}

/** hcl2json wraps HCL's diagnostics as `parse config: [<file>:<line>,<col>-…: <summary>; <detail>]`. */
function parserMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const wrapped = /^parse config: \[([\s\S]*)\]$/.exec(message);
  return wrapped?.[1] ?? message;
}

function isDocument(value: unknown): value is ConfigDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses one `.tf` (native syntax) or `.tf.json` file into Terraform's JSON shape.
 * @param relPath the file's path from the module root, used in messages so the uploader can find it
 * @throws InvalidArtifact `module_hcl_invalid` naming the file and the parser's diagnostic
 */
export async function parseConfigFile(relPath: string, contents: string): Promise<ConfigDocument> {
  if (relPath.endsWith('.json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(contents);
    } catch (err) {
      throw invalid(relPath, err instanceof Error ? err.message : String(err));
    }
    if (!isDocument(doc)) throw invalid(relPath, 'the top level must be a JSON object');
    return doc;
  }
  const { parse } = await loadParser();
  try {
    return await parse(relPath, contents);
  } catch (err) {
    throw invalid(relPath, parserMessage(err));
  }
}
