import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * Custom search attributes every Strata workflow carries, so operators can filter in the Temporal UI.
 * Free of Node APIs: workflows import this file as well as the API and the worker.
 */
export const StrataKind = defineSearchAttributeKey('StrataKind', SearchAttributeType.KEYWORD);
export const StrataOrg = defineSearchAttributeKey('StrataOrg', SearchAttributeType.KEYWORD);
export const StrataArtifact = defineSearchAttributeKey('StrataArtifact', SearchAttributeType.KEYWORD);
export const StrataVersion = defineSearchAttributeKey('StrataVersion', SearchAttributeType.KEYWORD);
export const StrataWorkspace = defineSearchAttributeKey('StrataWorkspace', SearchAttributeType.KEYWORD);

export const strataSearchAttributes = [StrataKind, StrataOrg, StrataArtifact, StrataVersion, StrataWorkspace];

/** The StrataKind/StrataOrg/StrataArtifact/StrataVersion attributes of one workflow, typed for `typedSearchAttributes`. */
export function strataAttributes(input: { kind: string; artifact?: string; version?: string; org?: string }): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [{ key: StrataKind, value: input.kind }];
  if (input.org) pairs.push({ key: StrataOrg, value: input.org });
  if (input.artifact) pairs.push({ key: StrataArtifact, value: input.artifact.toLowerCase() });
  if (input.version) pairs.push({ key: StrataVersion, value: input.version });
  return pairs;
}
