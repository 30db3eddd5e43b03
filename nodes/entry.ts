// The one module the build bundles: every class n8n loads, so that all of them share one
// token cache and one schema cache in the process.
export { SageErpApi } from '../credentials/SageErpApi.credentials';
export { SageErp } from './SageErp/SageErp.node';
export { SageErpTrigger } from './SageErpTrigger/SageErpTrigger.node';
