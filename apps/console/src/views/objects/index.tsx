// Object lists per kind and object pages (YAML, status, policies, data planes, edit).
export { ObjectList } from './list';
export { ObjectPage } from './page';
