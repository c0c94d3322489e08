export { notify } from './notify';
export { sweepNotifications } from './sweep-notifications';
