import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BUSINESS_METRICS,
  type BusinessMetric,
  METRICS_NAMESPACE,
} from '../../functions/platform/business-metrics.ts';
import { platformFunctions } from '../../infra/functions.ts';
import { commerceWorld, line, postOrder } from '../support/commerce.ts';
import {
  enrollmentBody,
  enrollmentToken,
  mpnProfile,
  operatorToken,
  waitForStatus,
} from '../support/enrollment.ts';
import { verifiedAccount } from '../support/identity.ts';
import { accept, tokenOf } from '../support/relationships.ts';
import { call, env, eventually } from '../support/runtime.ts';

type Line = Record<string, unknown> & { functionName: string };

/** One FilterLogEvents call (every page) to the CloudWatch Logs stand-in, as `aws logs filter-log-events` makes it. */
async function filterLogEvents(logGroupName: string, filterPattern?: string): Promise<Line[]> {
  const lines: Line[] = [];
  let nextToken: string | undefined;
  do {
    const res = await fetch(env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS ?? '', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Logs_20140328.FilterLogEvents',
      },
      body: JSON.stringify({ logGroupName, filterPattern, nextToken }),
    });
    const page = (await res.json()) as { events: Array<{ message: string }>; nextToken?: string };
    expect(res.status, JSON.stringify(page)).toBe(200);
    for (const { message } of page.events) {
      // Every line our functions print is JSON: the logger's, or an EMF metric's.
      const parsed = JSON.parse(message) as Record<string, unknown>;
      lines.push({ ...parsed, functionName: logGroupName.replace('/aws/lambda/', '') });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return lines;
}

const functionName = (handler: string) => {
  const fn = platformFunctions().find((f) => f.handler === handler);
  if (!fn) throw new Error(`no function of ${handler}`);
  return fn.name;
};

/** The log lines of the function built from `handler`. */
const logOf = (handler: string, filterPattern?: string) =>
  filterLogEvents(`/aws/lambda/${functionName(handler)}`, filterPattern);

/** One story across every function's log group: what a Logs Insights query by correlation id shows on AWS. */
async function story(correlationId: string): Promise<Line[]> {
  const res = await fetch(env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS ?? '', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Logs_20140328.DescribeLogGroups',
    },
    body: JSON.stringify({ logGroupNamePrefix: '/aws/lambda/' }),
  });
  const { logGroups } = (await res.json()) as { logGroups: Array<{ logGroupName: string }> };
  expect(logGroups.length).toBeGreaterThan(40);
  const lines = await Promise.all(
    logGroups.map((g) => filterLogEvents(g.logGroupName, `{ $.correlation_id = "${correlationId}" }`)),
  );
  return lines.flat();
}

/** The EMF lines of `metric` among `lines`. */
const emf = (lines: Line[], metric: BusinessMetric) =>
  lines.filter((l) => l._aws !== undefined && BUSINESS_METRICS[metric] in l);

const requestIdOf = (res: { headers: Headers }) => {
  const id = res.headers.get('x-amzn-requestid');
  expect(id).toBeTruthy();
  return id ?? '';
};

/** A metric line as the dashboard reads it: the namespace, the metric as a Count, `service` its one dimension. */
function expectMetricLine(l: Line | undefined, metric: BusinessMetric, value: number, correlationId: string) {
  expect(l).toMatchObject({
    _aws: {
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['service']],
          Metrics: [{ Name: BUSINESS_METRICS[metric], Unit: 'Count' }],
        },
      ],
    },
    service: 'csp-partner-platform',
    [BUSINESS_METRICS[metric]]: value,
    correlation_id: correlationId,
  });
}

