// Asking the user on the terminal (login's Username:/Password: prompts):
// a line of input, echoed or not. Only used when stdin is a TTY.

import readline from 'node:readline';

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
