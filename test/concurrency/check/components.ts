import type { Op } from './history.js';
import { emailKey, keysOf, phoneKey } from './keys.js';

/** Union-find over keys. */
export class Components {
  private parent = new Map<string, string>();
  find(key: string): string {
    if (!this.parent.has(key)) this.parent.set(key, key);
    let root = key;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(key, root);
    return root;
  }
  union(a: string, b: string): void {
    this.parent.set(this.find(a), this.find(b));
  }
}

/**
 * Components of the /identify requests' pairs (all of them, answered or not): every group that ever
 * exists lies inside one, so an erasure with "suppress" can only block values of its keys' components.
 */
export function pairComponents(identifies: readonly Op[]): Components {
  const components = new Components();
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
  const parts = new Components();
  for (const [i, keys] of rows.entries()) for (const key of keys) parts.union(`row:${i}`, key);
  const held = new Set(rows.flat());
  for (const { request } of identifies) {
    if (!request.email || !request.phone) continue;
    if (held.has(emailKey(request.email)) && held.has(phoneKey(request.phone))) parts.union(emailKey(request.email), phoneKey(request.phone));
  }
  return new Set(rows.map((_, i) => parts.find(`row:${i}`))).size <= 1;
}
