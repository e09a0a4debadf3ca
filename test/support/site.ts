// The local NHS-style site (release pages + real NHS files) for end-to-end tests; see scripts/demo/site.ts.
export {
  startNhsSite,
  type NhsSite,
  type NhsSiteOptions,
  type SitePublication,
} from '../../scripts/demo/site.js';
