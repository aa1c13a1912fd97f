import { enrollmentDeps } from '../adapters/enrollment.ts';
import { operatorEnrollment } from '../domain/enrollment-model.ts';
import { listEnrollmentsForOperators } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';

export const handler = httpHandler(routes.listOperatorEnrollments, async ({ query }) => {
  const page = await listEnrollmentsForOperators(enrollmentDeps(), query.status, query.limit, query.cursor);
  return { status: 200, body: { ...page, items: page.items.map(operatorEnrollment) } };
});
