export { publishModule } from './modules/publish-module';
export { publishProvider } from './providers/publish-provider';
export { checkVcsConnection, publishVcsTag, reconcileVcsLinks, setupVcsLink, syncVcsLink } from './vcs';
export { notify, sweepNotifications } from './notifications';
