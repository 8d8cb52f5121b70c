// @crossway/protos: loads the Envoy v3 and xDS protos shipped in @grpc/grpc-js-xds
// through the package path. Filled by the translation issue.
export {};
