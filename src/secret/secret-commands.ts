// What `tsc-run secret create/ls/inspect/rm/exists` do, with podman 4.3's
// output and messages.

import { MultipleErrors, TscRunError, UsageError } from '../errors.js';
import { formatInspect, formatList } from '../format/output.js';
import { timeAgo } from '../format/human.js';
import { SecretStore, type SecretRecord } from './secret-store.js';

export async function secretCreate(dataRoot: string, name: string, data: Buffer, labels: Record<string, string>): Promise<string> {
  const rec = await new SecretStore(dataRoot).create(name, data, labels);
  return `${rec.ID}\n`;
}

interface SecretRow {
  ID: string;
  Name: string;
  Driver: string;
  CreatedAt: string;
  UpdatedAt: string;
}

function row(s: SecretRecord, now: Date): SecretRow {
  return { ID: s.ID, Name: s.Spec.Name, Driver: s.Spec.Driver.Name, CreatedAt: timeAgo(new Date(s.CreatedAt), now), UpdatedAt: timeAgo(new Date(s.UpdatedAt), now) };
}

/** --filter name=, id= (several values of one key: any matches). */
function matches(s: SecretRecord, filters: readonly string[]): boolean {
  const by = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid filter ${JSON.stringify(f)}`);
    const k = f.slice(0, eq);
    if (k !== 'name' && k !== 'id') throw new UsageError(`invalid filter ${JSON.stringify(k)}`);
    by.set(k, [...(by.get(k) ?? []), f.slice(eq + 1)]);
  }
  const names = by.get('name');
  const ids = by.get('id');
  return (!names || names.some((n) => s.Spec.Name.includes(n))) && (!ids || ids.some((i) => s.ID.startsWith(i)));
}

export async function secretList(dataRoot: string, o: { format?: string | undefined; noHeading?: boolean; quiet?: boolean; filters: string[] }): Promise<string> {
  const now = new Date();
  const list = (await new SecretStore(dataRoot).list()).filter((s) => matches(s, o.filters));
  if (o.quiet) return list.map((s) => `${s.ID}\n`).join('');
  return formatList(
    list.map((s) => row(s, now)),
    {
      format: o.format,
      noHeading: o.noHeading,
      columns: [{ field: 'ID' }, { field: 'Name' }, { field: 'Driver' }, { field: 'CreatedAt', header: 'CREATED' }, { field: 'UpdatedAt', header: 'UPDATED' }],
    },
  );
}

export async function secretInspect(dataRoot: string, names: readonly string[], o: { format?: string | undefined; pretty?: boolean }): Promise<{ text: string; error?: TscRunError }> {
  const store = new SecretStore(dataRoot);
  const found: SecretRecord[] = [];
  const errors: TscRunError[] = [];
  for (const n of names) {
    try {
      found.push(await store.lookup(n));
    } catch (err) {
      if (!(err instanceof TscRunError)) throw err;
      errors.push(new TscRunError(`inspecting secret: ${err.message}`));
    }
  }
  let text: string;
  if (o.pretty) {
    text = found
      .map((s) => `ID:              ${s.ID}\nName:            ${s.Spec.Name}\nDriver:          ${s.Spec.Driver.Name}\nCreated at:      ${s.CreatedAt}\nUpdated at:      ${s.UpdatedAt}\n`)
      .join('\n');
  } else text = formatInspect(found, o.format === undefined || o.format === 'json' ? undefined : o.format);
  return errors.length ? { text, error: errors.length === 1 ? errors[0]! : new MultipleErrors(errors) } : { text };
}

export async function secretRemove(dataRoot: string, names: readonly string[], all: boolean): Promise<{ text: string; error?: TscRunError }> {
  if (all === names.length > 0) throw new UsageError(all ? 'when using the --all switch, you may not pass any secret names or IDs' : 'at least one secret name or ID must be specified');
  const store = new SecretStore(dataRoot);
  const targets = all ? (await store.list()).map((s) => s.ID) : names;
  let text = '';
  const errors: TscRunError[] = [];
  for (const n of targets) {
    try {
      text += `${await store.remove(n)}\n`;
    } catch (err) {
      if (!(err instanceof TscRunError)) throw err;
      errors.push(err);
    }
  }
  return errors.length ? { text, error: errors.length === 1 ? errors[0]! : new MultipleErrors(errors) } : { text };
}

export async function secretExists(dataRoot: string, name: string): Promise<boolean> {
  try {
    await new SecretStore(dataRoot).lookup(name);
    return true;
  } catch (err) {
    if (err instanceof TscRunError) return false;
    throw err;
  }
}
