import { UnionFind } from '../../support/union-find.js';
import type { Op } from './history.js';
import { emailKey, keysOf, phoneKey } from './keys.js';

/**
 * Components of the /identify requests' pairs (all of them, answered or not): every group that ever
 * exists lies inside one, so an erasure with "suppress" can only block values of its keys' components.
 */
export function pairComponents(identifies: readonly Op[]): UnionFind {
  const components = new UnionFind();
  for (const op of identifies) {
    for (const key of keysOf(op.request)) components.find(key);
    if (op.request.email && op.request.phone) components.union(emailKey(op.request.email), phoneKey(op.request.phone));
  }
  return components;
}

/**
 * Whether rows (each given by the keys it holds) are one component over shared emails, shared phones
 * and the (email, phone) pairs of `identifies`: what holds a group together, merges and unlinks alike.
 */
export function connected(rows: readonly string[][], identifies: readonly Op[]): boolean {
  const parts = new UnionFind();
  for (const [i, keys] of rows.entries()) for (const key of keys) parts.union(`row:${i}`, key);
  const held = new Set(rows.flat());
  for (const { request } of identifies) {
    if (!request.email || !request.phone) continue;
    if (held.has(emailKey(request.email)) && held.has(phoneKey(request.phone))) parts.union(emailKey(request.email), phoneKey(request.phone));
  }
  return new Set(rows.map((_, i) => parts.find(`row:${i}`))).size <= 1;
}
