// podman's report.IsJSON: `--format json` and `--format '{{json .}}'` both
// mean "the whole result as one JSON document", not a template per row.

const JSON_FORMAT_RE = /^\s*(?:json|\{\{\s*json\s*\.?\s*\}\})\s*$/;

export function isJsonFormat(format: string | undefined): boolean {
  return format !== undefined && JSON_FORMAT_RE.test(format);
}
