import { httpHandler } from '../../platform/http/handler.ts';
import { listEnrollmentsForOperators } from '../domain/enrollments.ts';
import { operatorEnrollment } from '../domain/model.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';

export const handler = httpHandler(routes.listOperatorEnrollments, async ({ query }) => {
  const page = await listEnrollmentsForOperators(enrollmentDeps(), query.status, query.limit, query.cursor);
  return { status: 200, body: { ...page, items: page.items.map(operatorEnrollment) } };
});
