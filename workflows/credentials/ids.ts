/** Business workflow IDs of cloud-credential checks: one check per credential at a time. */
export const credentialWorkflowIds = {
  check: (credentialId: string) => `credential-check:${credentialId}`,
};

/** The Temporal schedule that runs {@link checkAllCredentials}; one per namespace. */
export const CREDENTIAL_CHECK_SCHEDULE_ID = 'credential-check-all';

/** StrataKind of a single credential's check. */
export const CREDENTIAL_CHECK_KIND = 'credential-check';
