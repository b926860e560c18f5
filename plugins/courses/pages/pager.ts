// Links between the pages of a list (the theme's pager partial): the next page when there is one and
// the first when this is a later one, each keeping the list's filters (blank ones are left out).
export interface Pager { next: string | null; first: string | null }

export function pagerLinks(path: string, filters: Record<string, string | undefined>, nextCursor: string | null, cursor: string | undefined): Pager | null {
  const link = (at?: string) => {
    const query = new URLSearchParams(Object.entries({ ...filters, cursor: at }).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return query ? `${path}?${query}` : path;
  };
  const next = nextCursor ? link(nextCursor) : null;
  const first = cursor ? link() : null;
  return next || first ? { next, first } : null;
}
