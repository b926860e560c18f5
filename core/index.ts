// Lectern's public API: the only module plugins, examples and tests import (as `lectern`).
export { Type } from '@sinclair/typebox';
export type {
  Static, TSchema, TObject, TString, TNumber, TInteger, TBoolean, TArray, TUnion, TLiteral, TOptional, TUnknown, TUnsafe, TRecord,
} from '@sinclair/typebox';
export type { Knex } from 'knex';
export type { Logger } from 'pino';

export { definePermissions, defineEvent, defineJob, defineService, defineExtensionPoint, on, contribute, SYSTEM, homePanels, pageHelp } from './plugin';
export type {
  PluginContext, TransactionContext, JobContext, JobInfo, JobRef, EventRef, ServiceRef, ExtensionPointRef, PermissionRef,
  ContextRef, ContextType, AuditEntry, EnqueueOptions, Principal, IdentityProvider, IdentityRequest, PrivacyProvider, RetentionKind,
  NavLink, CommandDef, Registrar, SeedPlan, SeedCounts, RoleDef, SubscribeOptions, Subscription, GuardRequest, RequestGuard, HomePanel, PageHelp, PageHelpLink,
} from './plugin';
export { definePlugin } from './manifest';
export type { Plugin, PluginManifest, AdminPage } from './manifest';
export { defineRoute, reply, Reply } from './http/route';
export type { RouteRef, RouteRequest, Method, Answer, MediaAnswer, Responses, ErrorStatus } from './http/route';
export { named, pageOf, JobAccepted, JobStateSchema } from './http/response-schemas';
export { submitForm, Done, doneNotice, requireFields, filled, given, dateField } from './http/forms';
export type { FormPage, FormState, PageData } from './http/forms';
export {
  HttpError, badRequest, unauthorized, forbidden, notFound, conflict, payloadTooLarge, unsupportedMediaType,
  tooManyRequests, serviceUnavailable,
} from './http/errors';
export type { FieldError, Problem } from './http/errors';
export { pageQuery, corePermissions } from './system-routes';
export type { SystemInfo, PluginState } from './system-routes';
export type { JobSchedule } from './jobs/service';
export { containsPattern } from './db/like';
export { CoreServices } from './services';
export { sendMail } from './mail';
export type { Mailer, MailMessage } from './mail';
export type { FileStore, StoredFile } from './storage';
export type { Revisions } from './sync';
export { Answers } from './answers';
export type { PermissionEngine, Role, Assignment, PermissionInfo } from './permissions/engine';
export type { AuditRecord } from './audit';
export { BootError } from './errors';
export { App, createApp } from './app';
export type { AppOptions } from './app';
export type { ConfigInput, LecternConfig } from './config';
export { createTestApp } from './testing/test-app';
export type { TestApp, TestAppOptions, Persona } from './testing/test-app';

// ---- shared plumbing: keyset cursors, CSV uploads, form fields, typed admin pages ----------------
export { keyset, pagerLinks, pageLimit } from './http/cursor';
export type { Keyset, KeyPart, Page, Pager } from './http/cursor';
export { defineAdminPage } from './http/admin-page';
export type { AdminPageDef } from './http/admin-page';
export type { SignedInRequest } from './http/route';
export type { Cookies, CookieOptions } from './http/cookies';
export { formatBytes } from './http/raw-body';
export type { RawBody, RawBodyLimits } from './http/raw-body';
export type { Upload } from './http/upload';
export { receiveCsv, parseCsv, atLine, batches } from './http/csv';
export { csvAnswer, csvCell, csvStream } from './http/csv-answer';
export type { CsvCell } from './http/csv-answer';
export type { CsvFile, CsvRecord } from './http/csv';
