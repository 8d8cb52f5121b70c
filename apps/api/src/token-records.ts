// Token records kept in the store's "tokens" record area: see @crossway/auth.
export { storeTokenRecords } from '@crossway/auth';
