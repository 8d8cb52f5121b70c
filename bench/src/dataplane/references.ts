// What each decoded resource refers to, the way Envoy follows references: a Cluster
// of type EDS needs a ClusterLoadAssignment (eds_cluster_config.service_name or its
// name) and maybe SDS secrets; an aggregate Cluster needs its child clusters; a
// Listener needs the RouteConfigurations its HTTP connection managers name over RDS,
// the clusters of inline routes and TCP proxies, and its TLS secrets; a
// RouteConfiguration needs every cluster its routes send to (weighted ones included).
import { asMsg, decodeAnyMsg, msgList, text, type Msg } from './codec';
import { CDS, EDS, LDS, RDS } from './type-urls';

/** Shared by the summaries of resources that reference nothing (endpoints, secrets). */
const NONE: string[] = [];
const EDS_TYPE = 3; // envoy.config.cluster.v3.Cluster.DiscoveryType.EDS

export interface ResourceSummary {
  name: string;
  /** Clusters that must exist in CDS. */
  clusters: string[];
  /** EDS resource name to subscribe to (EDS clusters only). */
  eds?: string;
  /** RouteConfiguration names to subscribe to over RDS. */
  routeConfigs: string[];
  /** Secret names to subscribe to over SDS. */
  secrets: string[];
}

function tlsSecrets(transportSocket: unknown, out: string[]): void {
  const socket = asMsg(transportSocket);
  const typed = asMsg(socket?.['typed_config']);
  if (typed === undefined || !text(typed['type_url']).includes('.tls.v3.')) return;
  const context = asMsg(decodeAnyMsg(typed)['common_tls_context']);
  if (context === undefined) return;
  for (const s of msgList(context['tls_certificate_sds_secret_configs'])) out.push(text(s['name']));
  const validation = asMsg(context['validation_context_sds_secret_config']);
  if (validation !== undefined) out.push(text(validation['name']));
  const combined = asMsg(context['combined_validation_context']);
  const combinedSds = asMsg(combined?.['validation_context_sds_secret_config']);
  if (combinedSds !== undefined) out.push(text(combinedSds['name']));
}

function routeClusters(routeConfig: Msg, out: string[]): void {
  for (const host of msgList(routeConfig['virtual_hosts']))
    for (const route of msgList(host['routes'])) {
      const action = asMsg(route['route']);
      if (action === undefined) continue;
      const cluster = text(action['cluster']);
      if (cluster !== '') out.push(cluster);
      const weighted = asMsg(action['weighted_clusters']);
      for (const w of msgList(weighted?.['clusters'])) out.push(text(w['name']));
      for (const mirror of msgList(action['request_mirror_policies']))
        if (text(mirror['cluster']) !== '') out.push(text(mirror['cluster']));
    }
}

function filterReferences(filter: Msg, summary: ResourceSummary): void {
  const typed = asMsg(filter['typed_config']);
  const url = text(typed?.['type_url']);
  if (url.endsWith('.HttpConnectionManager')) {
    const hcm = decodeAnyMsg(typed);
    const rds = asMsg(hcm['rds']);
    if (rds !== undefined) summary.routeConfigs.push(text(rds['route_config_name']));
    const inline = asMsg(hcm['route_config']);
    if (inline !== undefined) routeClusters(inline, summary.clusters);
  } else if (url.endsWith('.TcpProxy')) {
    const tcp = decodeAnyMsg(typed);
    const cluster = text(tcp['cluster']);
    if (cluster !== '') summary.clusters.push(cluster);
    const weighted = asMsg(tcp['weighted_clusters']);
    for (const w of msgList(weighted?.['clusters'])) summary.clusters.push(text(w['name']));
  }
}

function listenerSummary(listener: Msg, summary: ResourceSummary): void {
  const chains = msgList(listener['filter_chains']);
  const fallback = asMsg(listener['default_filter_chain']);
  for (const chain of fallback === undefined ? chains : [...chains, fallback]) {
    for (const filter of msgList(chain['filters'])) filterReferences(filter, summary);
    tlsSecrets(chain['transport_socket'], summary.secrets);
  }
  // gRPC proxyless API listeners carry the HCM in api_listener.
  const api = asMsg(listener['api_listener']);
  if (api !== undefined) filterReferences({ typed_config: api['api_listener'] }, summary);
}

function clusterSummary(cluster: Msg, summary: ResourceSummary): void {
  const edsConfig = asMsg(cluster['eds_cluster_config']);
  if (cluster['type'] === EDS_TYPE || edsConfig !== undefined) {
    const serviceName = text(edsConfig?.['service_name']);
    summary.eds = serviceName === '' ? summary.name : serviceName;
  }
  tlsSecrets(cluster['transport_socket'], summary.secrets);
  const custom = asMsg(cluster['cluster_type']);
  const typed = asMsg(custom?.['typed_config']);
  if (typed !== undefined && text(typed['type_url']).endsWith('aggregate.v3.ClusterConfig')) {
    const children = decodeAnyMsg(typed)['clusters'];
    if (Array.isArray(children)) for (const c of children) summary.clusters.push(text(c));
  }
}

/** The name and references of one decoded resource of `typeUrl`. */
export function summarize(typeUrl: string, resource: Msg): ResourceSummary {
  const name = text(typeUrl === EDS ? resource['cluster_name'] : resource['name']);
  if (typeUrl !== CDS && typeUrl !== LDS && typeUrl !== RDS)
    return { name, clusters: NONE, routeConfigs: NONE, secrets: NONE };
  const summary: ResourceSummary = { name, clusters: [], routeConfigs: [], secrets: [] };
  if (typeUrl === CDS) clusterSummary(resource, summary);
  else if (typeUrl === LDS) listenerSummary(resource, summary);
  else routeClusters(resource, summary.clusters);
  // Duplicates (a cluster named by several routes) are dropped: less to hold and check.
  summary.clusters = [...new Set(summary.clusters)];
  if (summary.secrets.length > 1) summary.secrets = [...new Set(summary.secrets)];
  return summary;
}
