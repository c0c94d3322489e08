// Search attribute keys spelled out here: workflow code may not import temporal/search-attributes (it pulls in
// @temporalio/common), and a key is only its name and type.
const keyword = (name: string) => ({ name, type: 'KEYWORD' as const });

/** The StrataKind/StrataArtifact/StrataVersion attributes operators filter by in the Temporal UI. */
export function strataAttributes(kind: string, artifact: string, version?: string) {
  return [
    { key: keyword('StrataKind'), value: kind },
    { key: keyword('StrataArtifact'), value: artifact.toLowerCase() },
    ...(version ? [{ key: keyword('StrataVersion'), value: version }] : []),
  ];
}
