export { findWebhooksForEvent as findWebhookTargets } from '../../core/db/repos/webhooks';
