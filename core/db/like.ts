// Searching text with LIKE / ILIKE: the pattern for "contains", with the wildcards a person typed
// (`%`, `_`) and the escape character taken literally.
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
