// `instanceof` across copies of lectern: a plugin built in its own package may load a second copy of
// the core, whose HttpError or Reply is another class. Instances carry a global symbol instead.
export function isBranded(value: unknown, mark: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[mark] === true;
}
