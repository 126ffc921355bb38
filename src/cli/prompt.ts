// Asking the user: login's Username:/Password: prompts on a terminal, and
// the prune commands' y/N confirmation (from any stdin, as podman reads it).

import readline from 'node:readline';
import { TscRunError } from '../errors.js';

export async function promptLine(question: string, o: { echo: boolean } = { echo: true }): Promise<string> {
  const input = process.stdin;
  const output = process.stdout;
  output.write(question);
  if (o.echo || !input.isTTY) {
    const rl = readline.createInterface({ input, terminal: false });
    try {
      const it = rl[Symbol.asyncIterator]();
      const r = await it.next();
      return r.done ? '' : String(r.value);
    } finally {
      rl.close();
    }
  }
  // No echo: raw mode, collect until Enter; Ctrl-C aborts like a signal would.
  input.setRawMode(true);
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      const onData = (buf: Buffer) => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            input.off('data', onData);
            output.write('\n');
            return resolve(line);
          }
          if (ch === '\u0003') {
            input.off('data', onData);
            output.write('\n');
            return reject(Object.assign(new Error('interrupted'), { code: 'EINTR' }));
          }
          if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
          else line += ch;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}

/** All of stdin (login --password-stdin), without the trailing newline. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** One line from stdin, or undefined at end of input before a newline (podman then fails with `EOF`). */
export function readLine(input: NodeJS.ReadStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (v: string | undefined, err?: Error) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
      if (err) reject(err);
      else resolve(v);
    };
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl + 1));
    };
    const onEnd = () => done(undefined);
    const onError = (err: Error) => done(undefined, err);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}

/**
 * podman's `[y/N]` confirmation: true only for an answer starting with y/Y;
 * end of input before a line is podman's `Error: EOF` (exit 125).
 */
export async function confirm(question: string): Promise<boolean> {
  process.stdout.write(question);
  const answer = await readLine(process.stdin);
  if (answer === undefined) throw new TscRunError('EOF');
  return answer.trim().toLowerCase().startsWith('y');
}
