// Attaching to a running container: connect to its monitor's attach
// socket, print its stdout/stderr as they come, feed it our stdin (raw mode
// with a tty, watching for the detach keys), follow our terminal's size,
// and relay the signals we get (--sig-proxy) through the ctl FIFO. Returns
// the container's exit code, or 0 after a detach.

import fs from 'node:fs';
import net from 'node:net';
import { constants } from 'node:os';
import { TscRunError } from '../../errors.js';
import type { Roots } from '../../config/paths.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { DetachKeyMatcher, encodeFrames, Frame, FrameDecoder } from './attach-protocol.js';
import { parseExitRecord } from '../container/container-state.js';
import { sendControl } from './monitor-control.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../container/run-options.js';
import { containerRuntimePaths } from './runtime-dir.js';
import { enterRawMode, onResize, terminalSize } from './tty.js';

export interface AttachInput {
  roots: Roots;
  container: ContainerRecord;
  /** Feed our stdin (not --no-stdin) — only if the container keeps one (-i). */
  stdin: boolean;
  sigProxy: boolean;
  /** Overrides the container's own detach keys. */
  detachKeys?: string | undefined;
}

/** Socket paths are limited to 108 bytes: a long one is reached through a directory fd. */
function connect(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let dirFd: number | undefined;
    let target = socketPath;
    if (Buffer.byteLength(socketPath) > 100) {
      dirFd = fs.openSync(socketPath.slice(0, socketPath.lastIndexOf('/')), 'r');
      target = `/proc/self/fd/${dirFd}/${socketPath.slice(socketPath.lastIndexOf('/') + 1)}`;
    }
    const done = () => {
      if (dirFd !== undefined) fs.closeSync(dirFd);
      dirFd = undefined;
    };
    const s = net.createConnection({ path: target });
    s.once('connect', () => (done(), resolve(s)));
    s.once('error', (e) => (done(), reject(e)));
  });
}

const PROXIED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

export async function attachContainer(i: AttachInput): Promise<number> {
  const c = i.container;
  const paths = containerRuntimePaths(i.roots.runRoot, c.id);
  let sock: net.Socket;
  try {
    sock = await connect(paths.attachSocket);
  } catch {
    throw new TscRunError('you can only attach to running containers');
  }
  const tty = c.config.tty === true;
  const feed = i.stdin && c.config.stdin === true;
  // Detach keys are typed on a terminal (podman): on a pipe they would cut a binary stream.
  const matcher = new DetachKeyMatcher(tty ? parseDetachKeys(i.detachKeys ?? c.config.detachKeys ?? DEFAULT_DETACH_KEYS) : new Uint8Array());
  const restoreTty = feed && tty ? enterRawMode() : () => {};
  const cleanups: Array<() => void> = [restoreTty];

  if (tty) {
    const resize = (s: { rows: number; cols: number }) => {
      if (!sock.destroyed) sock.write(encodeFrames(Frame.Resize, Buffer.from(`${s.rows} ${s.cols}`)));
    };
    const now = terminalSize();
    if (now) resize(now);
    cleanups.push(onResize(resize));
  }
  if (i.sigProxy) {
    const relay = (sig: NodeJS.Signals) => void sendControl(i.roots.runRoot, c.id, `kill ${constants.signals[sig]}`);
    for (const s of PROXIED) process.on(s, relay);
    cleanups.push(() => {
      for (const s of PROXIED) process.off(s, relay);
    });
  }

  return new Promise<number>((resolve) => {
    let settled = false;
    let stdinPaused = false;
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      for (const f of cleanups) f();
      if (feed) {
        process.stdin.off('data', onStdin);
        process.stdin.pause();
      }
      sock.destroy();
      resolve(code);
    };
    const onStdin = (chunk: Buffer) => {
      const { forward, detach } = matcher.feed(chunk);
      if (forward.length && !sock.destroyed && !sock.write(encodeFrames(Frame.Stdin, forward)) && !stdinPaused) {
        // The monitor takes input as the container reads it: hold ours meanwhile.
        stdinPaused = true;
        process.stdin.pause();
        sock.once('drain', () => {
          stdinPaused = false;
          if (!settled) process.stdin.resume();
        });
      }
      if (detach) finish(0);
    };
    if (feed) {
      process.stdin.on('data', onStdin);
      process.stdin.once('end', () => {
        if (!sock.destroyed && !tty) sock.write(encodeFrames(Frame.StdinEof));
      });
      process.stdin.resume();
    }
    const decoder = new FrameDecoder();
    sock.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        if (f.type === Frame.Stdout) process.stdout.write(f.payload);
        else if (f.type === Frame.Stderr) process.stderr.write(f.payload);
        else if (f.type === Frame.Exit) {
          let code = 0;
          try {
            code = parseExitRecord(JSON.parse(f.payload.toString('utf8'))).exitCode;
          } catch {
            /* a damaged record: the store will say */
          }
          finish(code);
        }
      }
    });
    // Closed without an exit frame: the monitor went away; its exit.json may still tell.
    sock.on('close', () => {
      let code = 0;
      try {
        code = parseExitRecord(JSON.parse(fs.readFileSync(paths.exitFile, 'utf8'))).exitCode;
      } catch {
        /* none */
      }
      finish(code);
    });
    sock.on('error', () => {});
  });
}
