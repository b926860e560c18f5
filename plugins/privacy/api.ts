// The privacy plugin's public surface (`lectern/privacy`), for plugins that list 'privacy' in dependsOn.
export { privacyPermissions } from './permissions';
