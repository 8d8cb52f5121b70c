// @crossway/policy: resolves references, policy attachment, route precedence and
// status from the model (pure: no I/O, no clock). Filled by the translation issue.
export {};
