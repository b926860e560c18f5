// The reporting plugin's public surface (`lectern/reporting`): its permissions.
export { reportPermissions } from './permissions';
