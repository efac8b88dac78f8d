import type { AnswerGroup } from './answer-groups.js';
import type { BlockedValues } from './blocked-values.js';
import type { RowValues } from './row-values.js';
import type { Run } from './run.js';
import type { UnlinkedValues } from './unlinked-values.js';

/** What the verdicts judge by before the answers are read: the run, and which values may be blocked or unlinked when. */
export interface Oracles {
  run: Run;
  blockedValues: BlockedValues;
  unlinkedValues: UnlinkedValues;
}

/** And once they are: the groups the answers gave, and the values of the rows. */
export interface Evidence extends Oracles {
  answers: AnswerGroup[];
  rowValues: RowValues;
}
