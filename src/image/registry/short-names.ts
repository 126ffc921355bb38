// Which fully qualified references a name given to `pull` may mean, in
// podman's order: a qualified name is itself; a short name that a local
// image already carries is that image's name; then an [aliases] entry of
// registries.conf; then each unqualified-search registry in turn. Pure.

import { TscRunError } from '../../errors.js';
import { formatReference, isShortName, normalizeReference, parseReference, shortNameMatches } from '../../storage/image-reference.js';
import type { RegistriesConf } from './registries-conf.js';

export interface PullCandidates {
  /** Fully qualified references to try, in order. */
  candidates: string[];
  /** What podman says about how it resolved the name (stderr, before the attempts). */
  note: string | undefined;
}

export function resolvePullCandidates(input: string, conf: RegistriesConf, localNames: readonly string[] = []): PullCandidates {
  if (!isShortName(input)) return { candidates: [formatReference(normalizeReference(input))], note: undefined };
  const local = localNames.find((n) => shortNameMatches(input, n));
  if (local) return { candidates: [local], note: undefined };

  const ref = parseReference(input);
  const name = ref.domain !== undefined ? `${ref.domain}/${ref.path}` : ref.path;
  const suffix = (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
  const alias = conf.aliases.get(name);
  if (alias) {
    return {
      candidates: [formatReference(normalizeReference(alias.target + suffix))],
      note: `Resolved "${name}" as an alias (${alias.file})`,
    };
  }
  if (conf.search.length === 0) {
    throw new TscRunError(
      `short-name "${input}" did not resolve to an alias and no unqualified-search registries are defined in "${conf.searchFile}"`,
    );
  }
  return {
    candidates: conf.search.map((registry) => formatReference(normalizeReference(`${registry}/${input}`))),
    note: `Resolving "${input}" using unqualified-search registries (${conf.searchFile})`,
  };
}