describe('one enrollment, one story', () => {
  it('carries the submitting request’s id through the review’s steps, their emails, records and counts', async () => {
    const account = await verifiedAccount();
    const contact = `paz@${account.domain}`;
    const op = await operatorToken();
    const mpnId = await mpnProfile({ token: op });

    const submitted = await call('POST', '/enrollments', {
      token: account.token,
      body: enrollmentBody(account, mpnId),
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const id = requestIdOf(submitted);
    const enrollmentId = submitted.body.enrollmentId as string;
    const verified = await call('POST', '/enrollments/verify', {
      body: { token: await enrollmentToken(contact) },
    });
    expect(verified.status).toBe(200);
    await waitForStatus(account, enrollmentId, 'IN_REVIEW');
    const decided = await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
      token: op,
      body: { decision: 'APPROVE' },
    });
    expect(decided.status).toBe(202);
    await waitForStatus(account, enrollmentId, 'APPROVED');

    // The activity records the workflow's steps wrote name the submitting request, not 'system'.
    const activity = await call('GET', '/activity?limit=100', { token: account.token });
    expect(activity.status).toBe(200);
    const records = (
      activity.body.items as Array<{ operation: string; actor: { kind: string }; requestId: string }>
    )
      .filter((a) => a.operation.startsWith('ENROLLMENT_'))
      .map((a) => [a.operation, a.actor.kind, a.requestId]);
    expect(records).toEqual(
      expect.arrayContaining([
        ['ENROLLMENT_SUBMITTED', 'USER', id],
        ['ENROLLMENT_VERIFICATION_SENT', 'SYSTEM', id],
        ['ENROLLMENT_VERIFIED', 'USER', requestIdOf(verified)],
        ['ENROLLMENT_APPROVED', 'SYSTEM', id],
      ]),
    );

    // Each step's email to the contact: sent by its task function, in the submitting request's story.
    const mailTasks = [
      'enrollment/tasks/send-verification',
      'enrollment/tasks/notify-in-review',
      'enrollment/tasks/apply-decision',
    ];
    const mails = await eventually(
      async () => {
        const lines = (await Promise.all(mailTasks.map((h) => logOf(h)))).flat();
        const sent = lines.filter((l) => l.to === contact);
        return sent.length === mailTasks.length ? sent : undefined;
      },
      10_000,
      'the review emails’ log lines',
    );
    expect(mails.map((l) => [l.functionName, l.message, l.correlation_id])).toEqual(
      mailTasks.map((h) => [functionName(h), 'mail sent', id]),
    );
    // Every line of the review's task functions about this enrollment or its contact is in the story.
    const taskHandlers = new Set(
      platformFunctions()
        .map((f) => f.handler)
        .filter((h) => h.startsWith('enrollment/tasks/')),
    );
    const taskLines = (await Promise.all([...taskHandlers].map((h) => logOf(h)))).flat();
    const aboutIt = taskLines.filter((l) => l.to === contact || l.enrollmentId === enrollmentId);
    expect(aboutIt.length).toBeGreaterThanOrEqual(mailTasks.length);
    expect(aboutIt.filter((l) => l.correlation_id !== id)).toEqual([]);

    // The counts, each from the function that did it, in the story.
    const submittedCounts = emf(
      await logOf('enrollment/api/submit-enrollment'),
      'enrollmentSubmitted',
    ).filter((l) => l.correlation_id === id);
    expect(submittedCounts).toHaveLength(1);
    expectMetricLine(submittedCounts[0], 'enrollmentSubmitted', 1, id);
    const approvedCounts = emf(await logOf('enrollment/tasks/apply-decision'), 'enrollmentApproved').filter(
      (l) => l.correlation_id === id,
    );
    expect(approvedCounts).toHaveLength(1);
    expectMetricLine(approvedCounts[0], 'enrollmentApproved', 1, id);

    // One query by the id tells the whole story (the submission, each step's email, both counts)
    // and nothing of another enrollment's.
    const told = await story(id);
    expect([...new Set(told.map((l) => l.functionName))]).toEqual(
      expect.arrayContaining([
        functionName('enrollment/api/submit-enrollment'),
        ...mailTasks.map(functionName),
      ]),
    );
    expect(told.filter((l) => l.message === 'mail sent').map((l) => l.to)).toEqual([
      contact,
      contact,
      contact,
    ]);
    expect(emf(told, 'enrollmentSubmitted')).toHaveLength(1);
    expect(emf(told, 'enrollmentApproved')).toHaveLength(1);
  });
});

describe('business counts of commerce and relationships', () => {
  it('counts an accepted invitation, an order and its licenses, each in its request’s story', async () => {
    const world = await commerceWorld();
    const customer = await verifiedAccount(undefined, 'ES');
    const requested = await call('POST', `/indirect-providers/${world.provider.orgId}/customer-invitations`, {
      token: world.reseller.token,
      body: { customerEmail: customer.email },
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const accepted = await accept(tokenOf(requested.body.link), customer);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const acceptId = requestIdOf(accepted);

    const ordered = await postOrder(world.provider, customer.orgId, {
      lineItems: [line('m365-e3', 3, 'P1M', 'MONTHLY'), line('m365-business-basic', 2, 'P1M', 'MONTHLY')],
    });
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(201);
    const orderId = requestIdOf(ordered);
    const subscriptionIds = (ordered.body.lineItems as Array<{ subscriptionId: string }>).map(
      (l) => l.subscriptionId,
    );

    // The Default admin relationship (made by a stream consumer) lets the reseller manage the users.
    const usersPath = `/customers/${customer.orgId}/users`;
    await eventually(
      async () =>
        (await call('GET', usersPath, { token: world.reseller.token })).status === 200 ? true : undefined,
      15_000,
      'the Default admin relationship',
    );
    const created = await call('POST', usersPath, {
      token: world.reseller.token,
      body: {
        firstName: 'Lena',
        lastName: 'Seats',
        email: `lena.${randomUUID().slice(0, 6)}@${customer.domain}`,
        usageLocation: 'ES',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const assigned = await call('POST', `${usersPath}/${created.body.user.id}/licenses`, {
      token: world.reseller.token,
      body: { assign: subscriptionIds },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const assignId = requestIdOf(assigned);

    const counted = async (handler: string, metric: BusinessMetric, correlationId: string) =>
      eventually(
        async () => {
          const lines = emf(await logOf(handler), metric).filter((l) => l.correlation_id === correlationId);
          return lines.length > 0 ? lines : undefined;
        },
        10_000,
        `${metric} in the log of ${handler}`,
      );
    const invitations = await counted('relationships/api/accept-invitation', 'invitationAccepted', acceptId);
    expect(invitations).toHaveLength(1);
    expectMetricLine(invitations[0], 'invitationAccepted', 1, acceptId);
    const orders = await counted('commerce/api/place-order', 'orderPlaced', orderId);
    expect(orders).toHaveLength(1);
    expectMetricLine(orders[0], 'orderPlaced', 1, orderId);
    const licenses = await counted('on-behalf/api/change-user-licenses', 'licenseAssigned', assignId);
    expect(licenses).toHaveLength(1);
    expectMetricLine(licenses[0], 'licenseAssigned', 2, assignId);
  });
});
