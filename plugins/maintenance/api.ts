// The maintenance plugin's public surface (`lectern/maintenance`): its permissions.
export { maintenancePermissions } from './permissions';
