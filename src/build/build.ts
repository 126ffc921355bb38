// `build`: from the command's options to a stored, tagged image. Reads the
// Containerfile(s) (the context's Containerfile, else Dockerfile; `-f -` is
// stdin), the ignore file, the build args; opens the context; sweeps what a
// killed build left (step containers, temporary directories); runs the
// executor; removes its temporary files whatever happens.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Roots } from '../config/paths.js';
import { TscRunError, UsageError, errnoText } from '../errors.js';
import type { ImageRecord } from '../storage/images.js';
import { parseContainerfile, type Containerfile } from './containerfile/parse.js';
import { IgnoreMatcher, parseIgnoreFile } from './context/ignore.js';
import { fetchUrl, isUrl, openContext, sweepTemp } from './context/open-context.js';
import { Builder, type BuildOptions } from './exec/executor.js';
import { preprocessContainerfile, wantsPreprocessing } from './preprocess.js';
import { sweepStepContainers } from './exec/step-sweep.js';

export type BuildRequest = Omit<BuildOptions, 'file' | 'contextRoot' | 'contextInPlace' | 'ignore'> & {
  roots: Roots;
  /** CONTEXT as given (directory, `-`, URL); default `.`. */
  context: string;
  /** -f values as given. */
  files: readonly string[];
  ignorefile?: string | undefined;
  /** --from: replaces the first FROM's image. */
  from?: string | undefined;
  stdin: Readable;
  /** --cpp-flag values, for `.in` Containerfiles (src/build/preprocess.ts). */
  cppFlags?: readonly string[];
};

async function readText(file: string): Promise<string> {
  return (await readBytes(file)).toString('utf8');
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    throw new TscRunError(`reading ${file}: ${errnoText(err)}`);
  }
}

async function streamBytes(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function streamText(s: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The Containerfile(s): text and the name errors cite. */
async function containerfileText(req: BuildRequest, contextRoot: string): Promise<{ name: string; text: string }> {
  if (req.files.length === 0) {
    for (const n of ['Containerfile', 'Dockerfile']) {
      const p = path.join(contextRoot, n);
      if (await exists(p)) {
        const text = await readText(p);
        if (text.length === 0) throw new TscRunError(`no contents in ${JSON.stringify(p)}`);
        return { name: n, text };
      }
    }
    throw new TscRunError(`no Containerfile or Dockerfile specified or found in context directory, ${contextRoot}: no such file or directory`);
  }
  const texts: string[] = [];
  for (const f of req.files) {
    if (f === '-') {
      if (req.context === '-') throw new UsageError('cannot read both the Containerfile and the context from stdin');
      texts.push(await streamText(req.stdin));
      continue;
    }
    let name: string;
    let bytes: Buffer;
    if (isUrl(f)) {
      name = f;
      bytes = await streamBytes((await fetchUrl(f)).body);
    } else {
      // Relative to the working directory if there, else to the context (podman).
      const here = path.isAbsolute(f) || (await exists(path.resolve(f)));
      name = here ? f : path.join(contextRoot, f);
      bytes = await readBytes(path.resolve(name));
      if (bytes.length === 0) throw new TscRunError(`no contents in ${JSON.stringify(name)}`);
    }
    if (wantsPreprocessing(name)) {
      texts.push(await preprocessContainerfile({ name, text: bytes, contextDir: contextRoot, cppFlags: req.cppFlags ?? [], env: process.env, warn: req.warn }));
    } else texts.push(bytes.toString('utf8'));
  }
  const first = req.files[0]!;
  return { name: first === '-' ? 'Containerfile' : path.basename(first), text: texts.join('\n') };
}

async function ignoreMatcher(req: BuildRequest, contextRoot: string): Promise<IgnoreMatcher> {
  if (req.ignorefile !== undefined) return new IgnoreMatcher(parseIgnoreFile(await readText(path.resolve(req.ignorefile))), path.resolve(req.ignorefile));
  for (const n of ['.containerignore', '.dockerignore']) {
    const p = path.join(contextRoot, n);
    if (await exists(p)) return new IgnoreMatcher(parseIgnoreFile(await readText(p)), p);
  }
  return new IgnoreMatcher([]);
}

export async function buildImage(req: BuildRequest): Promise<ImageRecord> {
  const tmpRoot = path.join(req.roots.dataRoot, 'build', 'tmp');
  await sweepTemp(tmpRoot);
  await sweepStepContainers(req.roots);
  const context = await openContext(req.context, req.stdin, tmpRoot);
  try {
    const cf = await containerfileText(req, context.root);
    const file: Containerfile = parseContainerfile(cf.text, cf.name);
    if (req.from !== undefined) file.stages[0]!.from = { ...file.stages[0]!.from, image: req.from };
    const ignore = await ignoreMatcher(req, context.root);
    if (file.directives.syntax !== undefined) req.warn(`the syntax directive (${file.directives.syntax}) is ignored: this builder reads the Containerfile itself`);
    const builder = new Builder({ ...req, file, contextRoot: context.root, contextInPlace: context.inPlace, ignore });
    return await builder.build();
  } finally {
    await context.cleanup();
  }
}
