// --user (or the image's USER) → the uid, gid, HOME and supplementary groups
// of the container's process, resolved against the image's /etc/passwd and
// /etc/group the way podman (runc's user lookup) does. Pure.
//
// Supplementary groups, as podman 4 sets them:
//   no user given        → the groups that list root's name as a member
//   USER or UID          → the user's primary gid + the groups listing its name
//   USER:GROUP           → that group only

import { parsePasswd, resolveUser, type PasswdEntry } from '../container/run-spec.js';

export interface GroupWithMembers {
  name: string;
  gid: number;
  members: string[];
}

/** /etc/group lines `name:x:gid:member,member`; malformed lines are skipped. */
export function parseGroupMembers(text: string): GroupWithMembers[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 3 || !/^\d+$/.test(f[2]!)) return [];
    const members = (f[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '');
    return [{ name: f[0]!, gid: Number(f[2]), members }];
  });
}

export interface UserIds {
  uid: number;
  gid: number;
  home: string;
  /** Supplementary groups (sorted, unique). */
  additionalGids: number[];
}

/** Whether resolving `spec` needs the image's /etc/group (always, unless USER:GID is all numbers). */
export function needsGroupFile(spec: string): boolean {
  return !/^\d+:\d+$/.test(spec);
}

export function resolveUserIds(spec: string, passwdText: string | undefined, groupText: string | undefined): UserIds {
  const passwd = passwdText === undefined ? undefined : parsePasswd(passwdText);
  const groups = groupText === undefined ? undefined : parseGroupMembers(groupText);
  const { uid, gid, home } = resolveUser(spec, passwd, groups);

  const [userPart = '', groupPart] = spec.split(':', 2) as [string?, string?];
  const explicitGroup = groupPart !== undefined && groupPart !== '';
  const entry: PasswdEntry | undefined =
    userPart === '' || /^\d+$/.test(userPart) ? passwd?.find((e) => e.uid === uid) : passwd?.find((e) => e.name === userPart);

  const extra = new Set<number>();
  if (explicitGroup) extra.add(gid);
  else {
    if (spec !== '') extra.add(gid);
    if (entry) for (const g of groups ?? []) if (g.members.includes(entry.name)) extra.add(g.gid);
  }
  return { uid, gid, home, additionalGids: [...extra].sort((a, b) => a - b) };
}
