import { connected } from '../components.js';
import { isLive, older, rootOf } from '../contacts.js';
import type { Oracles } from '../evidence.js';
import { rowKeys } from '../keys.js';
import type { Run } from '../run.js';

/** Rows: link structure, tombstones' columns; live groups: primaries, one per value, asked for, held together; rows that brought something. */
export function checkRows(oracles: Oracles): void {
  const { run } = oracles;
  checkLiveLinks(run);
  checkTombstoneColumns(run);
  checkPrimaries(run);
  checkOneGroupPerValue(oracles);
  checkMergesAskedFor(run);
  checkHeldTogether(run);
  checkSomethingNew(run);
}

function checkLiveLinks({ live, byId, fail }: Run): void {
  for (const row of live) {
    if (row.linkPrecedence === 'primary' && row.linkedId !== null) fail(`primary ${row.id} has linkedId ${row.linkedId}`);
    if (row.linkPrecedence === 'secondary') {
      const target = row.linkedId === null ? undefined : byId.get(row.linkedId);
      if (!target || !isLive(target)) fail(`secondary ${row.id} points at ${row.linkedId}, not a live row${target ? ' (a tombstone: half an erasure)' : ''}`);
      else if (target.linkPrecedence !== 'primary') fail(`chain: secondary ${row.id} -> ${target.id}, itself a secondary`);
    }
  }
}

function checkTombstoneColumns({ tombstones, fail }: Run): void {
  // (An /unlink deletes a row it leaves empty and keeps its link: the tombstones' links are judged once their values are known.)
  for (const row of tombstones) {
    if (row.email !== null || row.phoneNumber !== null) fail(`tombstone ${row.id} still holds ${row.email === null ? 'a phone' : 'an email'}`);
    if (row.linkPrecedence === 'primary' && row.linkedId !== null) fail(`tombstone primary ${row.id} has linkedId ${row.linkedId}`);
  }
}

/** The primary of each group is its oldest row. */
function checkPrimaries({ liveGroups, fail }: Run): void {
  for (const [root, members] of liveGroups) {
    const oldest = [...members].sort(older)[0]!;
    if (oldest.id !== root) fail(`group ${root}: its oldest row is ${oldest.id}, not the primary`);
  }
}

/**
 * One group per value: live rows that hold the same value are in one group (the later one matched the
 * earlier). An unlink regroups with blocked values connecting nothing, so it may part the holders of
 * a value that was blocked then: with unlinks in the run, values that may ever be blocked are left out.
 */
function checkOneGroupPerValue({ run, blockedValues, unlinkedValues }: Oracles): void {
  const groupOfKey = new Map<string, number>();
  const mayBeSplitHolders = (key: string) => unlinkedValues.any && blockedValues.blockersOf(key).length > 0;
  for (const row of run.live) {
    for (const key of rowKeys(row)) {
      if (mayBeSplitHolders(key)) continue;
      const seen = groupOfKey.get(key);
      if (seen === undefined) groupOfKey.set(key, rootOf(row));
      else if (seen !== rootOf(row)) run.fail(`${key} is held by live rows of groups ${seen} and ${rootOf(row)}`);
    }
  }
}

/** No merge nobody asked for: a live group's values lie in one component of the requests' pairs. */
function checkMergesAskedFor({ liveGroups, components, fail }: Run): void {
  for (const [root, members] of liveGroups) {
    const found = new Set(members.flatMap(rowKeys).map((key) => components.find(key)));
    if (found.size > 1) fail(`group ${root} joins values no chain of requests joins`);
  }
}

/**
 * Every live group is held together by its rows' shared values and the requests' pairs: a group an
 * unlink left half split (a value taken out, the rows it held together still linked) is not.
 */
function checkHeldTogether({ liveGroups, identifies, fail }: Run): void {
  for (const [root, members] of liveGroups) {
    if (!connected(members.map(rowKeys), identifies)) fail(`group ${root} is not held together by its values and the requests' pairs (half an unlink?)`);
  }
}

/**
 * No row brought nothing new: each live row has a value that no live row inserted before it (by id) has.
 * A row with one value may have lost the other to an unlink: such rows are checked only if nothing of that kind was unlinked.
 */
function checkSomethingNew({ live, unlinks, fail }: Run): void {
  const unlinkedKinds = new Set(unlinks.map((u) => (u.request.email === null ? 'phoneNumber' : 'email')));
  const seenKeys = new Set<string>();
  for (const row of [...live].sort((a, b) => a.id - b.id)) {
    const keys = rowKeys(row);
    const mayHaveLost = (row.email === null && unlinkedKinds.has('email')) || (row.phoneNumber === null && unlinkedKinds.has('phoneNumber'));
    if (!mayHaveLost && keys.every((key) => seenKeys.has(key))) fail(`row ${row.id} brought nothing new`);
    for (const key of keys) seenKeys.add(key);
  }
}
