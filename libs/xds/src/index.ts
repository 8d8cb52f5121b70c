// @crossway/xds: the per-role IR, translation to Envoy resources, the snapshot
// cache and the xDS protocol state machines (pure). Filled by the translation and
// xDS server issues.
export {};
