// Whether a policy lets an image in, as containers/image decides it: the
// requirements of the most specific matching scope of the image's
// transport (identity, then its namespaces, then the transport's ""),
// else the policy's default; every requirement must accept. Pure.
//
// Signature requirements (signedBy, sigstoreSigned) are refused, naming the
// requirement: tsc-run does not verify signatures, and an image a policy
// says to verify is never let in unverified.

import { TscRunError } from '../../errors.js';
import type { Policy, PolicyRequirement } from './policy.js';
import { describeImage, policyIdentity, policyNamespaces, type PolicyImage } from './scopes.js';

/** The policy refuses the image (podman: `Source image rejected: ...`, exit 125). */
export class PolicyRejectedError extends TscRunError {}

export interface ScopeMatch {
  /** Transport the requirements came from; undefined: the policy's default. */
  transport: string | undefined;
  scope: string | undefined;
  requirements: PolicyRequirement[];
}

export function requirementsFor(policy: Policy, img: PolicyImage): ScopeMatch {
  const scopes = policy.transports[img.transport];
  if (scopes) {
    for (const s of [policyIdentity(img), ...policyNamespaces(img), '']) {
      const reqs = scopes[s];
      if (reqs) return { transport: img.transport, scope: s, requirements: reqs };
    }
  }
  return { transport: undefined, scope: undefined, requirements: policy.default };
}

function unverifiable(req: PolicyRequirement, image: string): string {
  if (req.type === 'signedBy') {
    return `Source image rejected: the policy requires ${image} to be signed (signedBy, keyType ${req.keyType}) and tsc-run does not verify simple signing (GPG) signatures`;
  }
  const how = req.type === 'sigstoreSigned' && req.fulcio !== undefined ? 'fulcio' : 'key';
  return `Source image rejected: the policy requires ${image} to be signed (sigstoreSigned, ${how}) and tsc-run does not verify sigstore signatures`;
}

/** Throws PolicyRejectedError unless every requirement that applies to the image accepts it. */
export function checkImageAllowed(policy: Policy, img: PolicyImage): void {
  const image = describeImage(img);
  for (const req of requirementsFor(policy, img).requirements) {
    switch (req.type) {
      case 'insecureAcceptAnything':
        continue;
      case 'reject':
        throw new PolicyRejectedError(`Source image rejected: Running image ${image} is rejected by policy.`);
      default:
        throw new PolicyRejectedError(unverifiable(req, image));
    }
  }
}
