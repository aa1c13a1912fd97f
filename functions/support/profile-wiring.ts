import { enrollmentDeps } from '../enrollment/wiring.ts';
import { identityStore } from '../identity/wiring.ts';
import { notWired } from '../platform/config.ts';
import type { Mailer } from '../platform/ports.ts';
import { systemClock } from '../platform/runtime.ts';
import type { DirectoryDeps } from './domain/directory.ts';
import type { EnrollmentFacts } from './profile-ports.ts';
import { profileStore } from './profile-store.ts';

/** The enrollment records the profile reads, through the enrollment context's store port. */
const enrollmentFacts: EnrollmentFacts = {
  getEnrollment: (id) => enrollmentDeps().enrollments.getEnrollment(id),
  getMpnClaim: (mpnId) => enrollmentDeps().enrollments.getMpnClaim(mpnId),
  getMpnProfile: (mpnId) => enrollmentDeps().enrollments.getMpnProfile(mpnId),
  openEnrollmentId: (orgId) => enrollmentDeps().enrollments.openEnrollmentId(orgId),
};

/**
 * The profile area's ports (partner profile, provider listing, directory, contact requests); the
 * contact request's handler passes the mailer, the only one of its routes that sends mail.
 */
export const profileDeps = (ports: { mailer?: Mailer } = {}): DirectoryDeps => ({
  profiles: profileStore,
  organizations: identityStore,
  enrollments: enrollmentFacts,
  clock: systemClock,
  mailer: ports.mailer ?? notWired<Mailer>('mailer', 'mail'),
});
