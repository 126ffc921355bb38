import { describe, expect, it } from 'vitest';
import { coerceBooleans, parseBoolean } from '../../../src/compose/booleans.js';

describe('boolean keys given as strings (after interpolation)', () => {
  it("reads docker compose's words, any case", () => {
    for (const s of ['y', 'YES', 'true', 'On']) expect(parseBoolean(s)).toBe(true);
    for (const s of ['n', 'No', 'FALSE', 'off']) expect(parseBoolean(s)).toBe(false);
    expect(parseBoolean('maybe')).toBeUndefined();
    expect(parseBoolean('1')).toBeUndefined();
  });

  it('converts them where the spec has booleans, nowhere else', () => {
    const t = {
      services: {
        a: { privileged: 'yes', tty: 'off', environment: { X: 'true' }, volumes: [{ type: 'bind', source: '.', target: '/x', read_only: 'true', bind: { create_host_path: 'no' } }, 'v:/v'], depends_on: { b: { condition: 'service_started', restart: 'on' } } },
      },
      networks: { n: { external: 'false', internal: 'TRUE' } },
      volumes: { v: { external: { name: 'x' } } },
    };
    coerceBooleans('compose.yaml', t);
    expect(t.services.a.privileged).toBe(true);
    expect(t.services.a.tty).toBe(false);
    expect(t.services.a.environment.X).toBe('true');
    expect(t.services.a.volumes[0]).toMatchObject({ read_only: true, bind: { create_host_path: false } });
    expect(t.services.a.depends_on.b.restart).toBe(true);
    expect(t.networks.n).toEqual({ external: false, internal: true });
    expect(t.volumes.v.external).toEqual({ name: 'x' });
  });

  it('refuses a string that is no boolean, naming the file and key', () => {
    expect(() => coerceBooleans('compose.yaml', { services: { a: { privileged: 'maybe' } } })).toThrow('compose.yaml: services.a.privileged: invalid boolean "maybe"');
    expect(() => coerceBooleans('c.yml', { services: { a: { volumes: [{ type: 'volume', source: 'v', target: '/v', read_only: 'ro' }] } } })).toThrow('c.yml: services.a.volumes[0].read_only: invalid boolean "ro"');
  });
});
