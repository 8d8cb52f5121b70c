// Data-plane authentication for the xDS server.
export { createDataPlaneAuthenticator, type DataPlaneAuthenticatorOptions } from './authenticator';
export { parseNode, structToJson } from './node-metadata';
