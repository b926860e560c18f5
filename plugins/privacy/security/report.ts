// The security report: GET /api/v1/system/security-report (privacy:manage) and the admin page
// /admin/security listing every check with its severity and advice, the most serious first.
import { defineAdminPage, defineRoute, Type } from 'lectern';
import { privacyPermissions } from '../permissions';
import { securityChecks, type Check } from './checks';

const ORDER = { critical: 0, warning: 1, info: 2, ok: 3 };
const SeveritySchema = Type.Union([Type.Literal('ok'), Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]);

const SecurityReport = Type.Object({
  generatedAt: Type.String({ format: 'date-time' }),
  checks: Type.Array(Type.Object({
    code: Type.String({ description: 'Stable, e.g. auth.initial-password' }), severity: SeveritySchema,
    title: Type.String(), detail: Type.String(), advice: Type.String(),
  })),
});

const sorted = (checks: Check[]) => [...checks].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);

export const securityReportRoute = defineRoute({
  method: 'GET', path: '/api/v1/system/security-report', permission: privacyPermissions.manage,
  summary: 'The security report: each check with its severity and advice', responses: { 200: SecurityReport },
  handler: async (req) => ({ generatedAt: req.now().toISOString(), checks: sorted(await securityChecks(req)) }),
});

export const securityAdminPage = defineAdminPage({
  path: '/admin/security', title: 'Security report', permission: privacyPermissions.manage, view: 'privacy/admin/security',
  async load(req) {
    const checks = sorted(await securityChecks(req));
    return { generatedAt: req.now().toISOString(), checks, problems: checks.filter((c) => c.severity === 'critical' || c.severity === 'warning').length };
  },
});
