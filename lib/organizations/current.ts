/** Cookie naming the organization the user works in; the gate checks membership on every use. */
export const CURRENT_ORG_COOKIE = 'portcullis-org';
