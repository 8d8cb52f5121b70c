// Data planes: connected proxies, what each was sent, NACKs, and preview of a target.
export { DataPlaneList } from './list';
export { DataPlanePage } from './page';
export { PreviewPage } from './preview';
