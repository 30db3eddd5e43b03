export * as listSearch from './listSearch';
export * as filterOptions from './filterOptions';
