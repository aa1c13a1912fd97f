/** The Cognito group of platform operators (separate from partner roles, which live in our table). */
export const OPERATORS_GROUP = 'operators';
