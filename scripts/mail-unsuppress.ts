/**
 * Lets the platform mail an address again after a bounce or complaint suppressed it
 * (functions/platform/mail/suppression.ts), once its owner confirms the mailbox works:
 *   npm run mail:unsuppress -- --email ana@contoso.com [--by you@your-domain.com] [--table-name <TableName>]
 * The table defaults to $TABLE_NAME (the Stateful stack's TableName output). Recorded as
 * MAIL_UNSUPPRESSED in the platform's activity log. SES's own account-level list is apart:
 *   aws sesv2 delete-suppressed-destination --email-address ana@contoso.com
 */
import { parseArgs } from 'node:util';
import { unsuppress } from '../functions/platform/mail/suppression.ts';

const { values } = parseArgs({
  options: { email: { type: 'string' }, by: { type: 'string' }, 'table-name': { type: 'string' } },
});
const email = values.email?.trim().toLowerCase();
if (values['table-name']) process.env.TABLE_NAME = values['table-name'];
if (!email || !/^[^@\s]+@[^@\s]+$/.test(email) || !process.env.TABLE_NAME) {
  console.error(
    'Usage: npm run mail:unsuppress -- --email <address> [--by <your email>] [--table-name <TableName output>]',
  );
  process.exit(2);
}

if (await unsuppress(email, values.by ? { email: values.by } : {}))
  console.log(
    `${email} may be mailed again. If SES suppressed it too: aws sesv2 delete-suppressed-destination --email-address ${email}`,
  );
else {
  console.log(`${email} was not suppressed: nothing changed.`);
  process.exit(1);
}
