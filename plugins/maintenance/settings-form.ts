// A settings form generated from a plugin's settings schema, so no plugin writes one: each property
// becomes a field of its type (integer or number, boolean, a choice of literals, text, a list of text,
// or JSON for anything else), labelled from its name and hinted by its description; and what a browser
// sends back (strings, a checkbox only when ticked) becomes values of those types for the core to validate.
import type { TSchema } from 'lectern';

interface Prop {
  type?: string; title?: string; description?: string; minimum?: number; maximum?: number; maxLength?: number;
  enum?: unknown[]; anyOf?: Prop[]; const?: unknown; items?: Prop;
}
type Kind = 'number' | 'checkbox' | 'select' | 'text' | 'lines' | 'json';

export interface SettingsField {
  key: string; id: string; label: string; hint?: string; kind: Kind;
  /** Bounds as attributes ("" for none). */
  min: string; max: string; step: string; maxlength?: number;
  /** A select's choices, as the theme's select partial takes them. */
  groups?: { label: null; options: { value: string; label: string }[] }[];
  /** As the input shows it: text, or whether the box is ticked. */
  value: string; checked: boolean; error?: string;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function literals(p: Prop): unknown[] | undefined {
  if (p.enum) return p.enum;
  if (p.anyOf?.length && p.anyOf.every((b) => b.const !== undefined)) return p.anyOf.map((b) => b.const);
  return undefined;
}

function kindOf(p: Prop): Kind {
  if (literals(p)?.every((v) => typeof v === 'string')) return 'select';
  if (p.type === 'integer' || p.type === 'number') return 'number';
  if (p.type === 'boolean') return 'checkbox';
  if (p.type === 'string') return 'text';
  if (p.type === 'array' && p.items?.type === 'string') return 'lines';
  return 'json';
}

/** "maxUploadBytes" → "Max upload bytes". */
const labelOf = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/^./, (c) => c.toUpperCase());

function shown(kind: Kind, value: unknown): string {
  if (kind === 'lines') return Array.isArray(value) ? value.join('\n') : '';
  if (kind === 'json') return JSON.stringify(value ?? null, null, 2);
  return value === undefined || value === null ? '' : String(value);
}

function properties(schema: TSchema): [string, Prop][] {
  return Object.entries((schema as { properties?: Record<string, Prop> }).properties ?? {});
}

/**
 * The form's fields: `current` values, or what was `sent` (raw form strings) when the form comes back
 * with `errors` by field.
 */
export function settingsFields(schema: TSchema, current: Record<string, unknown>, sent?: Record<string, unknown>, errors: Record<string, string> = {}): SettingsField[] {
  return properties(schema).map(([key, p]) => {
    const kind = kindOf(p);
    const raw = sent ? sent[key] : undefined;
    const value = sent ? (typeof raw === 'string' ? raw : '') : shown(kind, current[key]);
    return {
      key, id: `setting-${key}`, label: p.title ?? labelOf(key), hint: p.description, kind,
      min: p.minimum === undefined ? '' : String(p.minimum), max: p.maximum === undefined ? '' : String(p.maximum),
      step: p.type === 'integer' ? '1' : 'any', maxlength: p.maxLength,
      groups: kind === 'select' ? [{ label: null, options: (literals(p) as string[]).map((v) => ({ value: v, label: v })) }] : undefined,
      value, checked: sent ? raw !== undefined : current[key] === true, error: errors[key],
    };
  });
}

/**
 * The sent form as typed values; what cannot be read stays text, for the schema to refuse. A field the
 * form did not send is undefined (left as it is), but an unticked checkbox is false.
 */
export function formValues(schema: TSchema, body: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(properties(schema).map(([key, p]) => {
    const raw = body[key];
    const kind = kindOf(p);
    if (kind === 'checkbox') return [key, raw !== undefined];
    if (kind === 'number') return [key, raw !== undefined && NUMBER.test(raw.trim()) ? Number(raw.trim()) : raw];
    if (kind === 'lines') return [key, raw?.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)];
    if (kind === 'json') {
      try {
        return [key, JSON.parse(raw ?? '')];
      } catch {
        return [key, raw];
      }
    }
    return [key, raw];
  }));
}
