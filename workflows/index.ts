export { checkAllCredentials, checkCredential } from './credentials';
export { publishModule } from './modules/publish-module';
export { publishProvider } from './providers/publish-provider';
export { checkVcsConnection, publishVcsTag, reconcileVcsLinks, setupVcsLink, syncVcsLink } from './vcs';
export { runTerraform } from './runs/run-terraform';
export { workspaceRuns } from './runs/workspace-runs';
export { deliverWebhook } from './notifications/deliver-webhook';
export { checkDrift } from './runs/check-drift';
export { notify, sweepNotifications } from './notifications';
