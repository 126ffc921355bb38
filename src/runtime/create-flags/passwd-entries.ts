// The lines podman 4.3 appends to a container's /etc/passwd and /etc/group
// (libpod's generatePasswdEntry/generateGroupEntry): a numeric --user the
// image does not know, the user running us under --userns=keep-id, each
// --hostuser; --passwd-entry as the line's template. Pure: the caller
// writes the files and binds them over the image's.

import { parseGroup, parsePasswd } from '../container/run-spec.js';

export interface HostUser {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
}

/** A host /etc/passwd entry by name or uid. */
export function findHostUser(passwdText: string, nameOrUid: string): HostUser | undefined {
  for (const line of passwdText.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) continue;
    if (f[0] === nameOrUid || f[2] === nameOrUid) return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), gecos: f[4]!, home: f[5]! };
  }
  return undefined;
}

export function findHostGroupName(groupText: string, gid: number): string | undefined {
  return parseGroup(groupText).find((g) => g.gid === gid)?.name;
}

export interface PasswdInput {
  /** The image's files (undefined: it has none). */
  imagePasswd: string | undefined;
  imageGroup: string | undefined;
  /** --user as given ('' = the image's default). */
  user: string;
  workdir: string;
  /** --userns=keep-id: the user running us (and its group's name). */
  currentUser?: { user: HostUser; groupName: string | undefined } | undefined;
  /** --hostuser accounts, looked up on the host. */
  hostUsers: readonly HostUser[];
  /** --passwd-entry template ($USERNAME $UID $GID $NAME $HOME). */
  passwdEntry?: string | undefined;
  /** Destinations of the container's mounts: a user's home mounted in is its home. */
  mountDestinations: readonly string[];
}

function template(t: string, name: string, uid: string, gid: string, gecos: string, home: string): string {
  return `${t.replaceAll('$USERNAME', name).replaceAll('$UID', uid).replaceAll('$GID', gid).replaceAll('$NAME', gecos).replaceAll('$HOME', home)}\n`;
}

/** The full new files, or undefined for a file that needs nothing added. */
export function passwdAndGroup(i: PasswdInput): { passwd?: string; group?: string } {
  const users = parsePasswd(i.imagePasswd ?? '');
  const groups = parseGroup(i.imageGroup ?? '');
  const known = (nameOrUid: string) => users.some((u) => u.name === nameOrUid || String(u.uid) === nameOrUid);
  const mounted = (home: string) => {
    for (let d = home; d !== '/' && d !== '.'; d = d.slice(0, d.lastIndexOf('/')) || '/') if (i.mountDestinations.includes(d)) return true;
    return false;
  };
  const entryFor = (u: HostUser): string => {
    if (known(u.name) || known(String(u.uid))) return '';
    const home = mounted(u.home) ? u.home : i.workdir;
    if (i.passwdEntry) return template(i.passwdEntry, u.name, String(u.uid), String(u.gid), u.gecos, home);
    return `${u.name}:*:${u.uid}:${u.gid}:${u.gecos}:${home}:/bin/sh\n`;
  };

  let passwd = '';
  for (const u of i.hostUsers) passwd += entryFor(u);
  let addedUid = 0;
  if (i.currentUser && i.currentUser.user.uid !== 0) {
    passwd += entryFor(i.currentUser.user);
    addedUid = i.currentUser.user.uid;
  }
  const [userPart = '', groupPart] = i.user.split(':', 2) as [string?, string?];
  if (/^\d+$/.test(userPart) && Number(userPart) !== addedUid && !known(userPart)) {
    let gid = 0;
    if (groupPart) gid = /^\d+$/.test(groupPart) ? Number(groupPart) : (groups.find((g) => g.name === groupPart)?.gid ?? 0);
    passwd += i.passwdEntry
      ? template(i.passwdEntry, userPart, userPart, String(gid), 'container user', i.workdir)
      : `${userPart}:*:${userPart}:${gid}:container user:${i.workdir}:/bin/sh\n`;
  }

  let group = '';
  let addedGid = 0;
  const cu = i.currentUser;
  if (cu && cu.user.gid !== 0 && cu.groupName !== undefined) {
    if (!groups.some((g) => g.name === cu.groupName || g.gid === cu.user.gid)) {
      group += `${cu.groupName}:x:${cu.user.gid}:${cu.user.name}\n`;
      addedGid = cu.user.gid;
    }
  }
  if (i.user !== '') {
    const g = groupPart ?? userPart;
    if (/^\d+$/.test(g) && Number(g) !== addedGid && !groups.some((e) => String(e.gid) === g || e.name === g)) {
      group += `${g}:x:${g}:${userPart}\n`;
    }
  }
  const withNewline = (t: string) => (t === '' || t.endsWith('\n') ? t : `${t}\n`);
  const out: { passwd?: string; group?: string } = {};
  if (passwd) out.passwd = withNewline(i.imagePasswd ?? '') + passwd;
  if (group) out.group = withNewline(i.imageGroup ?? '') + group;
  return out;
}
