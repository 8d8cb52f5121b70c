// Services with their Workloads as endpoints, and the Workloads' own conditions.
import type { ServicePort } from '@crossway/model';
import { by, chain, sorted } from '../common/compare';
import { falseCondition, REASONS, trueCondition, type ConditionDraft } from '../common/conditions';
import { nsName, type NamespacedName } from '../common/ids';
import type { ObjectIndex, Stored } from '../common/object-index';
import type { GrantCheck } from '../common/reference-grants';
import type { RefProblem } from '../routes/resolve-backends';
import type { ResolvedEndpoint } from '../resolved-types';
import { resolveSecretRef } from './resolve-secret-refs';

export interface ServicePortDraft {
  port: ServicePort;
  endpoints: ResolvedEndpoint[];
}

export interface ServiceDraft {
  stored: Stored<'Service'>;
  ports: ServicePortDraft[];
  externalCARef?: NamespacedName;
  conditions: ConditionDraft[];
}

export interface ResolvedServices {
  services: Map<string, ServiceDraft>;
  /** Keyed by "namespace/name" of the Workload. */
  workloadConditions: Map<string, ConditionDraft[]>;
}

function serviceConditions(problems: readonly RefProblem[]): ConditionDraft[] {
  return [
    trueCondition('Accepted', REASONS.Accepted, 'Service accepted'),
    problems.length === 0
      ? trueCondition('ResolvedRefs', REASONS.ResolvedRefs, 'All references resolved')
      : falseCondition(
          'ResolvedRefs',
          problems[0]?.reason ?? REASONS.InvalidCACertificateRef,
          problems.map((p) => p.message).join('; '),
        ),
  ];
}

export function resolveServices(index: ObjectIndex, grants: GrantCheck): ResolvedServices {
  const services = new Map<string, ServiceDraft>();
  for (const [key, stored] of index.services) {
    const problems: RefProblem[] = [];
    const draft: ServiceDraft = {
      stored,
      ports: sorted(
        stored.spec.ports.map((port) => ({ port, endpoints: [] })),
        by((p) => p.port.port),
      ),
      conditions: [],
    };
    const caRef = stored.spec.external?.tls?.caRef;
    if (caRef) {
      const from = { kind: 'Service' as const, namespace: stored.namespace };
      const r = resolveSecretRef(index, grants, from, caRef, 'ca', 'spec.external.tls.caRef');
      if (r.ok) draft.externalCARef = r.secret;
      else problems.push(r.problem);
    }
    draft.conditions = serviceConditions(problems);
    services.set(key, draft);
  }

  const workloadConditions = new Map<string, ConditionDraft[]>();
  for (const workload of index.workloads) {
    const accepted = trueCondition('Accepted', REASONS.Accepted, 'Workload accepted');
    const serviceKey = `${workload.namespace}/${workload.spec.service}`;
    const service = services.get(serviceKey);
    if (!service) {
      workloadConditions.set(nsName(workload), [
        accepted,
        falseCondition(
          'ResolvedRefs',
          REASONS.ServiceNotFound,
          `spec.service: Service ${serviceKey} not found; the Workload is no endpoint`,
        ),
      ]);
      continue;
    }
    const missing: string[] = [];
    for (const wp of workload.spec.ports) {
      const port = service.ports.find((p) => p.port.name === wp.name);
      if (!port) {
        missing.push(wp.name);
        continue;
      }
      port.endpoints.push({
        workload: workload.name,
        address: workload.spec.address,
        port: wp.port,
        targetPort: wp.targetPort ?? wp.port,
        locality: workload.spec.locality,
        weight: workload.spec.weight,
        health: workload.spec.health,
      });
    }
    workloadConditions.set(nsName(workload), [
      accepted,
      missing.length === 0
        ? trueCondition('ResolvedRefs', REASONS.ResolvedRefs, 'All references resolved')
        : falseCondition(
            'ResolvedRefs',
            REASONS.PortNotFound,
            `spec.ports: Service ${serviceKey} has no port named ${missing.map((m) => `"${m}"`).join(', ')}`,
          ),
    ]);
  }
  for (const service of services.values())
    for (const port of service.ports)
      port.endpoints = sorted(
        port.endpoints,
        chain(
          by((e) => e.workload),
          by((e) => e.address),
        ),
      );
  return { services, workloadConditions };
}
