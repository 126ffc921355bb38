// cobra's shell-completion directives: the number on the last line of
// `__complete` output, read by the shell scripts of `tsc-run completion`.
// Scripts written for podman's completion read the same numbers.

export const Directive = {
  Default: 0,
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
  FilterFileExt: 8,
  FilterDirs: 16,
} as const;

const NAMES: ReadonlyArray<[number, string]> = [
  [Directive.Error, 'ShellCompDirectiveError'],
  [Directive.NoSpace, 'ShellCompDirectiveNoSpace'],
  [Directive.NoFileComp, 'ShellCompDirectiveNoFileComp'],
  [Directive.FilterFileExt, 'ShellCompDirectiveFilterFileExt'],
  [Directive.FilterDirs, 'ShellCompDirectiveFilterDirs'],
];

/** `ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp`: what cobra prints on stderr after the list. */
export function directiveNames(d: number): string {
  const names = NAMES.filter(([bit]) => (d & bit) !== 0).map(([, n]) => n);
  return names.length ? names.join(', ') : 'ShellCompDirectiveDefault';
}
