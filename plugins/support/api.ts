// The support plugin's public surface (`lectern/support`): its help center permission.
export { helpPermissions } from './permissions';
