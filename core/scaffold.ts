// `lectern plugin new`: writes a plugin package an outside author can build, test and install at
// once. The files are the templates in core/scaffold (copied next to this file's compiled form),
// with the plugin's name put in; a template named "_x" becomes the dotfile ".x" (npm drops .gitignore
// from packages, so templates cannot carry one under its own name).
import fs from 'node:fs';
import path from 'node:path';
import { BootError } from './errors';

const TEMPLATES = path.join(__dirname, 'scaffold');
/** The root of the lectern package running this code (dist/core -> root): the new plugin's `lectern` dependency. */
const LECTERN_ROOT = path.resolve(__dirname, '..', '..');
const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface ScaffoldOptions {
  name: string;
  /** Where to write the package; it must not exist or be empty. */
  dir: string;
}

/** Writes the plugin package and returns the files written, relative to `dir`. */
export function scaffoldPlugin({ name, dir }: ScaffoldOptions): string[] {
  if (!PLUGIN_NAME.test(name) || name.length > 40) {
    throw new BootError('LECTERN_USAGE', `"${name}" is not a plugin name: use kebab-case (a-z, 0-9 and single hyphens, starting with a letter), at most 40 characters`);
  }
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new BootError('LECTERN_SCAFFOLD_DIR_NOT_EMPTY', `${dir} already exists and is not empty; choose another --dir`);
  }
  const fill = placeholders(name);
  return templateFiles(TEMPLATES).map((template) => {
    const target = fill(outputPath(path.relative(TEMPLATES, template)));
    fs.mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    fs.writeFileSync(path.join(dir, target), fill(fs.readFileSync(template, 'utf8')));
    return target;
  });
}

/** `_gitignore.tmpl` -> `.gitignore`, `migrations/0001_init.ts.tmpl` -> `migrations/0001_init.ts`. */
function outputPath(template: string): string {
  const file = path.basename(template, '.tmpl');
  return path.join(path.dirname(template), file.startsWith('_') ? `.${file.slice(1)}` : file);
}

/** Replaces `{{name}}` (kebab-case), `{{Name}}` (Title Case), `{{name_snake}}` and `{{lectern_dependency}}`. */
function placeholders(name: string): (text: string) => string {
  const values: Record<string, string> = {
    name,
    Name: name.split('-').map((word) => word[0].toUpperCase() + word.slice(1)).join(' '),
    name_snake: name.replace(/-/g, '_'),
    lectern_dependency: JSON.stringify(`file:${LECTERN_ROOT}`),
  };
  return (text) => text.replace(/\{\{(name|Name|name_snake|lectern_dependency)\}\}/g, (_, key: string) => values[key]);
}

function templateFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? templateFiles(full) : entry.name.endsWith('.tmpl') ? [full] : [];
  });
}
