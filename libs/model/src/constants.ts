// The model's names and annotation keys, free of zod (browser bundles import them
// without building schemas).
export const API_VERSION = 'crossway.dev/v1alpha1';
export const DEFAULT_NAMESPACE = 'default';
/** Namespace whose Mesh-targeted policies apply mesh-wide. */
export const SYSTEM_NAMESPACE = 'crossway-system';
/** Annotation naming who applied an object (apply and sync set it). */
export const OWNER_ANNOTATION = 'crossway.dev/owner';
/** Annotation naming the file (path in the repository) an object was applied from (CLI, sync). */
export const SOURCE_FILE_ANNOTATION = 'crossway.dev/source-file';
/**
 * Annotation naming the git commit an object was applied from (CLI, sync). Apply ignores
 * it when comparing, so a new commit alone changes nothing: the stored value is the
 * commit where the object last really changed.
 */
export const SOURCE_COMMIT_ANNOTATION = 'crossway.dev/source-commit';
