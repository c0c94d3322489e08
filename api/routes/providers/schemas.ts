import { catalogQuery } from '../search/schemas';

/** `GET /api/v1/providers`: the catalogue search narrowed to providers, ordered by address. */
export const providerListQuery = catalogQuery.pick({ q: true, namespace: true, page: true, per_page: true });
