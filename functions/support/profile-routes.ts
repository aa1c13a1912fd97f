import { route } from '../platform/route-spec.ts';
import { listOf } from '../platform/schemas.ts';
import { ProviderIdParams } from '../relationships/schemas.ts';
import {
  ContactRequestAccepted,
  ContactRequestBody,
  DirectoryQuery,
  PartnerLegalBody,
  PartnerProfile,
  PartnerSupportBody,
  ProviderListing,
  ProviderListingBody,
} from './profile-schemas.ts';

/** Partner operations, profile area: its entries of the route table (functions/support/routes.ts). */
export const profileRoutes = {
  getPartnerProfile: route({
    method: 'GET',
    path: '/partner-profile',
    handler: 'support/api/get-partner-profile',
    auth: 'signed-in',
    permission: 'partnerProfile:read',
    summary:
      "The organization's partner profile: legal name and address with its vetting status, support contact, MPN ID (from its enrollment until edited)",
    response: { status: 200, schema: PartnerProfile },
    uses: ['table'],
  }),
  updatePartnerLegal: route({
    method: 'PATCH',
    path: '/partner-profile/legal',
    handler: 'support/api/update-partner-legal',
    auth: 'signed-in',
    permission: 'partnerProfile:update',
    summary:
      "Change the legal name or the whole legal address; the address's country is the organization's and never changes",
    request: { body: PartnerLegalBody },
    response: { status: 200, schema: PartnerProfile },
    uses: ['table'],
  }),
  updatePartnerSupport: route({
    method: 'PATCH',
    path: '/partner-profile/support',
    handler: 'support/api/update-partner-support',
    auth: 'signed-in',
    permission: 'partnerProfile:update',
    summary:
      'Change the support contact (email, phone, website; null removes the website); no web-based mailbox',
    request: { body: PartnerSupportBody },
    response: { status: 200, schema: PartnerProfile },
    uses: ['table'],
  }),
  putProviderListing: route({
    method: 'PUT',
    path: '/provider-listing',
    handler: 'support/api/put-provider-listing',
    auth: 'signed-in',
    permission: 'partnerProfile:update',
    summary:
      "An indirect provider publishes or replaces its provider directory listing, under its organization's name (countries × (services + 1) ≤ 49)",
    request: { body: ProviderListingBody },
    response: { status: 200, schema: ProviderListing },
    uses: ['table'],
  }),
  searchProviderDirectory: route({
    method: 'GET',
    path: '/provider-directory',
    handler: 'support/api/search-provider-directory',
    auth: 'signed-in',
    // Any user of any organization, enrolling ones included (finding a provider comes before being a reseller).
    permission: 'ANY_PARTNER_USER',
    summary:
      'Listings of indirect providers in one country, by name; `service` narrows to one service, `q` filters name and description (a page may then hold fewer than `limit`)',
    request: { query: DirectoryQuery },
    response: { status: 200, schema: listOf(ProviderListing) },
    uses: ['table'],
  }),
  requestProviderContact: route({
    method: 'POST',
    path: '/provider-directory/{providerId}/contact-requests',
    handler: 'support/api/request-provider-contact',
    auth: 'signed-in',
    permission: 'GLOBAL_ADMIN',
    summary:
      "A reseller (or an organization enrolling as one) asks a listed provider to contact it: the listing's contact is emailed, reply-to the caller; 5 a day per organization",
    request: { params: ProviderIdParams, body: ContactRequestBody },
    response: { status: 202, schema: ContactRequestAccepted },
    uses: ['table', 'mail'],
  }),
} as const;
