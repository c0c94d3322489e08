import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes every Strata workflow carries, so operators can filter in the Temporal UI. */
export const StrataKind = defineSearchAttributeKey('StrataKind', SearchAttributeType.KEYWORD);
export const StrataOrg = defineSearchAttributeKey('StrataOrg', SearchAttributeType.KEYWORD);
export const StrataArtifact = defineSearchAttributeKey('StrataArtifact', SearchAttributeType.KEYWORD);
export const StrataVersion = defineSearchAttributeKey('StrataVersion', SearchAttributeType.KEYWORD);

export const strataSearchAttributes = [StrataKind, StrataOrg, StrataArtifact, StrataVersion];
