// Answers kept in memory until what they were read from changes: a plugin keeps a read as a promise from
// the moment it starts, so concurrent requests share it, and drops it when a change notice (the core's
// Revisions: `bump` or keyed `touch`) names its group: a read that began before a change is never handed
// to a request that arrives after the change. Bounded in all and per group; the oldest groups go first.
/** Promises grouped (one group per person, or one for the catalog), bounded, dropped by group or all at once. */
export class Answers {
  private groups = new Map<string, Map<string, Promise<unknown>>>();
  private size = 0;

  /** At most `maxAnswers` kept in all (the oldest groups go first), and `maxPerGroup` per group. */
  constructor(private readonly maxAnswers: number, private readonly maxPerGroup: number) {}

  get<T>(group: string, key: string, read: () => Promise<T>): Promise<T> {
    const hit = this.groups.get(group)?.get(key);
    if (hit) return hit as Promise<T>;
    const answers = this.room(group);
    const value = read();
    answers.set(key, value);
    this.size += 1;
    value.catch(() => {
      if (answers.get(key) !== value) return;
      answers.delete(key);
      if (this.groups.get(group) === answers) this.size -= 1;
    });
    return value;
  }

  /** Drops the named groups, or every group. */
  drop(groups?: readonly string[]): void {
    if (!groups) {
      this.groups = new Map();
      this.size = 0;
    } else {
      for (const group of groups) this.dropGroup(group);
    }
  }

  /** The group's answers, with room for one more. */
  private room(group: string): Map<string, Promise<unknown>> {
    let answers = this.groups.get(group);
    if (answers && answers.size >= this.maxPerGroup) this.dropGroup(group);
    while (this.size >= this.maxAnswers && this.groups.size) this.dropGroup(this.groups.keys().next().value as string);
    answers = this.groups.get(group);
    if (!answers) {
      answers = new Map();
      this.groups.set(group, answers);
    }
    return answers;
  }

  private dropGroup(group: string): void {
    this.size -= this.groups.get(group)?.size ?? 0;
    this.groups.delete(group);
  }
}
