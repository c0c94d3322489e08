export { checkVcsConnection } from './check-vcs-connection';
export { publishVcsTag } from './publish-vcs-tag';
export { reconcileVcsLinks } from './reconcile-vcs-links';
export { setupVcsLink } from './setup-vcs-link';
export { syncVcsLink } from './sync-vcs-link';
