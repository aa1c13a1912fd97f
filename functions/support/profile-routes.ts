/** Partner operations, profile area: its entries of the route table (functions/support/routes.ts). */
export const profileRoutes = {} as const;
