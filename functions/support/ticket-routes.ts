/** Partner operations, ticket area: its entries of the route table (functions/support/routes.ts). */
export const ticketRoutes = {} as const;
