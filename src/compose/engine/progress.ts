// docker compose's progress lines on stderr (its plain mode): one line per
// resource and step, ` Container proj-web-1  Started`.

export type ProgressKind = 'Container' | 'Volume' | 'Network' | 'Image';

export type Progress = (kind: ProgressKind, name: string, what: string) => void;

/** `prefix`: docker compose's " DRY-RUN MODE - " under --dry-run. */
export function plainProgress(write: (s: string) => void = (s) => process.stderr.write(s), prefix = ''): Progress {
  return (kind, name, what) => write(`${prefix} ${kind} ${name}  ${what}\n`);
}

/**
 * `--progress json`: docker compose's JSON writer, one object per event
 * (`{"id":"Container p-web-1","text":"Started"}`, `"dry-run":true` first
 * under --dry-run) and per note (`{"tail":true,"text":"..."}`).
 */
export function jsonProgress(write: (s: string) => void, dryRun: boolean): { progress: Progress; tail: (line: string) => void } {
  const line = (o: Record<string, unknown>) => write(`${JSON.stringify({ ...(dryRun ? { 'dry-run': true } : {}), ...o })}\n`);
  return {
    progress: (kind, name, what) => line({ id: `${kind} ${name}`, text: what }),
    tail: (text) => line({ tail: true, text }),
  };
}
