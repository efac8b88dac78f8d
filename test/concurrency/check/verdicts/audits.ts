import { nameOf } from '../history.js';
import type { Run } from '../run.js';

export interface AuditRow {
  route: string;
  answer: string;
}

/** Audit records: one per answered /erase, /block, /unblock, /unlink, holding its answer; none for the others. */
export function checkAudits({ ops, fail }: Run, audits: ReadonlyMap<string, AuditRow[]>): void {
  for (const op of ops) {
    const records = audits.get(op.request.requestId ?? '') ?? [];
    const writes = op.route === 'erase' || op.route === 'block' || op.route === 'unblock' || op.route === 'unlink';
    if (!writes || op.status !== 200) {
      if (records.length > 0) fail(`request ${op.index} (${op.route}, ${op.status}) left ${records.length} audit records`);
      continue;
    }
    if (records.length !== 1 || records[0]!.route !== op.route || JSON.stringify(JSON.parse(records[0]!.answer)) !== JSON.stringify(op.body)) {
      fail(`${nameOf(op)}: audit records ${JSON.stringify(records)} do not match its answer ${JSON.stringify(op.body)}`);
    }
  }
}
