// One RUN step's output on its way to the terminal view: a Unix socket in
// a private temporary directory, whose connected end the helper gets as
// both stdout and stderr (so the view reads the step's output in exactly
// the order the monitor wrote it: one stream, nothing reordered). Its text
// goes to `sink` as it arrives; close() returns once all of it was read.

import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export interface StepOutput {
  /** Give the helper this (its fd 1 and 2). */
  socket: net.Socket;
  /** After the step: wait until everything written was read, then free the channel. */
  close(): Promise<void>;
}

/** How long after the step's end a writer that kept the socket open (none should) may still send. */
const DRAIN_IDLE_MS = 1_000;

export async function openStepOutput(sink: (text: string) => void, onEnd: () => void): Promise<StepOutput> {
  // A short path (sun_path has 108 bytes) in a 0700 directory of ours: nobody else can connect.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-build-'));
  const sockPath = path.join(dir, 'out');
  const server = net.createServer();
  const decoder = new StringDecoder('utf8');
  let ended!: () => void;
  const endedP = new Promise<void>((r) => (ended = r));
  let lastData = Date.now();
  let reader: net.Socket | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    const rest = decoder.end();
    if (rest) sink(rest);
    onEnd();
    ended();
  };
  server.on('connection', (c) => {
    if (reader) return void c.destroy(); // only our own end connects
    reader = c;
    c.on('data', (b: Buffer) => {
      lastData = Date.now();
      sink(decoder.write(b));
    });
    c.on('end', finish);
    c.on('error', finish);
  });
  const cleanup = async () => {
    server.close();
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(sockPath, resolve);
    });
    const socket = net.connect(sockPath);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', resolve);
    });
    // Accepted: the path is no longer needed (nothing else may connect).
    await fs.rm(dir, { recursive: true, force: true });
    return {
      socket,
      async close() {
        // Our copy of the writing end goes; the helper's went when it exited.
        socket.destroy();
        for (;;) {
          const idle = Date.now() - lastData;
          const timer = new Promise<'idle'>((r) => setTimeout(() => r('idle'), Math.max(50, DRAIN_IDLE_MS - idle)).unref());
          if ((await Promise.race([endedP.then(() => 'end' as const), timer])) === 'end') break;
          if (Date.now() - lastData >= DRAIN_IDLE_MS) break;
        }
        reader?.destroy();
        finish();
        server.close();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
