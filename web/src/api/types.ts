import type { paths } from './schema';

/*
 * Names for the API's shapes, derived from the generated paths (never written
 * by hand): if the server changes a response, `npm run gen:api` changes these.
 */

type JSONOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer X }
    ? JSONOf<X>
    : R extends { 201: infer Y }
      ? JSONOf<Y>
      : never
  : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer R } ? JSONOf<NonNullable<R>> : never;
type Item<L> = L extends { items?: (infer I)[] | null } ? I : never;

export type Me = Ok<'/api/auth/me', 'get'>;
export type Role = Me['role'];
export type Membership = NonNullable<Me['companies']>[number];
export type InviteLookup = Ok<'/api/auth/invites/{token}', 'get'>;
export type Company = Ok<'/api/company', 'get'>;
export type StorageUsage = Ok<'/api/company/storage', 'get'>;
export type User = Item<Ok<'/api/users', 'get'>>;
export type Invite = Item<Ok<'/api/invites', 'get'>>;
export type CreatedInvite = Ok<'/api/invites', 'post'>;
export type ApiToken = Item<Ok<'/api/api-tokens', 'get'>>;
export type CreatedApiToken = Ok<'/api/api-tokens', 'post'>;
export type Contact = Ok<'/api/contacts/{id}', 'get'>;
export type ContactList = Ok<'/api/contacts', 'get'>;
export type ContactCreate = Body<'/api/contacts', 'post'>;
export type ContactUpdate = Body<'/api/contacts/{id}', 'patch'>;
export type TagCount = Item<Ok<'/api/contacts/tags', 'get'>>;
export type TenancyAudit = Ok<'/api/admin/tenancy-audit', 'get'>;
export type ContactListQuery = NonNullable<paths['/api/contacts']['get']['parameters']['query']>;
export type ContactSort = NonNullable<ContactListQuery['sort']>;
export type SortOrder = NonNullable<ContactListQuery['order']>;
