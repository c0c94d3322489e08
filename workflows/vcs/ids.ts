/** Business workflow IDs of VCS publishing: the ID is the dedupe key (one run per tag, link or connection at a time). */
export const vcsWorkflowIds = {
  tag: (linkId: string, tag: string) => `vcs-tag:${linkId}/${tag}`,
  sync: (linkId: string) => `vcs-sync:${linkId}`,
  linkSetup: (linkId: string) => `vcs-link-setup:${linkId}`,
  connectionCheck: (connectionId: string) => `vcs-connection-check:${connectionId}`,
};

/** The Temporal schedule that runs {@link reconcileVcsLinks}; one per namespace. */
export const VCS_RECONCILE_SCHEDULE_ID = 'vcs-reconcile';
