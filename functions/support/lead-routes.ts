/** Partner operations, lead area: its entries of the route table (functions/support/routes.ts). */
export const leadRoutes = {} as const;
