// The certificates plugin: a PDF certificate for every course completion, verifiable by anyone through
// a code printed on it, revocable by those allowed to. Written as an outside package: it imports only
// `lectern` and the public surfaces of the plugins it depends on, `lectern/courses` and `lectern/auth`.
import path from 'node:path';
import { definePlugin, on } from 'lectern';
import { courseCompleted } from 'lectern/courses';
import { certificatesPermissions } from './permissions';
import { issueCertificate } from './issue';
import { renderCertificate } from './render';
import { certificatesPrivacy } from './privacy';
import { verifyRoute } from './routes/verify';
import { allCertificatesRoute, myCertificatesRoute } from './routes/lists';
import { pdfRoute } from './routes/pdf';
import { revokeRoute } from './routes/revoke';
import { myCertificatesPage } from './pages/my-certificates';
import { verifyPage } from './pages/verify';
import { certificatesAdminPage, revokeFormRoute } from './pages/admin';

export { certificatesPermissions } from './permissions';
export type { Certificate } from './model';
export type { Verification } from './verification';

export default definePlugin({
  name: 'certificates',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Issues a PDF certificate when a learner completes a course, with public verification and revocation.',
  dependsOn: ['auth', 'courses'],
  permissions: certificatesPermissions,
  roles: [{ key: 'registrar', name: 'Registrar', description: 'Sees every certificate and revokes them.' }],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
  routes: [verifyRoute, myCertificatesRoute, allCertificatesRoute, pdfRoute, revokeRoute, myCertificatesPage, verifyPage, revokeFormRoute],
  jobs: [renderCertificate],
  // Durable: issuing must happen for every completion, even one made while this plugin was disabled.
  subscribe: [on(courseCompleted, issueCertificate, { durable: true })],
  admin: [certificatesAdminPage],
  nav: [{ title: 'My certificates', path: '/my/certificates' }],
  privacy: certificatesPrivacy,
});
