// docker compose's progress lines on stderr (its plain mode): one line per
// resource and step, ` Container proj-web-1  Started`.

export type ProgressKind = 'Container' | 'Volume' | 'Network' | 'Image';

export type Progress = (kind: ProgressKind, name: string, what: string) => void;

/** `prefix`: docker compose's " DRY-RUN MODE - " under --dry-run. */
export function plainProgress(write: (s: string) => void = (s) => process.stderr.write(s), prefix = ''): Progress {
  return (kind, name, what) => write(`${prefix} ${kind} ${name}  ${what}\n`);
}
