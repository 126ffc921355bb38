// docker compose's progress lines on stderr (its plain mode): one line per
// resource and step, ` Container proj-web-1  Started`.

export type Progress = (kind: 'Container' | 'Volume' | 'Network' | 'Image', name: string, what: string) => void;

export function plainProgress(write: (s: string) => void = (s) => process.stderr.write(s)): Progress {
  return (kind, name, what) => write(` ${kind} ${name}  ${what}\n`);
}
