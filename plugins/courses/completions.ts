// Item completions are written in batches. Under load many learners complete items at the same moment,
// and recording them together — one statement, one audit insert, one change notice, one commit — costs
// the database and this process little more than recording one: group commit, done here. A completion
// waits only while earlier batches are being written; on its own it is written at once.
import { defineService, type AuditEntry, type PluginContext } from 'lectern';
import { courseCompleted, itemCompleted } from './api';
import { completionNotice, recordItems, type Attempt, type ItemCompletion } from './model/progress';
import { learnersChanged } from './changes';

/** Batches written at the same time; whatever arrives meanwhile goes together in the next one. */
const WRITERS = 2;
const MAX_BATCH = 200;

interface Waiting { asked: ItemCompletion; ip: string | null; resolve(attempt: Attempt): void; reject(err: unknown): void }

export class CompletionWriter {
  private readonly waiting: Waiting[] = [];
  private writing = 0;

  constructor(private readonly ctx: PluginContext) {}

  /** Records one completion (with the rest of its batch); resolves once committed. */
  complete(asked: ItemCompletion, ip: string | null): Promise<Attempt> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ asked, ip, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.writing < WRITERS && this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.writing += 1;
      void this.write(batch).finally(() => {
        this.writing -= 1;
        this.next();
      });
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const attempts = await this.record(batch);
      batch.forEach((w, i) => w.resolve(attempts[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // A failed batch (say, a deadlock with an editor's recount) must not fail every completion in it.
      for (const w of batch) await this.write([w]);
    }
  }

  private record(batch: Waiting[]): Promise<Attempt[]> {
    const now = this.ctx.now();
    return this.ctx.transaction(async (tx) => {
      const attempts = await recordItems(tx, batch.map((w) => w.asked), now);
      const audit: AuditEntry[] = [];
      const learners = new Set<string>();
      attempts.forEach((attempt, i) => {
        const { courseId, userId, itemId, score } = batch[i].asked;
        const by = { actorId: userId, ip: batch[i].ip };
        if (attempt.recorded) {
          learners.add(userId);
          audit.push({ ...by, action: 'courses.item.complete', target: { type: 'course', id: courseId }, details: { itemId, cycle: attempt.recorded.cycle, score } });
          tx.emit(itemCompleted, { courseId, itemId, userId, cycle: attempt.recorded.cycle, score, completedAt: now.toISOString() });
        }
        if (attempt.completion) {
          const notice = completionNotice(courseId, attempt.completion);
          audit.push({ ...by, ...notice.audit });
          tx.emit(courseCompleted, notice.event);
        }
      });
      await tx.audit(audit);
      await learnersChanged(tx, [...learners]);
      return attempts;
    });
  }
}

export const CompletionWriterRef = defineService<CompletionWriter>('courses.completionWriter');
