// A bounded map of cached lookups (most recently used kept), so permission caches stay small
// however many users an organization has. A failed lookup is not cached.
export class LruMap<K, V extends Promise<unknown>> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  getOrSet(key: K, load: () => V): V {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = load();
    value.catch(() => { if (this.map.get(key) === value) this.map.delete(key); });
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
    return value;
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
