export { publishModule } from './modules/publish-module';
export { publishProvider } from './providers/publish-provider';
