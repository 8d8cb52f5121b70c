// The gRPC xDS server (ADS, SotW and Delta) lives here once the xDS server issue
// lands; `npm start` will then run it beside the API in one process.
export {};
