// The compose schema of our own (src/compose/schema.ts): what the spec
// allows passes, what it does not is refused at the key's path.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateComposeFile } from '../../../src/compose/validate.js';

function check(text: string): string | undefined {
  try {
    validateComposeFile('compose.yaml', parse(text, { merge: true }));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const FULL = `
version: "3.9"
name: demo
include:
  - other.yaml
  - path: [a.yaml, b.yaml]
    env_file: .env.other
x-common: &common
  restart: unless-stopped
services:
  web:
    <<: *common
    image: busybox
    build:
      context: .
      dockerfile: Containerfile
      args: { A: "1", B: 2 }
      target: final
    command: ["httpd", "-f"]
    entrypoint: /bin/sh -c
    environment:
      - A=1
    env_file: [.env, { path: opt.env, required: false }]
    ports: [80, "8080:80", { target: 80, published: "9090", protocol: tcp, host_ip: 127.0.0.1 }]
    volumes:
      - data:/data
      - type: bind
        source: ./site
        target: /www
        read_only: true
        bind: { create_host_path: true }
    depends_on:
      db: { condition: service_healthy, restart: true }
    healthcheck: { test: ["CMD", "true"], interval: 5s, retries: 3, start_period: 1s }
    networks:
      front: { aliases: [www], ipv4_address: 10.89.0.5 }
      back:
    ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 64 }
    deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: 64M } } }
    labels: { a: b }
    privileged: \${PRIV:-false}
    extra_hosts: ["h:1.2.3.4"]
    secrets: [s1, { source: s2, target: /run/s2, mode: 0400 }]
    x-note: anything
  db:
    image: busybox
    profiles: [debug]
    depends_on: [web]
networks:
  front: { driver: bridge, ipam: { config: [{ subnet: 10.89.0.0/24 }] } }
  back:
    external: true
volumes:
  data:
  named: { external: { name: real } }
secrets:
  s1: { file: ./s1.txt }
  s2: { environment: S2 }
configs:
  c1: { content: "hello" }
`;

describe('compose schema', () => {
  it('accepts a file using the spec broadly (anchors, merge keys, extensions, long and short forms)', () => {
    expect(check(FULL)).toBeUndefined();
  });

  it.each([
    ['services:\n  web:\n    image: x\n    ports: [{ target: 80, colour: red }]\n', 'services.web.ports[0]: additional property "colour" is not allowed'],
    ['services:\n  web:\n    image: x\n    depends_on: { db: { condition: sometimes } }\n', 'services.web.depends_on.db.condition: must be one of'],
    ['services:\n  web:\n    image: x\n    volumes: [{ source: a, target: /b }]\n', 'services.web.volumes[0]: missing required property "type"'],
    ['services:\n  web:\n    image: [x]\n', 'services.web.image: must be string'],
    ['services:\n  web:\n    image: x\nnetworks:\n  n: { driver: bridge, colour: red }\n', 'networks.n: additional property "colour" is not allowed'],
    ['services:\n  web:\n    image: x\n    healthcheck: { test: true }\n', 'services.web.healthcheck.test'],
    ['services:\n  web: 3\n', 'services.web: must be object'],
  ])('refuses %j', (text, want) => {
    expect(check(text)).toContain(want);
  });
});
