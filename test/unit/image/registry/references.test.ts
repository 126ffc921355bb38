// Real-world reference strings, as users type them to `pull`/`push`: what
// Podman/Docker make of them, and the ones they refuse.
import { describe, expect, it } from 'vitest';
import { formatReference, normalizeReference, repositoryOf } from '../../../../src/storage/image-reference.js';

const D = 'sha256:' + '0123456789abcdef'.repeat(4);

describe('references podman accepts', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['library/alpine', 'docker.io/library/alpine:latest'],
    ['docker.io/library/alpine:edge', 'docker.io/library/alpine:edge'],
    ['index.docker.io/library/alpine', 'index.docker.io/library/alpine:latest'],
    ['bitnami/redis:7.2', 'docker.io/bitnami/redis:7.2'],
    ['quay.io/podman/stable:v4.9', 'quay.io/podman/stable:v4.9'],
    ['ghcr.io/owner/repo/sub/image:sha-abc123', 'ghcr.io/owner/repo/sub/image:sha-abc123'],
    ['registry.access.redhat.com/ubi9/ubi-minimal', 'registry.access.redhat.com/ubi9/ubi-minimal:latest'],
    ['gcr.io/distroless/static-debian12:nonroot', 'gcr.io/distroless/static-debian12:nonroot'],
    ['mcr.microsoft.com/dotnet/runtime:8.0', 'mcr.microsoft.com/dotnet/runtime:8.0'],
    ['public.ecr.aws/docker/library/nginx:1.25', 'public.ecr.aws/docker/library/nginx:1.25'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['127.0.0.1:5000/team/app:1.0.0-rc.1', '127.0.0.1:5000/team/app:1.0.0-rc.1'],
    ['localhost/app:dev', 'localhost/app:dev'],
    ['myregistry:443/x/y', 'myregistry:443/x/y:latest'],
    ['[::1]:5000/app:1', '[::1]:5000/app:1'],
    ['a/b_c__d-e.f:TAG_1.x', 'docker.io/a/b_c__d-e.f:TAG_1.x'],
    [`alpine@${D}`, `docker.io/library/alpine@${D}`],
    [`127.0.0.1:5000/app@${D}`, `127.0.0.1:5000/app@${D}`],
    [`quay.io/x/y:1.0@${D}`, `quay.io/x/y:1.0@${D}`],
  ])('%s → %s', (input, want) => {
    expect(formatReference(normalizeReference(input))).toBe(want);
  });

  it('keeps host, port and path apart', () => {
    const r = normalizeReference(`127.0.0.1:5000/team/app:1@${D}`);
    expect(r).toEqual({ domain: '127.0.0.1:5000', path: 'team/app', tag: '1', digest: D });
    expect(repositoryOf(r)).toBe('127.0.0.1:5000/team/app');
  });
});

describe('references podman refuses', () => {
  it.each([
    ['', /invalid reference format/],
    ['Busybox', /lowercase/],
    ['docker.io/Library/busybox', /lowercase/],
    ['busybox:', /invalid reference format/],
    ['busybox:tag:more', /invalid reference format/],
    ['busybox@sha256:123', /invalid reference format/],
    [`busybox@sha512:${'a'.repeat(128)}`, /invalid reference format/],
    ['http://registry/app', /invalid reference format/],
    ['registry:5000//app', /invalid reference format/],
    ['app/', /invalid reference format/],
    ['-app', /invalid reference format/],
    ['app:-tag', /invalid reference format/],
    [`app:${'t'.repeat(129)}`, /invalid reference format/],
    ['a'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
    ['app name', /invalid reference format/],
  ])('%j', (input, why) => {
    expect(() => normalizeReference(input)).toThrow(why);
  });
});
