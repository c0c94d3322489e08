export { checkAllCredentials } from './check-all-credentials';
export { checkCredential } from './check-credential';
