// Fields a Go template reads but podman's JSON leaves out: omitempty fields
// at their zero value (`{{.State.Checkpointed}}` is false, `{{.SizeRw}}` is
// <nil>) and the accessor methods of podman's report types. They are added
// non-enumerable, so JSON.stringify and spreads skip them while the template
// engine (which looks fields up with `in`) finds them.

import { GoNilMap, GoNilPointer, GoNilSlice } from './template.js';

export const NIL_SLICE = new GoNilSlice();
export const NIL_MAP = new GoNilMap();
export const NIL_POINTER = new GoNilPointer();

/** Adds each field not already present, hidden from JSON; returns obj. */
export function withGoFields<T extends object>(obj: T, fields: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(fields)) {
    if (!(k in obj)) Object.defineProperty(obj, k, { value: v, enumerable: false, configurable: true, writable: true });
  }
  return obj;
}
