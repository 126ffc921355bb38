// Random `adjective_surname` container names, as podman and docker give
// containers created without --name.

import { randomIntBelow } from '../../host/random-bytes.js';

const ADJECTIVES = [
  'admiring', 'amazing', 'bold', 'brave', 'busy', 'charming', 'clever', 'compassionate', 'competent', 'confident',
  'cool', 'dazzling', 'determined', 'eager', 'ecstatic', 'elastic', 'elated', 'elegant', 'epic', 'exciting',
  'fervent', 'focused', 'friendly', 'funny', 'gallant', 'gifted', 'gracious', 'happy', 'hopeful', 'intelligent',
  'jolly', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical', 'modest', 'nice', 'nifty',
  'nostalgic', 'optimistic', 'peaceful', 'pensive', 'practical', 'quirky', 'relaxed', 'serene', 'sharp', 'silly',
  'stoic', 'sweet', 'tender', 'thirsty', 'trusting', 'upbeat', 'vibrant', 'vigilant', 'wizardly', 'zealous',
] as const;

const SURNAMES = [
  'agnesi', 'albattani', 'allen', 'archimedes', 'babbage', 'banach', 'bardeen', 'bhabha', 'blackwell', 'bohr',
  'booth', 'borg', 'bose', 'brahmagupta', 'carson', 'cerf', 'chandrasekhar', 'curie', 'darwin', 'dijkstra',
  'einstein', 'elion', 'euclid', 'euler', 'fermat', 'feynman', 'franklin', 'galileo', 'gauss', 'goldberg',
  'goodall', 'hamilton', 'hawking', 'heisenberg', 'hopper', 'hypatia', 'johnson', 'kepler', 'knuth', 'lamarr',
  'leakey', 'lovelace', 'mcclintock', 'meitner', 'mirzakhani', 'morse', 'newton', 'noether', 'pascal', 'payne',
  'ritchie', 'shannon', 'sinoussi', 'tesla', 'thompson', 'torvalds', 'turing', 'wilson', 'wright', 'yalow',
] as const;

/** A name not in `taken` (a numeric suffix in the unlikely case all tries collide). */
export function randomContainerName(taken: ReadonlySet<string> = new Set(), pick: (n: number) => number = randomIntBelow): string {
  let name = '';
  for (let i = 0; i < 10; i++) {
    name = `${ADJECTIVES[pick(ADJECTIVES.length)]}_${SURNAMES[pick(SURNAMES.length)]}`;
    if (!taken.has(name)) return name;
  }
  let n = 2;
  while (taken.has(`${name}${n}`)) n++;
  return `${name}${n}`;
}
